"""``core.cache.RedisCache``: Django's Redis cache, except that Redis being down, or hanging,
is a miss with a logged warning instead of an exception. Against a private Redis (started and
stopped here), a port where nothing listens, and a socket that never answers."""

from __future__ import annotations

import logging
import socket
import time
import uuid

import pytest

from core import cache as cache_module
from core.cache import RedisCache
from tests.reports.workers import free_port, private_redis

pytestmark = pytest.mark.xdist_group("faults")


def _cache(port: int) -> RedisCache:
    # A prefix of its own: parallel tests never read each other's keys.
    return RedisCache(f"redis://127.0.0.1:{port}/0", {"KEY_PREFIX": uuid.uuid4().hex})


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda c: c.get("k"), None),
        (lambda c: c.get("k", "fallback"), "fallback"),
        (lambda c: c.get_many(["a", "b"]), {}),
        (lambda c: c.has_key("k"), False),
        (lambda c: c.add("k", 1), False),
        (lambda c: c.set("k", 1), None),
        (lambda c: c.set_many({"a": 1, "b": 2}), ["a", "b"]),
        (lambda c: c.touch("k"), False),
        (lambda c: c.delete("k"), False),
        (lambda c: c.delete_many(["a", "b"]), None),
        (lambda c: c.clear(), False),
        (lambda c: c.get_or_set("k", lambda: 7), 7),
    ],
    ids=[
        "get",
        "get-default",
        "get_many",
        "has_key",
        "add",
        "set",
        "set_many",
        "touch",
        "delete",
        "delete_many",
        "clear",
        "get_or_set",
    ],
)
def test_with_redis_down_a_call_is_a_miss_and_a_warning(call, expected, caplog):
    cache = _cache(free_port())  # nothing listens there
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert call(cache) == expected
    assert [record.levelname for record in caplog.records] == ["WARNING"]
    assert "The cache (Redis) failed" in caplog.text


def test_with_redis_down_incr_and_decr_find_no_key():
    cache = _cache(free_port())
    with pytest.raises(ValueError, match="not found"):
        cache.incr("counter")
    with pytest.raises(ValueError, match="not found"):
        cache.decr("counter")


def test_django_s_behaviour_while_redis_is_up_a_pause_after_it_failed_and_back_after(
    caplog, monkeypatch
):
    monkeypatch.setattr(cache_module, "PAUSE_SECONDS", 0.5)
    port = free_port()
    cache = _cache(port)
    with private_redis(port):
        cache.set("figures", {"balance": 1_234_567}, 60)
        assert cache.get("figures") == {"balance": 1_234_567}
        assert cache.add("figures", "other") is False
        cache.set("counter", 1)
        assert cache.incr("counter", 2) == 3
        assert cache.get_many(["figures", "none"]) == {"figures": {"balance": 1_234_567}}
    assert caplog.records == []

    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert cache.get("figures", "miss") == "miss"  # Redis stopped
        with private_redis(port):  # back at once (and empty: nothing is kept on disk)
            other = _cache(port)
            other.key_prefix = cache.key_prefix
            other.set("figures", "fresh")
            # Within the pause the cache is not asked, and nothing more is logged.
            assert cache.get("figures", "miss") == "miss"
            assert len(caplog.records) == 1
            time.sleep(0.6)
            assert cache.get("figures", "miss") == "fresh"
            cache.set("figures", "mine")
            assert other.get("figures") == "mine"
    assert len(caplog.records) == 1


def test_a_redis_that_does_not_answer_costs_a_request_at_most_its_timeout(caplog):
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        cache = _cache(silent.getsockname()[1])
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="core.cache"):
            assert cache.get("figures", "miss") == "miss"
        assert time.monotonic() - started < 3
    assert "The cache (Redis) failed on get" in caplog.text
