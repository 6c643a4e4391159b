"""The live server hands out static files as production does (see conftest.py)."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HASHED = re.compile(r"/static/.+\.[0-9a-f]{12}\.(css|js|svg)$")


def test_it_serves_hashed_static_files_with_a_long_cache_life(page):
    responses = []
    page.on("response", lambda r: responses.append(r) if "/static/" in r.url else None)

    page.goto("/")

    # The stylesheets and htmx at least; a favicon too once the page links one.
    assert len(responses) >= 3, [r.url for r in responses]
    for response in responses:
        assert response.status == 200, response.url
        assert HASHED.search(response.url), response.url
        # WhiteNoise marks the hashed copies as never changing; browsers keep them a year.
        assert "immutable" in response.headers.get("cache-control", ""), response.url
