from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from careers.models import Milestone, Region, Role, Skill, Stage

NOTE_MAX_LENGTH = 500
EVIDENCE_MAX_LENGTH = 500


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=60, blank=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text="Empty: national (United States) figures.",
    )
    # One more with every change to the person's own data (tracker.services.note_change), in the
    # same transaction: pages rendered for one value can be kept until it changes.
    progress_version = models.PositiveBigIntegerField(default=0, editable=False)

    def __str__(self) -> str:
        return self.display_name or self.user.get_username()

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The version only ever moves forward, by tracker.services.mark_changed: saving a profile
        # read before a change elsewhere must not put it back.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "progress_version"
            ]
        super().save(*args, **kwargs)


class GoalQuerySet(models.QuerySet["Goal"]):
    def active(self) -> GoalQuerySet:
        return self.filter(is_active=True)

    def current(self) -> GoalQuerySet:
        """Active goals on a published role: a goal on an unpublished role is no goal."""
        return self.active().filter(role__is_published=True)


class Goal(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="goals"
    )
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="+")
    target_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Its partial index also serves every signed-in page's first read, the person's
            # goal: WHERE user_id = ? AND is_active (as does the index of `user`: a person has
            # few goals, and the planner may take either).
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_active=True), name="one_active_goal_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role.name} -> {self.target_stage.title}"


class SkillStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    LEARNING = "learning", "Learning"
    DONE = "done", "Done"


class ProgressQuerySet(models.QuerySet):
    def for_user(self, user) -> ProgressQuerySet:
        return self.filter(user=user)


def skill_shown_date(
    status: str, started_at: datetime | None, completed_at: datetime | None
) -> datetime | None:
    """The date a checklist shows for a skill: since when learning, or when done."""
    if status == SkillStatus.DONE:
        return completed_at
    return started_at if status == SkillStatus.LEARNING else None


