"""What a process keeps of the provider between sign-ins (its copy of discovery and of the
JWKS, parsed once; the Authlib client; one connection pool), and when it looks again."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from joserfc.jwk import KeySet

from province.ops import softcache
from province.sso import provider as provider_module
from tests.province.conftest import DISCOVERY_URL, JWKS_URL, rsa_key

pytestmark = pytest.mark.django_db


class CountingCache:
    """The real cache, counting reads per key."""

    def __init__(self) -> None:
        self.reads: dict[str, int] = {}

    def get(self, key: str, *args: Any, **kwargs: Any) -> Any:
        self.reads[key] = self.reads.get(key, 0) + 1
        return cache.get(key, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(cache, name)


def sign_in(provider: Any) -> int:
    return int(provider.login(Client()).status_code)


def calls_to(provider: Any, url: str) -> int:
    return sum(1 for call in provider.rsps.calls if call.request.url == url)


def test_it_fetches_and_parses_the_provider_documents_once_for_many_sign_ins(provider, monkeypatch):
    imports = []
    real_import = KeySet.import_key_set

    def counting_import(data: Any, *args: Any, **kwargs: Any) -> KeySet:
        imports.append(1)
        return real_import(data, *args, **kwargs)

    monkeypatch.setattr(provider_module.KeySet, "import_key_set", counting_import)
    shared = CountingCache()
    monkeypatch.setattr(softcache, "cache", shared)  # the shared cache, as the provider reads it

    assert [sign_in(provider) for _ in range(3)] == [302, 302, 302]
    assert calls_to(provider, DISCOVERY_URL) == 1 and calls_to(provider, JWKS_URL) == 1
    assert len(imports) == 1
    # read from the shared cache only while this process had no copy yet
    assert shared.reads == {provider_module._METADATA_KEY: 1, provider_module._JWKS_KEY: 1}


def test_it_reads_the_shared_cache_again_once_its_copy_is_old(provider, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(provider_module, "_clock", lambda: now[0])
    shared = CountingCache()
    monkeypatch.setattr(softcache, "cache", shared)  # the shared cache, as the provider reads it
    assert sign_in(provider) == 302
    assert sign_in(provider) == 302
    assert shared.reads[provider_module._JWKS_KEY] == 1

    now[0] += provider_module.PROCESS_COPY_SECONDS + 1
    assert sign_in(provider) == 302
    assert shared.reads[provider_module._JWKS_KEY] == 2
    assert calls_to(provider, JWKS_URL) == 1  # the shared cache still had it


def test_it_takes_a_rotated_key_from_the_shared_cache_before_asking_the_provider(provider):
    assert sign_in(provider) == 302  # this process now holds the JWKS with k1
    # another process saw the rotation and refreshed the shared cache
    rotated = KeySet([rsa_key("k1"), rsa_key("k2")]).as_dict(private=False)
    cache.set(provider_module._JWKS_KEY, rotated, 3600)
    provider.signing_key = rsa_key("k2")

    assert sign_in(provider) == 302
    assert provider.jwks_calls == 1


def test_it_refuses_a_key_the_provider_dropped_once_its_copy_is_old(provider, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(provider_module, "_clock", lambda: now[0])
    assert sign_in(provider) == 302
    provider.published = [[rsa_key("k2")]]  # k1 withdrawn at the provider
    cache.set(provider_module._JWKS_KEY, KeySet([rsa_key("k2")]).as_dict(private=False), 3600)
    now[0] += provider_module.PROCESS_COPY_SECONDS + 1

    assert sign_in(provider) == 400  # still signed with k1
    provider.signing_key = rsa_key("k2")
    assert sign_in(provider) == 302


def test_it_builds_the_authlib_client_once_per_configuration(provider, settings):
    first = provider_module.client()
    assert provider_module.client() is first
    settings.NATIONAL_SSO = {**settings.NATIONAL_SSO, "CLIENT_ID": "another-client"}
    other = provider_module.client()
    assert other is not first
    assert other.client_id == "another-client"


def test_it_does_not_read_proxy_settings_from_the_environment(provider, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "")
    assert sign_in(provider) == 302
    assert provider.rsps.calls
    for call in provider.rsps.calls:
        assert not call.request.req_kwargs.get("proxies"), call.request.url


class _Counting(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    connections = 0

    def setup(self) -> None:
        type(self).connections += 1
        super().setup()

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        body = json.dumps({"ok": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the http.server name
        return None


@pytest.fixture
def loopback() -> Iterator[str]:
    _Counting.connections = 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/doc"
    server.shutdown()
    server.server_close()


def test_it_keeps_connections_to_the_provider_open_across_calls(loopback):
    assert provider_module._get_json(loopback) == {"ok": True}
    # Authlib opens and closes a session per call: the pool must outlive them
    for _ in range(3):
        with provider_module.PooledOAuth2Session(client_id="c", client_secret="s") as session:
            assert session.get(loopback, withhold_token=True, timeout=5).json() == {"ok": True}
    assert provider_module._get_json(loopback) == {"ok": True}
    assert _Counting.connections == 1
