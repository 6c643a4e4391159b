"""Probes for operators: /healthz (the process answers) and /readyz (its backing services do)."""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger("pathwise.health")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("readiness: the database does not answer", exc_info=True)
        return False


def _cache_ok() -> bool:
    try:
        # ResilientRedisCache swallows errors for pages; the probe must see them.
        ping = getattr(cache, "ping", None)
        if ping is not None:
            return bool(ping())
        cache.set("readyz", "1", 5)
        return cache.get("readyz") == "1"
    except Exception:
        logger.warning("readiness: the cache does not answer", exc_info=True)
        return False


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_ok(), "cache": _cache_ok()}
    ready = all(checks.values())
    body = {
        "status": "ok" if ready else "unavailable",
        **{k: "ok" if v else "down" for k, v in checks.items()},
    }
    return JsonResponse(body, status=200 if ready else 503)
