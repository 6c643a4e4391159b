"""With Redis down the site is slower, never broken: pages, log-in and check-offs keep working,
and every failed cache call is logged."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache, caches
from django.test import Client, override_settings

from config.cache import ResilientRedisCache
from tests.factories import PASSWORD
from tests.test_health import CLOSED_REDIS
from tests.tracker_helpers import make_role, target
from tracker.models import MilestoneProgress, ProgressEvent, SkillProgress

DEGRADED = "carrying on without the cache"


@pytest.fixture
def redis_down(caplog, monkeypatch):
    """The cache pointed at a closed port, counting every call the pages make to it."""
    calls: list[str] = []
    guard = ResilientRedisCache._guard

    def counting_guard(self, op, *args, **kwargs):
        calls.append(op)
        return guard(self, op, *args, **kwargs)

    monkeypatch.setattr(ResilientRedisCache, "_guard", counting_guard)
    caplog.set_level(logging.WARNING, logger="pathwise.cache")
    # Sessions as production keeps them with Redis: in the database, read through the cache.
    with override_settings(CACHES=CLOSED_REDIS, SESSION_ENGINE="config.sessions.cached_db"):
        assert isinstance(caches["default"], ResilientRedisCache)
        yield calls


def degraded_logs(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "pathwise.cache" and DEGRADED in r.getMessage()]


def test_it_logs_and_answers_a_miss_for_every_cache_call(redis_down, caplog):
    assert cache.get("page", "fallback") == "fallback"
    cache.set("page", "html", 30)
    assert cache.get_or_set("fragment", lambda: "computed", 30) == "computed"
    assert cache.get_many(["a", "b"]) == {}
    cache.delete("page")

    assert len(degraded_logs(caplog)) == len(redis_down) >= 5


def test_it_keeps_pages_log_in_and_check_offs_working_and_logs_each_failure(
    owner, redis_down, caplog
):
    setup = make_role(slug="ml-engineer")
    target(owner, setup.senior)
    client = Client()

    for path in ("/", "/roles/", "/roles/ml-engineer/", "/accounts/login/"):
        assert client.get(path).status_code == 200, path
    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    for path in ("/dashboard/", "/plan/", "/settings/"):
        assert client.get(path).status_code == 200, path

    python, portfolio = setup.skills["python"], setup.milestones["portfolio"]
    response = client.post(f"/plan/skills/{python.pk}/status/", {"status": "done"})
    assert response.status_code == 303
    response = client.post(f"/plan/milestones/{portfolio.pk}/done/", {"done": "1"})
    assert response.status_code == 303
    response = client.post(
        f"/plan/skills/{python.pk}/status/", {"status": "learning"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200

    assert SkillProgress.objects.get(user=owner, skill=python).status == "learning"
    assert MilestoneProgress.objects.get(user=owner, milestone=portfolio).done
    assert ProgressEvent.objects.filter(user=owner).exclude(kind="goal").count() == 3
    assert client.get("/dashboard/").status_code == 200
    # The catalog pages asked the cache (careers/cache.py); each call failed and said so.
    assert redis_down
    assert len(degraded_logs(caplog)) == len(redis_down)
