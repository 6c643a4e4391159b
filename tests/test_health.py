import pytest
from django.test import override_settings

from tests.servers import fetch, gunicorn, production_env

CLOSED_REDIS = {
    "default": {
        "BACKEND": "config.cache.ResilientRedisCache",
        # Port 1 is closed on loopback: connections are refused at once.
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25},
    }
}


def test_it_answers_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_it_is_ready_when_database_and_cache_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_it_is_not_ready_when_redis_is_down(client, caplog):
    with override_settings(CACHES=CLOSED_REDIS):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["cache"] == "down"
    assert response.json()["database"] == "ok"
    assert "the cache does not answer" in caplog.text


def test_it_is_not_ready_and_serves_a_plain_503_when_the_database_is_down(tmp_path):
    env = production_env(DATABASE_URL="postgres://postgres@127.0.0.1:1/pathwise")
    with gunicorn(env) as url:
        status, _, _ = fetch(url, "/healthz")
        assert status == 200

        status, _, body = fetch(url, "/readyz")
        assert status == 503
        assert '"database": "down"' in body

        status, headers, body = fetch(url, "/roles/")
        assert status == 503
        assert "briefly unavailable" in body
        assert "Traceback" not in body
        assert "OperationalError" not in body
        assert headers["retry-after"] == ["30"]
