"""Sign-in and back-channel logout while the shared cache (Redis) is unreachable: the
provider's documents are fetched instead of read from the cache, and a logout token's
replay is still refused within the process."""

from __future__ import annotations

import pytest
from django.test import Client

from province.ops import softcache
from tests.province.ops.test_outages import redis_down  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_claims():
    softcache.reset()
    yield
    softcache.reset()


def test_it_signs_in_while_the_cache_is_down(redis_down, provider, caplog):  # noqa: F811
    client = Client()
    response = provider.login(client, "/tai-khoan/")
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"
    assert client.get("/tai-khoan/").status_code == 200
    assert [r for r in caplog.records if r.getMessage().startswith("shared_cache_unreachable")]


def test_it_ends_sessions_by_logout_token_and_refuses_its_replay_while_the_cache_is_down(
    redis_down,  # noqa: F811
    provider,
):
    client = Client()
    provider.sid = "sid-down"
    assert provider.login(client).status_code == 302
    token = provider.logout_token(sid="sid-down")

    first = Client().post("/sso/backchannel-logout/", {"logout_token": token})
    again = Client().post("/sso/backchannel-logout/", {"logout_token": token})

    assert first.status_code == 200
    assert client.get("/tai-khoan/").status_code != 200
    assert again.status_code == 400
