"""Rates for django-ratelimit read from settings at request time, so an operator
(or a test) can change a documented limit without touching the views; and
``count_and_check``, django-ratelimit's counter in one Redis round trip."""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django_ratelimit.core import (
    EXPIRATION_FUDGE,
    _get_window,
    _make_cache_key,
    _split_rate,
    is_ratelimited,
)


def rate(setting_name: str):
    def current_rate(group, request) -> str:
        return getattr(settings, setting_name)

    return current_rate


def client_key(group, request) -> str:
    """Count per client address, read the same way as the lockout (trusted proxies only)."""
    from musaned.core.audit import client_ip

    return client_ip(request) or "unknown"


# INCR, and the window's expiry when the counter is new: one round trip, atomic (the
# counter cannot expire between the two).
_COUNT = "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n"


def _counter_script(cache: RedisCache):
    """The counting script on a Redis client of the cache's write server, made once per
    cache object. (Django's cache builds a new ``redis.Redis`` client for every call,
    which costs more CPU than the round trip; the client and the script are thread-safe.)"""
    backend = cache._cache  # type: ignore[attr-defined]  # Django's private client wrapper
    script = getattr(backend, "_musaned_count_script", None)
    if script is None:
        script = backend.get_client(None, write=True).register_script(_COUNT)
        backend._musaned_count_script = script
    return script


def count_and_check(request, *, group: str, rate: str, method: str, key=client_key) -> bool:
    """Count this request and say whether it is over ``rate``: what
    ``django_ratelimit.core.is_ratelimited(..., increment=True)`` answers, with the same
    window and the same cache key, so the two count alike.

    django-ratelimit asks the cache three times per request once the window's counter
    exists (``add``, then ``incr``, which Django's Redis cache does as EXISTS + INCRBY,
    each on a newly built client). On Redis this runs one small script (INCR, and EXPIRE
    when the counter is new): one round trip. Any other cache, and any Redis error, goes
    through django-ratelimit and the cache backend itself, so an unreachable Redis is
    handled exactly as everywhere else.
    """
    cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    if (
        not isinstance(cache, RedisCache)
        or not getattr(settings, "RATELIMIT_ENABLE", True)
        or request.method != method
    ):
        return is_ratelimited(
            request, group=group, key=key, rate=rate, method=method, increment=True
        )
    from redis.exceptions import RedisError  # installed with the Redis cache

    limit, period = _split_rate(rate)
    value = key(group, request)
    # The key django-ratelimit would use, as the cache would store it (prefix, version).
    cache_key = cache.make_key(
        _make_cache_key(group, _get_window(value, period), rate, value, method)
    )
    try:
        count = _counter_script(cache)(keys=[cache_key], args=[period + EXPIRATION_FUDGE])
    except (RedisError, OSError):  # the ordinary path decides, and reports it
        return is_ratelimited(
            request, group=group, key=key, rate=rate, method=method, increment=True
        )
    return count > limit
