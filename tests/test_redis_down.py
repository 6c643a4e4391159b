"""With Redis down the site is slower, never broken: pages, log-in and check-offs keep working.
A failure is logged, and Redis is left alone for a few seconds, so that a Redis that hangs does
not make every request wait out its timeouts."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Iterator

import pytest
from django.core.cache import cache, caches
from django.test import Client, override_settings

from config import cache as resilient
from config.cache import ResilientRedisCache
from tests.factories import PASSWORD
from tests.test_health import CLOSED_REDIS
from tests.tracker_helpers import make_role, target
from tracker.models import MilestoneProgress, ProgressEvent, SkillProgress

DEGRADED = "carrying on without the cache"


def degraded_logs(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "pathwise.cache" and DEGRADED in r.getMessage()]


@pytest.fixture
def redis_down(caplog) -> Iterator[None]:
    """The cache pointed at a closed port."""
    caplog.set_level(logging.WARNING, logger="pathwise.cache")
    with override_settings(CACHES=CLOSED_REDIS):
        assert isinstance(caches["default"], ResilientRedisCache)
        yield


class SilentServer:
    """Accepts connections and reads what it is sent, but never answers: a hung Redis."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.received = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        self.listener.settimeout(0.05)
        connections: list[socket.socket] = []
        while not self.stopped.is_set():
            try:
                conn, _ = self.listener.accept()
                conn.settimeout(0.01)
                connections.append(conn)
            except TimeoutError:
                pass
            for conn in connections:
                with contextlib.suppress(TimeoutError, OSError):
                    self.received += len(conn.recv(65536))
        for conn in connections:
            conn.close()
        self.listener.close()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()


@pytest.fixture
def silent_redis(caplog) -> Iterator[SilentServer]:
    server = SilentServer()
    caplog.set_level(logging.WARNING, logger="pathwise.cache")
    location = {
        "default": CLOSED_REDIS["default"] | {"LOCATION": f"redis://127.0.0.1:{server.port}/0"}
    }
    with override_settings(CACHES=location):
        yield server
    server.stop()


def test_every_cache_call_is_a_miss_and_the_failure_is_logged(redis_down, caplog):
    assert cache.get("page", "fallback") == "fallback"
    cache.set("page", "html", 30)
    assert cache.get_or_set("fragment", lambda: "computed", 30) == "computed"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("a", 1) is False
    cache.delete("page")

    assert len(degraded_logs(caplog)) == 1


def test_a_redis_that_never_answers_is_left_alone_for_a_while(silent_redis, caplog, monkeypatch):
    assert cache.get("page", "fallback") == "fallback"  # waits out the socket timeout once
    sent = silent_redis.received
    assert sent > 0

    for _ in range(20):
        assert cache.get("page") is None
        cache.set("page", "html")

    # Nothing more was sent: every call since was a miss without asking.
    assert silent_redis.received == sent
    assert len(degraded_logs(caplog)) == 1

    # Once the pause is over, Redis is asked again.
    later = resilient.time.monotonic() + ResilientRedisCache.PAUSE + 1
    monkeypatch.setattr(resilient.time, "monotonic", lambda: later)
    assert cache.get("page") is None
    assert len(degraded_logs(caplog)) == 2


def test_it_keeps_pages_log_in_and_check_offs_working(owner, redis_down, caplog):
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
    assert degraded_logs(caplog)
