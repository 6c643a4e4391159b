"""/settings/import/: upload an export, see what importing it would do, then import it.

The uploaded file, once valid, is kept in the person's session (server-side, with Django's
sessions) until they confirm or cancel; confirming reads it from there and checks it again, so
nothing the browser sends at that step can change what is imported. The confirmation names the
file it confirms (a digest), so a preview in an old tab cannot confirm a newer upload.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .http import HttpResponseSeeOther, PersonRequest
from .import_file import MAX_BYTES, ExportFile, ImportFileError, read_export, too_large
from .imports import apply_import, plan_import, summary

SESSION_KEY = "pathwise_import"
TEMPLATE = "tracker/import.html"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Your export file (JSON)",
        help_text=f"The file “Download all your data (JSON)” gives, from this Pathwise or "
        f"another; up to {MAX_BYTES // 1024 // 1024} MB. Nothing changes until you confirm.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(too_large(upload.size), code="too_large")
        content = upload.read(MAX_BYTES + 1)
        try:
            self.cleaned_data["data"] = read_export(content)
        except ImportFileError as error:
            raise forms.ValidationError(error.problems, code="invalid") from None
        self.cleaned_data["text"] = content.decode("utf-8-sig")
        return upload


class ConfirmForm(forms.Form):
    digest = forms.CharField(max_length=64, widget=forms.HiddenInput)


def _no_store(response: HttpResponse) -> HttpResponse:
    # The preview lists the person's items: no cache may keep it.
    patch_cache_control(response, no_store=True, private=True)
    return response


def _pending(request: PersonRequest) -> tuple[str, ExportFile] | None:
    """The file waiting for confirmation, checked again; None if there is none or it no longer
    reads (a newer Pathwise, a tampered session store)."""
    text = request.session.get(SESSION_KEY)
    if not isinstance(text, str):
        return None
    try:
        return text, read_export(text.encode())
    except ImportFileError:
        request.session.pop(SESSION_KEY, None)
        return None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_page(request: PersonRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            request.session[SESSION_KEY] = form.cleaned_data["text"]
            return HttpResponseSeeOther(reverse("tracker:import_preview"))
        return _no_store(render(request, TEMPLATE, {"form": form}, status=400))
    return _no_store(render(request, TEMPLATE, {"form": form}))


@login_required
@require_safe
def import_preview(request: PersonRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        messages.info(request, "Choose a file to import first.")
        return HttpResponseSeeOther(reverse("tracker:import"))
    text, data = pending
    plan = plan_import(request.user, data)
    context: dict[str, Any] = {
        "plan": plan,
        "lines": summary(plan),
        "confirm": ConfirmForm(initial={"digest": digest(text)}),
    }
    return _no_store(render(request, TEMPLATE, context))


@login_required
@require_POST
def import_apply(request: PersonRequest) -> HttpResponse:
    pending = _pending(request)
    if "cancel" in request.POST:
        request.session.pop(SESSION_KEY, None)
        messages.info(request, "Nothing was imported.")
        return HttpResponseSeeOther(reverse("tracker:settings") + "#import")
    form = ConfirmForm(request.POST)
    if pending is None or not form.is_valid() or form.cleaned_data["digest"] != digest(pending[0]):
        messages.error(request, "That preview is out of date: nothing was imported. Try again.")
        return HttpResponseSeeOther(reverse("tracker:import"))
    try:
        plan = apply_import(user=request.user, data=pending[1])
    except IntegrityError:
        # A check-off made the same row at the same moment: all of the import was undone.
        messages.error(request, "Your progress changed meanwhile: nothing was imported. Try again.")
        return HttpResponseSeeOther(reverse("tracker:import_preview"))
    request.session.pop(SESSION_KEY, None)
    if plan.changes_anything:
        messages.success(request, "Imported. " + " ".join(summary(plan)))
    else:
        messages.info(request, summary(plan)[0])
    return HttpResponseSeeOther(reverse("tracker:plan"))
