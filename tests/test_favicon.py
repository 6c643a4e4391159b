"""Every page names its icon, so browsers do not ask for a /favicon.ico that is not there."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static


def test_it_links_an_svg_icon_from_every_page(client, db):
    html = client.get("/").content.decode()

    assert f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">' in html


def test_it_keeps_a_small_svg_icon_in_static():
    found = finders.find("favicon.svg")
    assert found is not None
    path = Path(found)

    assert path.parent == Path(settings.STATICFILES_DIRS[0])
    text = path.read_text()
    assert text.startswith("<svg ") and 'xmlns="http://www.w3.org/2000/svg"' in text
    assert len(text.encode()) < 1024
    # Nothing that would run or fetch: the CSP allows neither in an icon.
    assert "<script" not in text and "href" not in text
