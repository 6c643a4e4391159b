"""What the benchmark requests: the bare view, the pages, and the check-off."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from careers.models import Level, StageSkill
from tracker.models import Goal, SkillProgress, SkillStatus
from tracker.services import mark_changed

from .timer import RequestSpec

BARE = "bare view"
# Every request says it came through a TLS proxy, as in production (DJANGO_BEHIND_PROXY=1):
# the app then runs with its production security settings instead of redirecting to https.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
HTMX_HEADERS = {"HX-Request": "true"}
SIGNED_IN = "(signed in)"


@dataclass
class CheckoffPlan:
    """How to check the long-history person's items off and back on.

    Request i posts item i mod n, "done" on even rounds and "not done" on odd ones, so every
    request changes something as long as the items start "not done" (see `reset`).
    """

    items: list[int]
    url: Callable[[int], str]
    form: Callable[[int, bool], dict[str, str]]
    reset: Callable[[], None]

    def request(self, i: int, items: list[int] | None = None) -> tuple[str, dict[str, str]]:
        items = items or self.items
        item = items[i % len(items)]
        return self.url(item), self.form(item, (i // len(items)) % 2 == 0)

    def cycles(self, parts: int) -> list[list[tuple[str, str, str]]]:
        """Disjoint request cycles (method, path, urlencoded body), one per wrk thread."""
        groups = [self.items[k::parts] for k in range(parts)]
        groups = [g for g in groups if g] or [self.items]
        cycles = []
        for group in groups:
            requests = (self.request(i, group) for i in range(2 * len(group)))
            cycles.append([("POST", path, urlencode(data)) for path, data in requests])
        return cycles


def skill_checkoff(user: AbstractBaseUser) -> CheckoffPlan | str:
    """The check-off the benchmark posts: a required skill of the person's goal, done <-> learning.

    This is the one place that knows the tracker's check-off URL and form fields; it returns a
    reason (reported as "missing") while the tracker has no such URL.
    """
    goal = Goal.objects.filter(user=user, is_active=True).select_related("target_stage").first()
    if goal is None:
        return "missing (no active goal)"
    # The items on the person's plan: the chain up to the target, or to a specialized target.
    target = goal.target_stage
    on_plan = Q(stage__position__lte=target.position) & ~Q(stage__level=Level.SPECIALIZED)
    skill_ids = list(
        StageSkill.objects.filter(
            on_plan | Q(stage=target),
            role_id=goal.role_id,
            required=True,
            is_retired=False,
            stage__is_retired=False,
            skill__is_retired=False,
        )
        .order_by("stage__position", "position")
        .values_list("skill_id", flat=True)
    )
    if not skill_ids:
        return "missing (the goal's role has no required skills)"
    try:
        reverse("tracker:skill_status", kwargs={"skill_id": skill_ids[0]})
    except NoReverseMatch:
        return "missing (no tracker:skill_status URL yet)"

    def url(skill_id: int) -> str:
        return reverse("tracker:skill_status", kwargs={"skill_id": skill_id})

    def form(skill_id: int, done: bool) -> dict[str, str]:
        return {"status": SkillStatus.DONE if done else SkillStatus.LEARNING}

    def reset() -> None:
        # Straight to the table: a bench fixture, not a person's change, so no event.
        SkillProgress.objects.filter(user=user, skill_id__in=skill_ids).update(
            status=SkillStatus.LEARNING, completed_at=None, updated_at=timezone.now()
        )
        have = set(
            SkillProgress.objects.filter(user=user, skill_id__in=skill_ids).values_list(
                "skill_id", flat=True
            )
        )
        SkillProgress.objects.bulk_create(
            SkillProgress(
                user=user, skill_id=s, status=SkillStatus.LEARNING, started_at=timezone.now()
            )
            for s in skill_ids
            if s not in have
        )
        # Pages kept for the person's earlier state must not be served after this.
        mark_changed(user)

    return CheckoffPlan(items=skill_ids, url=url, form=form, reset=reset)


@dataclass
class Page:
    name: str
    path: str
    signed_in: bool = False
    method: str = "GET"
    expect: frozenset[int] = frozenset({200})
    headers: dict[str, str] = field(default_factory=dict)
    checkoff: CheckoffPlan | None = None
    missing: str = ""  # why the page cannot be requested at all

    def request(self, i: int) -> RequestSpec:
        headers = {**PROXY_HEADERS, **self.headers}
        if self.checkoff is None:
            return self.method, self.path, None, headers
        path, data = self.checkoff.request(i)
        return "POST", path, data, headers


@dataclass(frozen=True)
class BrowserCsrf:
    """The CSRF cookie a signed-in browser holds, and the token of the page it is on: the masked
    form of the cookie's secret, which htmx sends in the X-CSRFToken header (templates/base.html)
    and forms in a hidden field."""

    cookie: str
    token: str

    @classmethod
    def new(cls) -> BrowserCsrf:
        secret = get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
        page = HttpRequest()
        page.META["CSRF_COOKIE"] = secret
        return cls(cookie=secret, token=get_token(page))


def pages(role_slug: str, user: AbstractBaseUser, csrf: BrowserCsrf) -> list[Page]:
    """The bare view first: every other page is compared with it."""
    result = [Page(BARE, "/bench/bare/")]
    # Public pages twice: anonymous visitors get them whole from the cache, signed-in people
    # get the cached content inside a page rendered for them.
    for name, path in (("/", "/"), ("/roles/", "/roles/"), ("role page", f"/roles/{role_slug}/")):
        result.append(Page(name, path))
        result.append(Page(f"{name} {SIGNED_IN}", path, signed_in=True))
    result += [
        Page("/dashboard/", "/dashboard/", signed_in=True),
        Page("/plan/", "/plan/", signed_in=True),
    ]
    plan = skill_checkoff(user)
    for name, headers, expect in (
        # Without JavaScript the form posts and is sent back to the plan (303 See Other).
        ("check-off", {}, frozenset({303})),
        # With htmx the answer is the swapped fragment.
        ("check-off (htmx)", HTMX_HEADERS, frozenset({200})),
    ):
        if isinstance(plan, str):
            result.append(Page(name, "", signed_in=True, method="POST", missing=plan))
        else:
            path = plan.request(0)[0]
            result.append(
                Page(
                    name,
                    path,
                    signed_in=True,
                    method="POST",
                    expect=expect,
                    headers={**headers, "X-CSRFToken": csrf.token},
                    checkoff=plan,
                )
            )
    return result


def login_session(user: AbstractBaseUser) -> str:
    """A signed-in session as the login view would leave it; its key goes in the cookie."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key
