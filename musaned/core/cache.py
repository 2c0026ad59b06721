"""The shared cache (Redis) when it is out of reach: pages go on, security counters stop.

Redis holds two kinds of things here (docs/ARCHITECTURE.md): copies that only save time
(cached sessions, whose source is the database) and counters that protect people (rate
limits, login failures, the lockout). When Redis cannot be reached:

* reads (``get``, ``get_many``, ``has_key``) answer "not cached", and ``set`` / ``touch``
  are skipped, so every page still renders from the database;
* ``add``, ``incr`` / ``decr``, ``delete`` and ``clear`` raise ``CacheUnavailable``:
  they count or forget something that matters (a limit, a failure, a logged-out
  session), and losing them silently would let a limit or a lockout fail open.
  ``CacheUnavailableMiddleware`` turns the exception into the translated 503 page
  (a JSON ``503 unavailable`` under ``/api/``);
* views that check a counter by *reading* it (sign-in: the lockout) are wrapped in
  ``shared_cache_required``, which answers 503 to their POST before anything runs.
"""

import functools
import logging

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

logger = logging.getLogger("musaned.cache")

RETRY_AFTER_SECONDS = 30


class CacheUnavailable(Exception):
    """The shared cache could not be reached for an operation that must not be skipped."""


def _outage_errors() -> tuple[type[BaseException], ...]:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (RedisConnectionError, RedisTimeoutError, OSError)


class RedisCache(DjangoRedisCache):
    """Django's Redis cache, degrading as the module docstring says."""

    def _degrade(self, operation: str, error: BaseException, fallback):
        logger.warning("cache unavailable, %s answered as a miss: %s", operation, error)
        return fallback

    def _refuse(self, operation: str, error: BaseException):
        logger.warning("cache unavailable, %s refused: %s", operation, error)
        raise CacheUnavailable(operation) from error

    # Reads: a miss.
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except _outage_errors() as error:
            return self._degrade("get", error, default)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except _outage_errors() as error:
            return self._degrade("get_many", error, {})

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except _outage_errors() as error:
            return self._degrade("has_key", error, False)

    # Copies that only save time: skipped.
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except _outage_errors() as error:
            self._degrade("set", error, None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except _outage_errors() as error:
            return self._degrade("set_many", error, list(data))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except _outage_errors() as error:
            return self._degrade("touch", error, False)

    # Counters and forgetting: refused (fail closed).
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except _outage_errors() as error:
            self._refuse("add", error)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except _outage_errors() as error:
            self._refuse("incr", error)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except _outage_errors() as error:
            self._refuse("delete", error)

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except _outage_errors() as error:
            self._refuse("delete_many", error)

    def clear(self):
        try:
            return super().clear()
        except _outage_errors() as error:
            self._refuse("clear", error)

    def ping(self) -> bool:
        """True when Redis answers now."""
        try:
            client = self._cache.get_client(None, write=True)  # type: ignore[attr-defined]
            return bool(client.ping())
        except _outage_errors():
            return False


def cache_available(alias: str = "default") -> bool:
    """Whether the shared cache answers. A cache without ``ping`` (local memory) always does."""
    backend = caches[alias]
    ping = getattr(backend, "ping", None)
    return True if ping is None else ping()


def unavailable_response(request):
    """The translated 503 (HTML page, or the API's JSON error on API paths)."""
    from musaned.core.views import service_unavailable

    response = service_unavailable(request)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def shared_cache_required(view):
    """Fail closed: a POST to ``view`` answers 503 when the shared cache cannot be reached
    (its checks read counters there, and a missed read would let them pass). GET still
    renders."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and not cache_available():
            logger.warning("cache unavailable, %s refused with 503", request.path)
            return unavailable_response(request)
        return view(request, *args, **kwargs)

    return wrapper


class CacheUnavailableMiddleware:
    """A counter that could not be written answers the translated 503, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, CacheUnavailable):
            return unavailable_response(request)
        return None
