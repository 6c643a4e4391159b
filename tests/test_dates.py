"""One way to show a date: the year only when it is not the current one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from careers.templatetags.dates import short_date

TODAY = date(2026, 12, 3)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (date(2026, 12, 3), "3 Dec"),
        (date(2026, 1, 1), "1 Jan"),
        (date(2025, 12, 3), "3 Dec 2025"),
        (date(2027, 1, 5), "5 Jan 2027"),
        (datetime(2026, 6, 30, 23, 0, tzinfo=UTC), "30 Jun"),
        (datetime(2025, 12, 31, 12, 0, tzinfo=UTC), "31 Dec 2025"),
        (None, ""),
    ],
)
def test_it_shows_the_year_only_when_it_is_not_this_one(value, shown) -> None:
    assert short_date(value, TODAY) == shown


def test_it_reads_this_year_from_the_site_clock() -> None:
    from django.utils import timezone

    assert short_date(timezone.now()).count(" ") == 1
