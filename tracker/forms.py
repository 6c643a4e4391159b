from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.validators import URLValidator

from careers.models import Region

from .models import EVIDENCE_MAX_LENGTH, NOTE_MAX_LENGTH, Profile, SkillStatus


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


class ProfileForm(forms.ModelForm):
    region = forms.ModelChoiceField(
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