class SkillProgress(models.Model):
    # No index of its own: every read by person is served by the (user, skill) index below.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="progress")
    # No row means "not started"; a row keeps its note and evidence even when set back.
    status = models.CharField(
        max_length=12, choices=SkillStatus.choices, default=SkillStatus.NOT_STARTED
    )
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=NOTE_MAX_LENGTH, blank=True)
    evidence_url = models.URLField(max_length=EVIDENCE_MAX_LENGTH, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgressQuerySet.as_manager()

    class Meta:
        constraints = [
            # Its index serves every read of a person's skills: the plan, the dashboard and a
            # check-off's answer (user_id = ? AND skill_id IN (...)), the check-off's
            # SELECT ... FOR UPDATE (user_id = ? AND skill_id = ?), the export (user_id = ?).
            models.UniqueConstraint(fields=["user", "skill"], name="one_skill_progress_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.skill_id} {self.status}"

    def set_status(self, status: str, now: datetime) -> None:
        # The first start is kept, whatever happened since.
        if status == SkillStatus.LEARNING and self.started_at is None:
            self.started_at = now
        self.completed_at = now if status == SkillStatus.DONE else None
        self.status = status


class MilestoneProgress(models.Model):
    # No index of its own: every read by person is served by the (user, milestone) index below.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="progress")
    completed_at = models.DateTimeField(null=True, blank=True, help_text="Empty: not done.")
    # Typed notes are NOTE_MAX_LENGTH long at most (tracker.forms.NoteForm), but when milestones
    # became one list (tracker migration 0009) the notes on those merged into one were joined,
    # and a joined note may be longer: nothing anyone wrote is cut.
    note = models.TextField(blank=True)
    evidence_url = models.URLField(max_length=EVIDENCE_MAX_LENGTH, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgressQuerySet.as_manager()

    class Meta:
        constraints = [
            # Its index serves every read of a person's milestones, as for skills above:
            # user_id = ? AND milestone_id IN (...), and = ? for the check-off's lock.
            models.UniqueConstraint(
                fields=["user", "milestone"], name="one_milestone_progress_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.milestone_id} {'done' if self.done else 'open'}"

    @property
    def done(self) -> bool:
        return self.completed_at is not None

    def set_done(self, done: bool, now: datetime) -> None:
        self.completed_at = now if done else None


class EventKind(models.TextChoices):
    SKILL = "skill", "Skill"
    MILESTONE = "milestone", "Milestone"
    GOAL = "goal", "Goal"
    NOTE = "note", "Note"
    MENTOR = "mentor", "Mentor"
    COMMENT = "comment", "Comment"


class ProgressEvent(models.Model):
    """Append-only: one row per change a person makes. Never updated, never rewritten."""

    # No index of its own: the (user, ...) indexes below serve every read by person.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A mentor event (invited, accepted, declined, ended): the relation, which names the mentor;
    # empty once the mentor's account is deleted.
    mentorship = models.ForeignKey(
        "Mentorship", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A comment event (added, edited, deleted, hidden, shown): the comment, empty once deleted.
    # The mentor it names is the relation above, which outlives the comment.
    comment = models.ForeignKey(
        "ItemComment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Dashboard, "recent activity": WHERE user_id = ? ORDER BY created_at DESC, id DESC
            # LIMIT 10, read in index order and stopped after ten, however long the history.
            models.Index(fields=["user", "-created_at", "-id"], name="event_user_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.from_state} -> {self.to_state}"


class ShareLinkQuerySet(models.QuerySet["ShareLink"]):
    def live(self) -> ShareLinkQuerySet:
        return self.filter(revoked_at__isnull=True)


class ShareLink(models.Model):
    """A read-only link to a person's progress, /p/<token>/ (tracker.sharing).

    Only the SHA-256 of the token is kept: reading the table does not give anyone a live link,
    and the owner sees the link once, when it is made.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The shared page's lookup: WHERE token_hash = ? (its unique index).
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    shows_notes = models.BooleanField(
        default=False, help_text="Whether the page shows the person's notes and evidence links."
    )
    views = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True, help_text="Empty: the link works.")

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Its partial index also serves /settings/sharing/: WHERE user_id = ? AND revoked_at
            # IS NULL.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_share_link_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: link {self.pk}{' (revoked)' if self.revoked_at else ''}"

    @property
    def live(self) -> bool:
        return self.revoked_at is None


MENTORSHIP_INVITATION_DAYS = 14


class MentorshipStatus(models.TextChoices):
    PENDING = "pending", "Invited"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    ENDED = "ended", "Ended"
    # An invitation nobody answered in time, closed when the pair's next one is made.
    EXPIRED = "expired", "Expired"


class MentorshipQuerySet(models.QuerySet["Mentorship"]):
    def accepted(self) -> MentorshipQuerySet:
        """Relations through which the mentor sees the person's progress, now."""
        return self.filter(status=MentorshipStatus.ACCEPTED)

    def pending(self, now: datetime) -> MentorshipQuerySet:
        """Invitations that can still be accepted or declined."""
        return self.filter(status=MentorshipStatus.PENDING, expires_at__gt=now)


class Mentorship(models.Model):
    """A person (`person`) lets a mentor see their progress, once the mentor accepts.

    A row is never deleted while either account lives: it is the record that the events of the
    person's history ("Ana accepted your invitation") point at. An invitation is addressed to one
    account and answered by that account alone, so it cannot be guessed; once answered (or
    expired) it cannot be answered again.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring"
    )
    status = models.CharField(
        max_length=10, choices=MentorshipStatus.choices, default=MentorshipStatus.PENDING
    )
    shows_notes = models.BooleanField(
        default=False, help_text="Whether the mentor sees the person's notes and evidence links."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(help_text="An invitation not answered by then lapses.")
    responded_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open relation per pair. Its partial index also serves the mentor's pages:
            # WHERE mentor_id = ? AND status = 'accepted' (AND person_id = ?).
            models.UniqueConstraint(
                fields=["mentor", "person"],
                condition=Q(status__in=["pending", "accepted"]),
                name="one_open_mentorship_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(mentor=models.F("person")), name="mentor_is_someone_else"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} -> mentor {self.mentor_id}: {self.status}"


COMMENT_MAX_LENGTH = 1000


class ItemComment(models.Model):
    """A mentor's comment on one skill or milestone of a person's plan (tracker.feedback).

    Written by the mentor through an accepted relation; the person may hide it from their own
    pages, never change it. It stays when the relation ends: nothing given to a person is lost.
    """

    # Its index serves the cascade when the mentor's account is deleted.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # No index of its own: the (person, ...) index below serves every read by person.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.CharField(max_length=COMMENT_MAX_LENGTH)
    is_hidden = models.BooleanField(
        default=False, help_text="Hidden by the person from their plan; they can show it again."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The plan's and the mentor page's read: WHERE person_id = ? (AND author_id = ?)
            # ORDER BY created_at, id; and the export's, WHERE person_id = ?.
            models.Index(fields=["person", "author", "created_at"], name="comment_person_author"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(skill__isnull=False) & Q(milestone__isnull=True))
                | (Q(skill__isnull=True) & Q(milestone__isnull=False)),
                name="comment_on_one_item",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="comment_has_text"),
        ]

    def __str__(self) -> str:
        item = f"skill {self.skill_id}" if self.skill_id else f"milestone {self.milestone_id}"
        return f"{self.author_id} on {self.person_id}'s {item}"

    def clean(self) -> None:
        if (self.skill_id is None) == (self.milestone_id is None):
            raise ValidationError("A comment is about one skill or one milestone, not both.")
        if not self.text.strip():
            raise ValidationError({"text": "A comment needs some text."})
