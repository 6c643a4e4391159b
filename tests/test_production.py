"""The app as production runs it: gunicorn, DJANGO_DEBUG=0, behind a TLS-terminating proxy."""

import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest

from tests.servers import fetch, gunicorn, manage, production_env

HTTPS = {"X-Forwarded-Proto": "https"}
PASSWORD = "a-Strong-passphrase-42"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("prod") / "db.sqlite3"
    env = production_env(DATABASE_URL=f"sqlite:///{db}", REDIS_URL="")
    for args in (
        ("migrate", "--noinput"),
        ("createsuperuser", "--noinput", "--username", "ana", "--email", "ana@example.com"),
    ):
        result = manage(*args, env={**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD})
        assert result.returncode == 0, result.stderr
    with gunicorn(env) as url:
        yield url


def cookies(headers: dict[str, list[str]]) -> dict[str, str]:
    """Set-Cookie headers by cookie name, each as its raw header line."""
    return {line.split("=", 1)[0]: line for line in headers.get("set-cookie", [])}


def test_it_passes_the_deploy_checklist():
    env = production_env(DATABASE_URL="")
    del env["DJANGO_SECURE_SSL_REDIRECT"], env["DJANGO_BEHIND_PROXY"]
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", ["/", "/roles/", "/accounts/login/", "/healthz"])
def test_it_sends_the_security_headers(server, path):
    status, headers, _ = fetch(server, path, headers=HTTPS)
    assert status == 200
    csp = headers["content-security-policy"][0]
    directives = {}
    for part in filter(None, (d.strip() for d in csp.split(";"))):
        name, _, value = part.partition(" ")
        directives[name] = value
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    hsts = headers["strict-transport-security"][0]
    max_age = re.search(r"max-age=(\d+)", hsts)
    assert max_age is not None
    assert int(max_age.group(1)) >= 31536000
    assert headers["x-content-type-options"] == ["nosniff"]
    assert headers["referrer-policy"] == ["same-origin"]
    assert headers["cross-origin-opener-policy"] == ["same-origin"]
    assert headers["x-frame-options"] == ["DENY"]


def test_it_redirects_plain_http_to_https_without_the_proxy_header(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env.pop("DJANGO_SECURE_SSL_REDIRECT")
    with gunicorn(env) as url:
        status, headers, _ = fetch(url, "/roles/")
    assert status == 301
    assert headers["location"][0].startswith("https://")


def test_it_refuses_a_foreign_host(server):
    status, _, body = fetch(server, "/", headers={**HTTPS, "Host": "evil.example"})
    assert status == 400
    assert "evil.example" not in body


def test_it_sets_secure_cookies_and_a_new_session_on_login(server):
    status, headers, body = fetch(server, "/accounts/login/", headers=HTTPS)
    assert status == 200
    csrf_line = cookies(headers)["csrftoken"]
    for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
        assert flag in csrf_line
    csrf_cookie = SimpleCookie(csrf_line)["csrftoken"].value
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert found is not None
    token = found.group(1)

    status, headers, _ = fetch(
        server,
        "/accounts/login/",
        method="POST",
        headers={
            **HTTPS,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
            "Referer": "https://127.0.0.1/accounts/login/",
            "Host": "127.0.0.1",
        },
        body=urlencode(
            {"username": "ana", "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode(),
    )
    assert status == 302, status
    session_line = cookies(headers)["sessionid"]
    for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
        assert flag in session_line
    session = SimpleCookie(session_line)["sessionid"].value

    status, headers, _ = fetch(
        server, "/dashboard/", headers={**HTTPS, "Cookie": f"sessionid={session}"}
    )
    assert status == 200
    cache_control = headers["cache-control"][0]
    assert "no-store" in cache_control
