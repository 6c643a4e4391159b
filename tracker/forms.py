from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.validators import URLValidator
from django.db.models import Exists, OuterRef

from careers.models import Region, Role, SalaryBand

from .models import EVIDENCE_MAX_LENGTH, NOTE_MAX_LENGTH, EventKind, Profile, SkillStatus


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        max_length=254,
        help_text="Only used to reset your password.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")


class SkillStatusForm(forms.Form):
    # The form posts the state it wants, never "toggle": a retried post changes nothing more.
    status = forms.ChoiceField(choices=SkillStatus.choices)


class MilestoneDoneForm(forms.Form):
    done = forms.TypedChoiceField(choices=[("1", "Done"), ("0", "Not done")], coerce="1".__eq__)


class GoalForm(forms.Form):
    stage = forms.IntegerField(min_value=1)


class WebURLField(forms.URLField):
    # Only http(s): anything else (javascript:, data:) could run script when followed.
    default_validators = [
        URLValidator(
            schemes=["http", "https"],
            message="Enter a web address starting with http:// or https://.",
        )
    ]


class NoteForm(forms.Form):
    note = forms.CharField(
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autofocus": True}),
        help_text=f"Up to {NOTE_MAX_LENGTH} characters, for yourself.",
    )
    evidence_url = WebURLField(
        label="Evidence link",
        max_length=EVIDENCE_MAX_LENGTH,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text="A web address (http or https): a repository, a certificate, a write-up.",
    )

    def __init__(self, *args: Any, row_id: str = "", **kwargs: Any) -> None:
        # Each item's form has ids of its own: with htmx several can be open on one page.
        kwargs["auto_id"] = f"{row_id}-%s" if row_id else "id_%s"
        super().__init__(*args, **kwargs)


class RegionChoiceField(forms.ModelChoiceField):
    """Regions by name; a region annotated as without figures for the person's role says so."""

    def label_from_instance(self, obj: Region) -> str:
        if getattr(obj, "has_figures", True):
            return obj.name
        return f"{obj.name}: no figures for this role yet"


class ProfileForm(forms.ModelForm):
    region = RegionChoiceField(
        queryset=Region.objects.order_by("name"),
        required=False,
        empty_label="United States (national)",
        help_text="Salary figures for this metro area where the guides give them.",
    )

    class Meta:
        model = Profile
        fields = ("display_name", "region")
        labels = {"display_name": "Display name"}
        help_texts = {"display_name": "How Pathwise greets you. Leave empty to use your username."}

    def __init__(self, *args: Any, role: Role | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if role is None:
            return
        # Whether the target role has any salary figure in each region, read with the regions
        # themselves (one query): those with figures first, so nobody picks a region and gets
        # national figures without knowing.
        figures = SalaryBand.objects.filter(role=role, region=OuterRef("pk"))
        field = cast(RegionChoiceField, self.fields["region"])
        field.queryset = Region.objects.annotate(has_figures=Exists(figures)).order_by(
            "-has_figures", "name"
        )
        field.help_text = (
            f"Salary figures for this metro area where the guides give them. Regions with "
            f"figures for {role.name} come first; elsewhere the national figures are shown."
        )


class ShareOptionsForm(forms.Form):
    shows_notes = forms.BooleanField(
        label="Show my notes and evidence links",
        required=False,
        help_text="Off: the page lists what you have done, without what you wrote about it.",
    )


class ShareCreateForm(ShareOptionsForm):
    # The live link the page showed (empty: none). A second post of the same form names a link
    # that is no longer live, and makes nothing (tracker.sharing.share_link_create).
    replaces = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class MentorNotesForm(ShareOptionsForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "shows_notes"
        ].help_text = "Off: your mentor sees what you have done, without what you wrote about it."


class MentorInviteForm(MentorNotesForm):
    who = forms.CharField(
        label="Their username or email address",
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="The account they sign in to Pathwise with.",
    )

    field_order = ["who", "shows_notes"]


class HistoryFilterForm(forms.Form):
    """The kind of change /history/ lists; empty: every kind."""

    kind = forms.ChoiceField(
        choices=[
            ("", "Every change"),
            (EventKind.SKILL, "Skills"),
            (EventKind.MILESTONE, "Milestones"),
            (EventKind.GOAL, "Targets"),
            (EventKind.NOTE, "Notes and evidence"),
            (EventKind.MENTOR, "Mentors"),
            (EventKind.COMMENT, "Mentors' comments"),
        ],
        required=False,
        label="Show",
        error_messages={
            "invalid_choice": "That is not a kind of change this page lists: every change is "
            "listed instead."
        },
    )
