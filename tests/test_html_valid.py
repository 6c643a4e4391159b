"""Every page a person sees, as the server renders it, is valid HTML (Nu HTML Checker)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.browser.data import MLE, person_with_progress, retire_worked_on_items
from tests.factories import UserFactory
from tests.history_data import person_with_a_month_of_history
from tests.html_checker import html_errors

ROLE_PAGE = f"/roles/{MLE}/"
COMPARE = f"/roles/compare/?a={MLE}&b=data-scientist"


def _page(client: Client, path: str, status: int = 200, **kwargs) -> str:
    response = client.get(path, follow=True, **kwargs)
    assert response.status_code == status, path
    return response.content.decode()


def _post(client: Client, path: str, data: dict, status: int = 200) -> str:
    response = client.post(path, data)
    assert response.status_code == status, path
    return response.content.decode()


@pytest.mark.django_db
def test_it_renders_valid_html_on_every_page(shipped_catalog, tmp_path):
    user = person_with_progress()
    visitor, member, newcomer, month = Client(), Client(), Client(), Client()
    member.force_login(user)
    month.force_login(person_with_a_month_of_history("ben"))
    newcomer.force_login(UserFactory.create(username="newcomer"))
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)

    documents = {
        "home": _page(visitor, "/"),
        "roles": _page(visitor, "/roles/"),
        "roles, filtered": _page(visitor, "/roles/?family=machine-learning&q=engineer"),
        "role page": _page(visitor, ROLE_PAGE),
        "role page, region": _page(visitor, ROLE_PAGE + "?region=seattle-wa"),
        "role page, signed in": _page(member, ROLE_PAGE),
        "role page, signed in, region": _page(member, ROLE_PAGE + "?region=seattle-wa"),
        "home, signed in": _page(member, "/"),
        "roles, signed in": _page(member, "/roles/"),
        "sign-up": _page(visitor, "/accounts/signup/"),
        # Errors add messages and aria attributes to the fields; they must stay valid too.
        "sign-up, errors": _post(
            Client(),
            "/accounts/signup/",
            {"username": "ana", "email": "nope", "password1": "a", "password2": "b"},
        ),
        "log-in": _page(visitor, "/accounts/login/?next=/plan/"),
        "log-in, error": _post(
            Client(), "/accounts/login/", {"username": "ana", "password": "wrong"}
        ),
        "dashboard": _page(member, "/dashboard/"),
        "plan": _page(member, "/plan/"),
        "settings": _page(member, "/settings/"),
        "history": _page(month, "/history/"),
        "history, filtered": _page(month, "/history/?kind=skill&page=2"),
        "history, unknown kind": _page(month, "/history/?kind=nope", status=400),
        "history, no target": _page(newcomer, "/history/"),
        "dashboard, no target": _page(newcomer, "/dashboard/"),
        "plan, no target": _page(newcomer, "/plan/"),
        "settings, no target": _page(newcomer, "/settings/"),
        "password reset": _page(visitor, "/accounts/password_reset/"),
        "password reset, sent": _page(visitor, "/accounts/password_reset/done/"),
        "password reset, new password": _page(Client(), f"/accounts/reset/{uid}/{token}/"),
        "password reset, bad link": _page(visitor, f"/accounts/reset/{uid}/wrong-token/"),
        "password reset, done": _page(visitor, "/accounts/reset/done/"),
        "not found": _page(visitor, "/no-such-page/", status=404),
        "compare": _page(visitor, COMPARE),
        "compare, signed in": _page(member, COMPARE),
        "compare, no second role": _page(visitor, f"/roles/compare/?a={MLE}"),
        "compare, empty": _page(visitor, "/roles/compare/"),
        "compare, your part": _page(
            member, "/roles/compare/you/" + COMPARE[len("/roles/compare/") :]
        ),
        "role, your part": _page(member, ROLE_PAGE + "you/"),
        "role, your part, no target": _page(newcomer, ROLE_PAGE + "you/"),
        "roles, searched": _page(visitor, "/roles/?q=llm"),
        "roles, searched, nothing": _page(visitor, "/roles/?q=%3Cb%3Eqwxzv"),
        "skills": _page(visitor, "/skills/"),
        "skills, filtered": _page(visitor, "/skills/?category=data&q=graph"),
        "skill page": _page(visitor, "/skills/python/"),
        "skill page, signed in": _page(member, "/skills/python/"),
        "skill progress": _page(member, "/skills/python/progress/"),
    }
    retire_worked_on_items()
    documents["plan, retired items"] = _page(member, "/plan/")
    assert "Retired from the catalog" in documents["plan, retired items"]
    # The reset link was good: the form to choose a new password is what was checked.
    assert re.search(r'name="new_password1"', documents["password reset, new password"])

    errors = html_errors(documents, tmp_path)
    assert errors == [], "\n".join(errors)


@pytest.mark.django_db
def test_it_renders_valid_html_on_the_import_pages(shipped_catalog, tmp_path):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    from tracker.account_data import account_data

    data = account_data(user=person_with_progress())
    text = json.dumps(data, default=str)
    member = Client()
    member.force_login(UserFactory.create(username="newcomer"))

    def upload(content: str, status: int) -> str:
        file = SimpleUploadedFile("pathwise-data.json", content.encode())
        response = member.post("/settings/import/", {"file": file})
        assert response.status_code == status
        return response.content.decode()

    documents = {
        "import": _page(member, "/settings/import/"),
        "import, errors": upload(text.replace('"done"', '"mastered"'), 400),
    }
    upload(text, 303)
    documents["import, preview"] = _page(member, "/settings/import/preview/")
    assert "Adds 5" in documents["import, preview"]

    errors = html_errors(documents, tmp_path)
    assert errors == [], "\n".join(errors)


@pytest.mark.django_db
def test_it_renders_valid_html_on_the_mentor_pages(shipped_catalog, tmp_path):
    from tracker import mentors

    person = person_with_progress()
    mentor = UserFactory.create(username="mentor")
    newcomer = UserFactory.create(username="newcomer")
    accepted = mentors.mentorship_invite(person=person, who="mentor", shows_notes=True)
    assert accepted.mentorship is not None
    mentors.mentorship_accept(mentor=mentor, mentorship_id=accepted.mentorship.pk)
    mentors.mentorship_invite(person=person, who="newcomer", shows_notes=False)
    mentors.mentorship_invite(person=newcomer, who="mentor", shows_notes=False)
    member, mentoring, nobody = Client(), Client(), Client()
    member.force_login(person)
    mentoring.force_login(mentor)
    nobody.force_login(UserFactory.create(username="nobody"))

    documents = {
        "mentors": _page(member, "/settings/mentors/"),
        "mentors, unknown account": _post(
            member, "/settings/mentors/invite/", {"who": "no-one"}, status=400
        ),
        "mentors, none": _page(nobody, "/settings/mentors/"),
        "mentoring": _page(mentoring, "/mentoring/"),
        "mentoring, sorted": _page(mentoring, "/mentoring/?sort=percent&dir=desc"),
        "mentoring, none": _page(nobody, "/mentoring/"),
        "history, mentors": _page(member, "/history/?kind=mentor"),
    }
    assert "invites you" in documents["mentoring"]
    assert "ana" in documents["mentoring"]

    errors = html_errors(documents, tmp_path)
    assert errors == [], "\n".join(errors)
