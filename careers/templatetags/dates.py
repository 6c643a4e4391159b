"""Dates as every page shows them: the day and month, and the year when it is not this one."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date

register = template.Library()


@register.filter
def short_date(value: date | datetime | None, today: date | None = None) -> str:
    """{{ when|short_date }} -> "3 Dec" this year, "3 Dec 2025" in any other; nothing for None.

    An aware datetime is read in the site's time zone, as "this year" is. Pages kept whole carry
    the year in their cache key (careers.page_cache), so none shows last year's "3 Dec" after
    New Year.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    today = today or timezone.localdate()
    return format_date(value, "j M" if value.year == today.year else "j M Y")
