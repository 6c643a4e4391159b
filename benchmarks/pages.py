"""What the benchmark requests, as a browser would, and its in-process timer.

The long-history person is signed in through Django's test client and the site's own pages, as a
browser would be: a session cookie (stored by the session engine, so gunicorn's workers read it
too), the CSRF cookie set by the first page, and that page's token, which forms post in a field
and htmx sends in the X-CSRFToken header.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import F, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careers.models import Level, StageSkill
from tracker.models import Goal, Profile, SkillProgress, SkillStatus

from .generator import LONG_HISTORY_USERNAME, MENTOR_USERNAME, TARGET_ROLE

BARE, BARE_PATH = "bare view", "/bench/bare/"
# Every request comes through a pretend TLS proxy, so the app runs its production security.
PROXY = {"X-Forwarded-Proto": "https"}
# The test client's own requests: with a Host header, as a browser's, so that behind the proxy
# the host has no port (Django would otherwise make it "testserver:80").
IN_PROCESS = {**PROXY, "Host": "testserver"}
# The role the compare pages set beside the long-history person's goal, a skill of that goal's
# plan, and a search as a person types it: all in the shipped catalog.
COMPARED_ROLE = "data-scientist"
SKILL = "python"
SEARCH = "ml engineer"
WARMUP = 20  # untimed requests of each page before its first timed block


@dataclass
class Visitor:
    """A signed-in browser: its cookies and the CSRF token of the page it is on."""

    client: Client
    cookies: dict[str, str]
    token: str


def login_backend() -> str:
    backends = settings.AUTHENTICATION_BACKENDS
    model_backend = "django.contrib.auth.backends.ModelBackend"
    return model_backend if model_backend in backends else backends[-1]


def sign_in(user: User) -> Visitor:
    client = Client(enforce_csrf_checks=True, headers=IN_PROCESS)
    client.force_login(user, backend=login_backend())
    page = client.get(reverse("tracker:plan"))
    # The page's token, from a form's hidden field or from the headers htmx is told to send.
    token = r'(?:name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([^"]+)"'
    found = re.search(token, page.content.decode())
    if page.status_code != 200 or found is None:
        raise RuntimeError(f"The plan page (HTTP {page.status_code}) gave no CSRF token.")
    return Visitor(client, {k: v.value for k, v in client.cookies.items()}, found[1])


@dataclass
class Page:
    name: str
    path: str
    signed_in: bool = False
    # Signed in as the mentor of a team (generator.MENTOR_USERNAME), not the long-history person.
    as_mentor: bool = False
    expect: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    # A check-off: the skills it posts in turn, and the form fields beside the status.
    skills: list[int] = field(default_factory=list)
    form: dict[str, str] = field(default_factory=dict)

    def request(self, i: int, skills: list[int] | None = None) -> tuple[str, str, dict[str, str]]:
        """The i-th request: method, path, form. A check-off posts skill i mod n, done on even
        rounds over the skills and back to learning on odd ones, so every post changes one."""
        skills = skills or self.skills
        if not skills:
            return "GET", self.path, {}
        skill = skills[i % len(skills)]
        status = SkillStatus.DONE if i // len(skills) % 2 == 0 else SkillStatus.LEARNING
        path = reverse("tracker:skill_status", kwargs={"skill_id": skill})
        return "POST", path, {"status": status, **self.form}


def checkoff_skills(user: User) -> list[int]:
    """The required skills on the person's plan: the chain of stages up to the goal's target."""
    goal = Goal.objects.select_related("target_stage").get(user=user, is_active=True)
    up_to_target = Q(stage__position__lte=goal.target_stage.position) & ~Q(
        stage__level=Level.SPECIALIZED
    )
    return list(
        StageSkill.objects.filter(
            up_to_target | Q(stage=goal.target_stage),
            role_id=goal.role_id,
            required=True,
            is_retired=False,
            stage__is_retired=False,
            skill__is_retired=False,
        )
        .order_by("stage__position", "position")
        .values_list("skill_id", flat=True)
    )


def reset_checkoffs(user: User, skills: list[int]) -> None:
    """Every skill the check-offs post back to "learning", where their cycle starts."""
    now = timezone.now()
    SkillProgress.objects.filter(user=user, skill_id__in=skills).update(
        status=SkillStatus.LEARNING, completed_at=None, updated_at=now
    )
    have = set(
        SkillProgress.objects.filter(user=user, skill_id__in=skills).values_list(
            "skill_id", flat=True
        )
    )
    SkillProgress.objects.bulk_create(
        SkillProgress(user=user, skill_id=s, status=SkillStatus.LEARNING, started_at=now)
        for s in skills
        if s not in have
    )
    # Written behind the app's back: pages it keeps for the person's earlier state must go.
    Profile.objects.filter(user=user).update(progress_version=F("progress_version") + 1)


def pages(visitor: Visitor, skills: list[int], origin: str) -> list[Page]:
    """The bare view first: every other page is compared with it."""
    result = [Page(BARE, BARE_PATH)]
    role = reverse("careers:role_detail", kwargs={"slug": TARGET_ROLE})
    for name, path in (("/", reverse("home")), ("/roles/", reverse("careers:role_list"))):
        result += [Page(name, path), Page(f"{name} (signed in)", path, signed_in=True)]
    result += [Page("role page", role), Page("role page (signed in)", role, signed_in=True)]
    pair = "?" + urlencode({"a": TARGET_ROLE, "b": COMPARED_ROLE})
    compare = reverse("careers:role_compare") + pair
    skill = reverse("careers:skill_detail", kwargs={"slug": SKILL})
    result += [
        Page("compare", compare),
        Page("compare (signed in)", compare, signed_in=True),
        Page("/skills/", reverse("careers:skill_list")),
        Page("skill page", skill),
        Page("search", reverse("careers:role_list") + "?" + urlencode({"q": SEARCH})),
    ]
    # A person's part of a page, which htmx loads into it (or a page of its own without
    # JavaScript): asked for as htmx asks, from the page it goes into and for its element.
    for name, path, into, element in (
        ("compare: you", reverse("tracker:compare_progress") + pair, compare, "compare-skills"),
        (
            "role page: you",
            reverse("tracker:role_progress", kwargs={"slug": TARGET_ROLE}),
            role,
            "you",
        ),
        (
            "skill page: you",
            reverse("tracker:skill_progress", kwargs={"slug": SKILL}),
            skill,
            "your-progress",
        ),
    ):
        headers = {"HX-Request": "true", "HX-Current-URL": origin + into}
        headers |= {"HX-Target": element, "HX-Trigger": element}
        result.append(Page(name, path, signed_in=True, headers=headers))
    result += [
        Page("/plan/", reverse("tracker:plan"), signed_in=True),
        Page("/dashboard/", reverse("tracker:dashboard"), signed_in=True),
        Page("/mentoring/", reverse("tracker:mentoring"), signed_in=True, as_mentor=True),
        Page(
            "/mentoring/<username>/",
            reverse("tracker:mentee", kwargs={"username": LONG_HISTORY_USERNAME}),
            signed_in=True,
            as_mentor=True,
        ),
    ]
    # As the browser posts from the plan: its origin, and the page's token.
    posted = {"Origin": origin, "Content-Type": "application/x-www-form-urlencoded"}
    form = {"csrfmiddlewaretoken": visitor.token}
    htmx = {**posted, "HX-Request": "true", "X-CSRFToken": visitor.token}
    result += [
        # Without JavaScript the form posts, and is sent back to the plan (303 See Other).
        Page("check-off", "", True, expect=303, headers=posted, skills=skills, form=form),
        # With htmx the answer is the fragment swapped in.
        Page("check-off (htmx)", "", True, expect=200, headers=htmx, skills=skills),
    ]
    for page in result[-2:]:
        page.path = page.request(0)[1]
    return result


class Timer:
    """Times the pages in this process through django.test.Client: the whole middleware stack,
    no network, no server. A page's requests go on from block to block, so that the
    check-offs keep changing something."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.visitor = sign_in(user)
        self.mentor = sign_in(User.objects.get(username=MENTOR_USERNAME))
        self.anonymous = Client(headers=IN_PROCESS)
        skills = checkoff_skills(user)
        self.pages = {page.name: page for page in pages(self.visitor, skills, "https://testserver")}
        self.calls: dict[str, Iterator[int]] = {}

    def send(self, page: Page) -> int:
        """The page's next request; its HTTP status."""
        method, path, form = page.request(next(self.calls[page.name]))
        client = self.anonymous
        if page.signed_in:
            client = self.mentor.client if page.as_mentor else self.visitor.client
        headers = dict(page.headers)
        content_type = headers.pop("Content-Type", "")
        return client.generic(
            method, path, urlencode(form), content_type, headers=headers
        ).status_code

    def block(self, name: str, requests: int) -> dict[str, Any]:
        """`requests` timed requests of a page; on its first block, after a warm-up, and with
        its queries counted on one request of their own (capturing them slows requests down)."""
        page = self.pages[name]
        answer: dict[str, Any] = {"status": "ok", "queries": None, "samples_ms": []}
        try:
            if name not in self.calls:
                self.calls[name] = count()
                if page.skills:
                    reset_checkoffs(self.user, page.skills)
                for _ in range(WARMUP):
                    self.send(page)
                with CaptureQueriesContext(connection) as queries:
                    self.send(page)
                answer["queries"] = len(queries.captured_queries)
            for _ in range(requests):
                started = time.perf_counter()
                status = self.send(page)
                answer["samples_ms"].append((time.perf_counter() - started) * 1000)
                if status != page.expect:
                    return answer | {"status": f"HTTP {status}"}
        except Exception as exc:  # said in the table, and the other pages still run
            return answer | {"status": f"error: {type(exc).__name__}: {exc}"}
        return answer
