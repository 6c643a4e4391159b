"""What a page costs the browser: static files hashed, compressed and cached a year, every
request to our own origin, and the dashboard under 60 KB on the wire."""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.http import StreamingHttpResponse
from django.templatetags.static import static
from django.test import Client

from tests.tracker_helpers import make_role, target
from tracker import services

ONE_YEAR = 31536000
DASHBOARD_BUDGET = 60 * 1024


@pytest.fixture(scope="module", autouse=True)
def collected_static():
    """The hashed, compressed copies production serves (`make test` makes them first)."""
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)


class Assets(HTMLParser):
    """The URLs a page makes the browser load: scripts, stylesheets, icons, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        src, href = found.get("src"), found.get("href")
        if tag in ("script", "img", "source", "iframe") and src:
            self.urls.append(src)
        elif tag == "link" and href:
            self.urls.append(href)


def assets(html: str) -> list[str]:
    parser = Assets()
    parser.feed(html)
    return parser.urls


def served(client: Client, url: str, **headers: str):
    response = client.get(url, headers=headers)
    # A streaming response's getvalue() joins its streaming_content.
    body = response.getvalue() if isinstance(response, StreamingHttpResponse) else response.content
    return response, body


def test_a_hashed_static_file_is_cached_a_year_and_served_compressed(client):
    url = static("css/pathwise.css")
    assert re.search(r"\.[0-9a-f]{12}\.css$", url), url

    response, body = served(client, url, accept_encoding="gzip")

    assert response.status_code == 200
    cache_control = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {f"max-age={ONE_YEAR}", "public", "immutable"} <= cache_control
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    hashed = Path(settings.STATIC_ROOT) / urlsplit(url).path.removeprefix(settings.STATIC_URL)
    assert gzip.decompress(body) == hashed.read_bytes()
    assert len(body) < hashed.stat().st_size / 2


def test_a_file_asked_for_by_its_plain_name_is_kept_an_hour_only(client):
    response, _ = served(client, f"{settings.STATIC_URL}css/pathwise.css")

    assert response.status_code == 200
    assert "max-age=3600" in response["Cache-Control"]
    assert "immutable" not in response["Cache-Control"]


@pytest.fixture
def member(owner):
    setup = make_role(slug="ml-engineer")
    target(owner, setup.senior)
    services.skill_set_status(user=owner, skill_id=setup.skills["python"].pk, status="done")
    services.skill_save_note(
        user=owner,
        skill_id=setup.skills["algebra"].pk,
        note="Halfway",
        evidence_url="https://x.dev",
    )
    return setup


def test_the_dashboard_with_everything_it_links_is_under_60_kb_compressed(owner_client, member):
    html = owner_client.get("/dashboard/").content
    total = len(gzip.compress(html))
    sizes = {"/dashboard/": total}
    for url in assets(html.decode()):
        response, body = served(owner_client, url, accept_encoding="gzip")
        assert response.status_code == 200, url
        # As sent: WhiteNoise's precompressed copy where there is one.
        sizes[url] = len(body)
        total += len(body)

    assert any(url.endswith(".js") for url in sizes), sizes
    assert any(url.endswith(".css") for url in sizes), sizes
    assert total < DASHBOARD_BUDGET, sizes


@pytest.mark.parametrize(
    "path",
    ["/", "/roles/", "/roles/ml-engineer/", "/dashboard/", "/plan/", "/settings/"],
)
def test_a_page_loads_nothing_from_another_origin(owner_client, client, member, path):
    for who in (client, owner_client):
        response = who.get(path)
        if response.status_code != 200:
            assert path not in ("/", "/roles/", "/roles/ml-engineer/"), path
            continue
        html = response.content.decode()
        for url in assets(html):
            parts = urlsplit(url)
            assert not parts.scheme and not parts.netloc, (path, url)
            assert url.startswith("/"), (path, url)
        # Nothing in a style or script either: the policy allows our own origin only.
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", html), path
