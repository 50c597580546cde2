"""The shared rate-limit counter: counted in one command on Redis (with the window's
expiry set by the first request), with add/incr on other caches; the same counts either way."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache

from province.ops import ratelimit


@pytest.fixture(autouse=True)
def _fresh() -> None:
    ratelimit.reset()


def test_it_counts_each_request_of_a_key_in_its_window() -> None:
    counts = [ratelimit.hit("test-scope", "10.0.0.1", limit=2, window=60) for _ in range(3)]
    assert [h.count for h in counts] == [1, 2, 3]
    assert [h.limited for h in counts] == [False, False, True]
    assert all(h.shared for h in counts)
    assert ratelimit.hit("test-scope", "10.0.0.2", limit=2, window=60).count == 1  # another key


def test_it_gives_a_new_redis_counter_an_expiry_once() -> None:
    backend = cache._connections[cache._alias]  # type: ignore[attr-defined]
    if not isinstance(backend, RedisCache):
        pytest.skip("the default cache is not Redis (set REDIS_URL)")
    first = ratelimit.hit("test-ttl", "10.0.0.9", limit=5, window=120)
    client = backend._cache.get_client(write=True)
    index = int(time.time()) // 120
    key = cache.make_key(f"rl:test-ttl:10.0.0.9:{index}")
    ttl = client.ttl(key)
    assert first.count == 1 and 0 < ttl <= 180
    client.expire(key, 1000)
    ratelimit.hit("test-ttl", "10.0.0.9", limit=5, window=120)
    assert client.ttl(key) > 180  # a later request leaves the expiry alone
    assert int(client.get(key)) == 2


def test_it_peeks_at_a_window_without_counting() -> None:
    assert ratelimit.peek("test-peek", "10.0.0.3", limit=2, window=3600).count == 0
    for _ in range(3):
        ratelimit.hit("test-peek", "10.0.0.3", limit=2, window=3600)
    seen = ratelimit.peek("test-peek", "10.0.0.3", limit=2, window=3600)
    again = ratelimit.peek("test-peek", "10.0.0.3", limit=2, window=3600)
    assert (seen.count, again.count) == (3, 3) and seen.limited and seen.shared
    assert 0 < seen.retry_after <= 3600
    assert ratelimit.peek("test-peek", "10.0.0.4", limit=2, window=3600).count == 0


def test_it_peeks_at_this_process_counts_while_the_cache_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    def down(*args: object) -> int:
        raise ConnectionError("cache down")

    monkeypatch.setattr(ratelimit, "_shared_incr", down)
    monkeypatch.setattr(ratelimit, "_shared_get", down)
    ratelimit.hit("test-peek-down", "10.0.0.5", limit=1, window=3600)
    ratelimit.hit("test-peek-down", "10.0.0.5", limit=1, window=3600)
    seen = ratelimit.peek("test-peek-down", "10.0.0.5", limit=1, window=3600)
    assert seen.count == 2 and seen.limited and not seen.shared
