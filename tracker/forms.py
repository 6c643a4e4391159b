from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import QueryDict

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


# A check-off posts one value, checked by a form field alone. Fields keep no state between
# calls to clean(), so one serves every request, where a Form would copy its fields for each.
SKILL_STATUS = forms.ChoiceField(choices=SkillStatus.choices)
# The form posts the state it wants, never "toggle": a retried post changes nothing more.
MILESTONE_DONE = forms.TypedChoiceField(
    choices=[("1", "Done"), ("0", "Not done")], coerce="1".__eq__
)


def posted(field: forms.Field, data: QueryDict, name: str) -> Any:
    """The value posted as `name` (the last one, as a form reads it) cleaned by `field`; None if
    it is missing or not valid."""
    try:
        return field.clean(data.get(name))
    except ValidationError:
        return None


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
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Up to {NOTE_MAX_LENGTH} characters, for yourself.",
    )
    evidence_url = WebURLField(
        label="Evidence link",
        max_length=EVIDENCE_MAX_LENGTH,
        required=False,
        assume_scheme="https",
        help_text="A web address (http or https) showing your work: a repository, a certificate.",
    )


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
