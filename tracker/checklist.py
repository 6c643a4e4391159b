"""The plan's checklist and figures, rendered from skeletons.

A plan shows dozens of items, each with two small forms, in a handful of stages, and rendering
the partials of tracker/plan.html for each of them on every request is most of what the page
costs. Yet most of that markup comes from the catalog (names, kinds, URLs, which lists a stage
has) and is the same for everyone; only a few values are a person's own: an item's state and its
date, the CSRF token, the page to come back to, a stage's figures.

So each partial is rendered once per catalog version for each item (and state) or stage, with
markers where the personal values go: a skeleton, kept in the process. A request fills the
markers in. A stage's figures depend on nothing but the counts, so they are remembered whole. An
item with a note or evidence link is rendered in full: those are few, and the note is the
person's own text.

The markup stays in the templates, and the tests hold each result equal to a plain rendering.
Anything personal added to these partials must become a marker (or part of the key) here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import CSRF_TOKEN_LENGTH, get_token
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString

from careers.cache import Recent

from . import progress
from .selectors import DayLabels, Plan, Row, Section

PLAN = "tracker/plan.html"
ITEM = f"{PLAN}#item"
SECTION = f"{PLAN}#section"
STAGE_STATS = f"{PLAN}#stage-stats"
CHECKOFF = f"{PLAN}#checkoff"

# NUL never appears in rendered markup: escaping keeps it, and nothing we render contains it.
_MARKER = re.compile("\x00([a-z_]+)\x00")

_skeletons = Recent(size=10_000)


def _marker(name: str) -> SafeString:
    return SafeString(f"\x00{name}\x00")


CSRF, NEXT, DATE = _marker("csrf"), _marker("next"), _marker("date")


def _skeleton(key: tuple, render: Callable[[], str]) -> tuple[str, ...]:
    """Markup and marker names, alternating: ("<li ...", "csrf", "...", "date", "...")."""
    parts = _skeletons.get(key)
    if parts is None:
        parts = tuple(_MARKER.split(render()))
        _skeletons.put(key, parts)
    return parts


def _fill(parts: tuple[str, ...], values: dict[str, str]) -> SafeString:
    # One pass: what goes in is never searched for markers again.
    return SafeString("".join(values[part] if i % 2 else part for i, part in enumerate(parts)))


class _SkeletonRow:
    """A row whose personal values are markers."""

    def __init__(self, row: Row) -> None:
        self._row = row
        self.changed_label = DATE if row.changed_at else ""
        self.note = self.evidence_url = ""

    def __getattr__(self, name: str) -> object:
        return getattr(self._row, name)


def token_posted(request: HttpRequest) -> str | None:
    """The CSRF token a POST was let through with, as the page that sent it holds it.

    An htmx answer swaps items into that page: their forms can carry the same token, which the
    page shows already (its <body> sends it with every htmx request), instead of a token masked
    anew for each answer. Read where Django's CSRF check reads it (the form field, then the
    header); None unless it is a masked token, as pages hold them.
    """
    token = request.POST.get("csrfmiddlewaretoken", "") or request.META.get(
        settings.CSRF_HEADER_NAME, ""
    )
    return token if len(token) == CSRF_TOKEN_LENGTH else None


def item_context(
    request: HttpRequest, *, next_url: str | None, compact: bool, token: str | None = None
) -> dict:
    """What the item partial takes besides the row: the same for every item of a page.

    `csrf_token` goes to the page's context too, so that the layout shows the same token
    rather than masking the secret a second time. `token` stands in for the request's own (a
    page kept for later fills it in as it is served: tracker.page_cache).
    """
    token = token or get_token(request)
    return {
        "csrf_token": token,
        "csrf_input": format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token
        ),
        "next_input": format_html('<input type="hidden" name="next" value="{}">', next_url)
        if next_url
        else "",
        "compact": compact,
    }


def item_html(
    row: Row, context: dict, version: int | None, labels: DayLabels | None = None
) -> SafeString:
    """The item partial for `row`."""
    if row.has_note or version is None:
        return render_to_string(ITEM, {**context, "row": row})
    compact = context["compact"]
    key = ("item", version, row.kind, row.id, row.status, row.changed_at is not None, compact)
    parts = _skeleton(
        key,
        lambda: render_to_string(
            ITEM,
            {"csrf_input": CSRF, "next_input": NEXT, "compact": compact, "row": _SkeletonRow(row)},
        ),
    )
    # The date is digits and a month name from Django's translations: no markup in it.
    values = {
        "csrf": context["csrf_input"],
        "next": context["next_input"],
        "date": row.day_label(labels),
    }
    return _fill(parts, values)


def render_items(rows: list[Row], context: dict, version: int | None) -> None:
    """Give each row its `html`, which the templates show as it is."""
    labels = DayLabels()
    for row in rows:
        row.html = item_html(row, context, version, labels)


def stage_stats_html(sp: progress.StageProgress, version: int | None) -> SafeString:
    """The stage-stats partial, which depends on the stage and its counts alone."""
    if version is None:
        return render_to_string(STAGE_STATS, {"sp": sp})
    key = ("stats", version, sp.stage.id, sp.done, sp.total, sp.reached)
    parts = _skeleton(key, lambda: render_to_string(STAGE_STATS, {"sp": sp}))
    return _fill(parts, {})


class _ItemMarker:
    html = _marker("item")


def checkoff_html(plan: Plan, row: Row) -> SafeString:
    """The answer to a check-off posted with htmx: the rendered `row`, then its stage's figures
    and the target's, which depend on the counts alone."""
    sp = plan.progress.stage(row.stage_id)
    context = {"plan": plan, "sp": sp}
    version = plan.structure.version
    if version is None or sp is None:
        return SafeString(render_to_string(CHECKOFF, {**context, "row": row}))
    target = plan.progress
    key = (
        "checkoff",
        version,
        (sp.stage.id, sp.done, sp.total, sp.reached),
        (plan.goal.target_stage_id, target.done, target.total),
    )
    parts = _skeleton(key, lambda: render_to_string(CHECKOFF, {**context, "row": _ItemMarker}))
    return _fill(parts, {"item": row.html})


def section_html(section: Section, version: int | None, rows_html: dict[str, str]) -> SafeString:
    values = {"stats": stage_stats_html(section.progress, version), **rows_html}
    if version is None:
        return render_to_string(SECTION, {"section": section, **_as_markup(values)})
    key = ("section", version, section.stage.id)
    parts = _skeleton(
        key,
        lambda: render_to_string(
            SECTION, {"section": section, **{name: _marker(name) for name in values}}
        ),
    )
    return _fill(parts, values)


def _as_markup(values: dict[str, str]) -> dict[str, SafeString]:
    return {name: SafeString(value) for name, value in values.items()}


def plan_html(plan: Plan, request: HttpRequest, context: dict | None = None) -> SafeString:
    """Every stage on the way to the target, with its items: the body of the plan page."""
    context = context or item_context(request, next_url=None, compact=False)
    version = plan.structure.version
    labels = DayLabels()
    html = []
    for section in plan.sections:
        lists = {}
        for name, rows in (
            ("required_items", section.required),
            ("recommended_items", section.recommended),
            ("milestone_items", section.milestones),
        ):
            lists[name] = "".join(item_html(row, context, version, labels) for row in rows)
        html.append(section_html(section, version, lists))
    return SafeString("".join(html))
