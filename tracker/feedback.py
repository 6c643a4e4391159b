"""A mentor's comments on the items of a person's plan: writing, editing, deleting and hiding
them, and reading them for the pages.

A comment is written by a mentor through an accepted relation (the views find it in the same
query that checks it) and belongs to the person's record: each change is an event in their
history and moves their progress version, so their cached plan shows it at once. Only its author
edits or deletes it; only the person hides it. It outlives the relation it was written through.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q, QuerySet, Subquery

from . import progress
from .mentors import person_name_in_query
from .models import (
    COMMENT_MAX_LENGTH,
    EventKind,
    ItemComment,
    Mentorship,
    Profile,
    ProgressEvent,
)
from .selectors import Plan
from .services import mark_changed

# The states of a comment event (ProgressEvent.to_state).
ADDED = "added"
EDITED = "edited"
DELETED = "deleted"
HIDDEN = "hidden"
SHOWN = "shown"


class CommentText(forms.CharField):
    def to_python(self, value: object) -> str:
        # A browser counts a line break as one character and sends two (CRLF): count it as one.
        return (super().to_python(value) or "").replace("\r\n", "\n")


class CommentForm(forms.Form):
    text = CommentText(
        label="Comment",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Write a comment first: it cannot be empty.",
            "max_length": f"Keep it to {COMMENT_MAX_LENGTH} characters (it has %(show_value)d).",
        },
    )


class CommentHiddenForm(forms.Form):
    hidden = forms.TypedChoiceField(choices=[("1", "Hide"), ("0", "Show")], coerce="1".__eq__)


# --- Reads ----------------------------------------------------------------------------------


def comments(person: User, *, author: User | None = None) -> QuerySet[ItemComment]:
    """The comments on the person's items (by one author, if given), oldest first, each with
    `author_name`."""
    found = ItemComment.objects.filter(person=person).annotate(
        author_name=person_name_in_query("author")
    )
    return found.filter(author=author) if author is not None else found


def attach_comments(plan: Plan, person: User, *, author: User | None = None) -> None:
    """Put each item's comments (by one author, if given) on its row of the plan (1 query)."""
    skill_ids = [key[1] for key in plan.rows if key[0] == progress.SKILL]
    milestone_ids = [key[1] for key in plan.rows if key[0] == progress.MILESTONE]
    on_plan = Q(skill_id__in=skill_ids) | Q(milestone_id__in=milestone_ids)
    for comment in comments(person, author=author).filter(on_plan):
        plan.rows[item_key(comment)].comments.append(comment)


def item_key(comment: ItemComment) -> progress.ItemKey:
    if comment.skill_id is not None:
        return (progress.SKILL, comment.skill_id)
    assert comment.milestone_id is not None
    return (progress.MILESTONE, comment.milestone_id)


# --- Writes -----------------------------------------------------------------------------------


def _event(comment: ItemComment, state: str, *, mentorship: Mentorship | None = None) -> None:
    ProgressEvent.objects.create(
        user_id=comment.person_id,
        kind=EventKind.COMMENT,
        skill_id=comment.skill_id,
        milestone_id=comment.milestone_id,
        comment=comment if state != DELETED else None,
        mentorship=mentorship,
        to_state=state,
    )
    mark_changed(comment.person_id)


def _locked(comment: ItemComment) -> ItemComment | None:
    """The comment's row as it is now, locked until the transaction ends; None once deleted."""
    return ItemComment.objects.select_for_update().filter(pk=comment.pk).first()


@transaction.atomic
def comment_add(*, mentorship: Mentorship, item: progress.ItemKey, text: str) -> ItemComment:
    """The mentor's comment on one item of the person's plan."""
    kind, item_id = item
    comment = ItemComment.objects.create(
        author_id=mentorship.mentor_id,
        person_id=mentorship.person_id,
        skill_id=item_id if kind == progress.SKILL else None,
        milestone_id=item_id if kind == progress.MILESTONE else None,
        text=text,
    )
    _event(comment, ADDED, mentorship=mentorship)
    return comment


@transaction.atomic
def comment_edit(*, mentorship: Mentorship, comment: ItemComment, text: str) -> bool:
    """New text for the mentor's own comment; False (and no event) when it was so already."""
    row = _locked(comment)
    if row is None or row.author_id != mentorship.mentor_id or row.text == text:
        return False
    row.text = text
    row.save(update_fields=["text", "updated_at"])
    _event(row, EDITED, mentorship=mentorship)
    return True


@transaction.atomic
def comment_delete(*, mentorship: Mentorship, comment: ItemComment) -> bool:
    """Delete the mentor's own comment; False when it already was."""
    row = _locked(comment)
    if row is None or row.author_id != mentorship.mentor_id:
        return False
    _event(row, DELETED, mentorship=mentorship)
    row.delete()
    return True


@transaction.atomic
def comment_set_hidden(*, person: User, comment: ItemComment, hidden: bool) -> bool:
    """Hide a comment from the person's pages, or show it again; False when it already was."""
    row = _locked(comment)
    if row is None or row.person_id != person.pk or row.is_hidden == hidden:
        return False
    row.is_hidden = hidden
    row.save(update_fields=["is_hidden"])
    _event(row, HIDDEN if hidden else SHOWN)
    return True


def mark_commented_changed(*, author: User) -> None:
    """Move the progress version of everyone the author commented on, when what their pages
    show of the author changes (the name, or the comments as the account is deleted), so that
    no page kept for them shows the old (1 query)."""
    commented = ItemComment.objects.filter(author=author).values("person_id")
    Profile.objects.filter(user_id__in=Subquery(commented)).update(
        progress_version=F("progress_version") + 1
    )
