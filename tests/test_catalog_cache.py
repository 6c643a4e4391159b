"""What is derived from the catalog is cached, and any catalog change shows on the next request:
the role page, /roles/, the landing page, and the role structure behind /plan/ and /dashboard/."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

from careers import cache as catalog_cache
from careers import signals
from careers.models import Role, Skill, Stage
from tests.test_admin import form_data, url
from tracker import services

SMALL = Path(__file__).parent / "fixtures" / "small_catalog.yaml"
ROLE_URL = "/roles/ml-engineer/"
PAGES = ["/", "/roles/", ROLE_URL]


@pytest.fixture
def catalog(small_catalog, owner):
    # The first role's last chain stage as the owner's target, so their plan lists Python.
    services.goal_set(user=owner, stage=Stage.objects.get(role__slug="ml-engineer", slug="senior"))


def visit_everything(anonymous: Client, signed_in: Client) -> dict[str, str]:
    pages = {f"visitor {path}": anonymous.get(path).content.decode() for path in PAGES}
    pages |= {f"member {path}": signed_in.get(path).content.decode() for path in PAGES}
    pages["plan"] = signed_in.get("/plan/").content.decode()
    pages["dashboard"] = signed_in.get("/dashboard/").content.decode()
    return pages


def test_it_serves_public_pages_again_without_a_query(catalog, django_assert_num_queries):
    anonymous = Client()
    for path in PAGES:
        anonymous.get(path)

    for path in PAGES:
        with django_assert_num_queries(0):
            assert anonymous.get(path).status_code == 200


def test_a_signed_in_visitor_gets_the_cached_page_with_their_own_token(
    catalog, owner_client, other_user, django_assert_num_queries
):
    other = Client()
    other.force_login(other_user)
    owner_client.get(ROLE_URL)

    # Whoever is signed in in the same region, the page is the same but for the CSRF token; the
    # catalog part comes from the cache, and only the account (for the menu and the target
    # form) and the person's region (whose salary figures the page shows) are read.
    with django_assert_num_queries(2):
        mine = owner_client.get(ROLE_URL).content.decode()
    theirs = other.get(ROLE_URL).content.decode()

    token = owner_client.cookies["csrftoken"].value
    assert 'name="csrfmiddlewaretoken"' in mine
    assert "\x00" not in mine
    assert mine != theirs
    assert _without_tokens(mine) == _without_tokens(theirs)
    assert token  # the cookie the tokens on the page belong to


def _without_tokens(html: str) -> str:
    import re

    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "TOKEN", html)


def test_an_admin_edit_shows_on_the_next_request(
    catalog, owner_client, admin_client, django_capture_on_commit_callbacks
):
    anonymous = Client()
    before = visit_everything(anonymous, owner_client)
    assert "Builds, ships and runs machine learning systems." in before["visitor /roles/"]
    assert "Python" in before["plan"] and "Python 3.13" not in before["plan"]
    role = Role.objects.get(slug="ml-engineer")
    python = Skill.objects.get(slug="python")

    with django_capture_on_commit_callbacks(execute=True):
        page = admin_client.get(url("skill", "change", python.pk))
        data = form_data(page) | {"name": "Python 3.13"}
        assert admin_client.post(url("skill", "change", python.pk), data).status_code == 302
        page = admin_client.get(url("role", "change", role.pk))
        data = form_data(page) | {"summary": "Ships models that people rely on."}
        assert admin_client.post(url("role", "change", role.pk), data).status_code == 302

    after = visit_everything(anonymous, owner_client)
    for name in ("visitor /roles/", "member /roles/", "visitor /", "member /"):
        assert "Ships models that people rely on." in after[name], name
    for name in (f"visitor {ROLE_URL}", f"member {ROLE_URL}", "plan"):
        assert "Python 3.13" in after[name], name


def test_a_load_catalog_change_shows_on_the_next_request(
    catalog, owner_client, tmp_path, django_capture_on_commit_callbacks
):
    anonymous = Client()
    visit_everything(anonymous, owner_client)
    data = yaml.safe_load(SMALL.read_text())
    data["skills"][0]["name"] = "Python (any 3.x)"
    data["roles"][0]["summary"] = "Takes models all the way to production."
    changed = tmp_path / "catalog.yaml"
    changed.write_text(yaml.safe_dump(data, sort_keys=False))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_catalog", str(changed), verbosity=0)

    after = visit_everything(anonymous, owner_client)
    for name in ("visitor /roles/", "member /roles/", "visitor /", "member /"):
        assert "Takes models all the way to production." in after[name], name
    for name in (f"visitor {ROLE_URL}", f"member {ROLE_URL}", "plan", "dashboard"):
        assert "Python (any 3.x)" in after[name], name


def test_a_change_in_another_process_is_seen_once_committed(catalog, owner_client):
    """catalog_changed(), as load_catalog calls it after its commit, puts every page out of use
    even when the edit itself bypassed the model signals (a bulk update)."""
    owner_client.get("/plan/")
    Skill.objects.filter(slug="python").update(name="Python, bulk-updated")
    assert "Python, bulk-updated" not in owner_client.get("/plan/").content.decode()

    signals.catalog_changed()

    assert "Python, bulk-updated" in owner_client.get("/plan/").content.decode()


def test_each_change_gives_a_new_version(db):
    first = catalog_cache.version()
    signals.catalog_changed()
    second = catalog_cache.version()
    from django.core.cache import cache

    cache.delete(catalog_cache.VERSION_KEY)  # evicted, or the cache restarted
    third = catalog_cache.version()
    signals.catalog_changed()
    fourth = catalog_cache.version()

    assert first is not None and second is not None
    assert third is not None and fourth is not None
    # A process that watches the version (Redis) goes on with the one it knows, which is still
    # current; a new one is never one used before.
    assert first < second <= third < fourth


def test_a_new_role_in_the_shell_shows_at_once(catalog):
    anonymous = Client()
    anonymous.get("/roles/")

    Role.objects.create(
        name="Prompt Engineer", slug="prompt-engineer", family="product", summary="Writes prompts."
    )

    assert "Prompt Engineer" in anonymous.get("/roles/").content.decode()
