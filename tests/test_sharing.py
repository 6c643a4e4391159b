"""/settings/sharing/ and /p/<token>/: a read-only link to a person's progress."""

from __future__ import annotations

import math
import re
from collections import Counter

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from tests.factories import RegionFactory, UserFactory
from tests.html_checker import html_errors
from tests.tracker_helpers import grow_tenfold, make_role, target
from tracker import services, sharing
from tracker.models import Profile, ShareLink

SETTINGS = "/settings/sharing/"
CREATE = "/settings/sharing/new/"


def options_url(link: ShareLink) -> str:
    return f"/settings/sharing/{link.pk}/options/"


def revoke_url(link: ShareLink) -> str:
    return f"/settings/sharing/{link.pk}/revoke/"


def page_url(token: str) -> str:
    return f"/p/{token}/"


@pytest.fixture
def setup(owner):
    setup = make_role()
    target(owner, setup.senior)
    services.skill_set_status(user=owner, skill_id=setup.skills["python"].pk, status="done")
    services.skill_set_status(user=owner, skill_id=setup.skills["spark"].pk, status="done")
    services.milestone_set_done(
        user=owner, milestone_id=setup.milestones["portfolio"].pk, done=True
    )
    services.milestone_save_note(
        user=owner,
        milestone_id=setup.milestones["portfolio"].pk,
        note="Shipped a recommender.",
        evidence_url="https://example.com/portfolio",
    )
    Profile.objects.filter(user=owner).update(display_name="Ana")
    return setup


def make_link(client: Client, *, shows_notes: bool = False, replaces: int | None = None) -> str:
    """Posts the form as the page does and returns the token the page then shows once."""
    data = {"replaces": replaces or ""} | ({"shows_notes": "on"} if shows_notes else {})
    response = client.post(CREATE, data)
    assert response.status_code == 303
    assert response["Location"] == SETTINGS
    html = client.get(SETTINGS).content.decode()
    found = re.search(r'value="http://testserver/p/([A-Za-z0-9_-]+)/"', html)
    assert found, html
    return found.group(1)


# --- The token ----------------------------------------------------------------------------------


def test_the_urls_are_named():
    assert reverse("tracker:share_settings") == SETTINGS
    assert reverse("tracker:share_create") == CREATE
    assert reverse("tracker:share_page", args=["a" * 43]) == f"/p/{'a' * 43}/"


def test_a_token_has_256_random_bits_in_url_safe_characters():
    tokens = [sharing.new_token() for _ in range(200)]

    assert len(set(tokens)) == 200
    assert {len(token) for token in tokens} == {sharing.TOKEN_LENGTH}
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", token) for token in tokens)
    # 43 base64 characters carry 258 bits; 32 bytes of them are random: well over 128.
    assert sharing.TOKEN_BYTES * 8 >= 128
    # Every character of the alphabet turns up about as often as the others.
    counts = Counter("".join(tokens))
    assert len(counts) == 64
    expected = sum(counts.values()) / 64
    assert max(abs(n - expected) for n in counts.values()) < 6 * math.sqrt(expected)


def test_only_a_hash_of_the_token_is_stored(owner_client, owner, setup):
    token = make_link(owner_client)

    link = ShareLink.objects.get(user=owner)
    assert link.token_hash == sharing.token_hash(token)
    assert token not in str(list(ShareLink.objects.values()))
    # Nor is it kept in the session once the page has shown it.
    assert sharing.NEW_TOKEN_SESSION_KEY not in owner_client.session


def test_the_new_link_is_shown_once(owner_client, setup):
    token = make_link(owner_client)

    html = owner_client.get(SETTINGS).content.decode()

    assert token not in html
    assert "Your link is live" in html


# --- Making, revoking, replacing ------------------------------------------------------------------


def test_the_link_opens_the_page_signed_out(owner_client, setup):
    token = make_link(owner_client)

    response = Client().get(page_url(token))

    assert response.status_code == 200
    assert "Shared by Ana" in response.content.decode()


def test_a_revoked_link_is_a_404_from_the_next_request(owner_client, owner, setup):
    token = make_link(owner_client)
    visitor = Client()
    assert visitor.get(page_url(token)).status_code == 200
    link = ShareLink.objects.get(user=owner)

    response = owner_client.post(revoke_url(link))

    assert response.status_code == 303
    assert visitor.get(page_url(token)).status_code == 404
    assert ShareLink.objects.get(pk=link.pk).revoked_at is not None
    assert "Make a link" in owner_client.get(SETTINGS).content.decode()


def test_a_deleted_accounts_link_opens_nothing(owner_client, owner, setup):
    token = make_link(owner_client)

    owner.delete()

    assert not ShareLink.objects.exists()
    assert Client().get(page_url(token)).status_code == 404


def test_revoking_twice_is_no_error(owner_client, owner, setup):
    make_link(owner_client)
    link = ShareLink.objects.get(user=owner)

    assert owner_client.post(revoke_url(link)).status_code == 303
    assert owner_client.post(revoke_url(link)).status_code == 303


@pytest.mark.parametrize(
    "token", ["a" * 43, "short", "a" * 44, sharing.new_token()], ids=["43", "short", "long", "new"]
)
def test_an_unknown_token_is_a_404(client, setup, token):
    assert client.get(page_url(token)).status_code == 404


def test_a_new_link_revokes_the_old(owner_client, owner, setup):
    old = make_link(owner_client)
    live = ShareLink.objects.get(user=owner)

    new = make_link(owner_client, replaces=live.pk)

    assert new != old
    assert Client().get(page_url(old)).status_code == 404
    assert Client().get(page_url(new)).status_code == 200
    assert ShareLink.objects.live().filter(user=owner).count() == 1


def test_a_double_click_makes_one_link(owner_client, owner, setup):
    owner_client.post(CREATE, {"replaces": ""})
    owner_client.post(CREATE, {"replaces": ""})

    assert ShareLink.objects.filter(user=owner).count() == 1
    # The page the second click lands on shows the link the first one made.
    html = owner_client.get(SETTINGS).content.decode()
    assert 'id="share-url"' in html


def test_a_double_click_on_make_a_new_link_makes_one(owner_client, owner, setup):
    make_link(owner_client)
    live = ShareLink.objects.get(user=owner)

    owner_client.post(CREATE, {"replaces": live.pk})
    owner_client.post(CREATE, {"replaces": live.pk})

    assert ShareLink.objects.filter(user=owner).count() == 2
    assert ShareLink.objects.live().filter(user=owner).count() == 1


def test_the_database_holds_one_live_link_per_person(owner):
    ShareLink.objects.create(user=owner, token_hash="a" * 64)

    with pytest.raises(IntegrityError):
        ShareLink.objects.create(user=owner, token_hash="b" * 64)


@pytest.mark.parametrize("replaces", ["x", "-3"])
def test_a_bad_form_changes_nothing(owner_client, owner, setup, replaces):
    response = owner_client.post(CREATE, {"replaces": replaces})

    assert response.status_code == 400
    assert "nothing changed" in response.content.decode()
    assert not ShareLink.objects.filter(user=owner).exists()


# --- Notes and evidence ---------------------------------------------------------------------------


def test_notes_and_evidence_are_hidden_unless_chosen(owner_client, setup):
    token = make_link(owner_client)

    html = Client().get(page_url(token)).content.decode()

    assert "Shipped a recommender." not in html
    assert "https://example.com/portfolio" not in html
    assert setup.milestones["portfolio"].title in html


def test_notes_and_evidence_show_when_chosen(owner_client, setup):
    token = make_link(owner_client, shows_notes=True)

    html = Client().get(page_url(token)).content.decode()

    assert "Shipped a recommender." in html
    assert 'href="https://example.com/portfolio" rel="nofollow noopener noreferrer"' in html


def test_the_choice_can_change_on_the_live_link(owner_client, owner, setup):
    token = make_link(owner_client)
    link = ShareLink.objects.get(user=owner)

    assert owner_client.post(options_url(link), {"shows_notes": "on"}).status_code == 303
    assert "Shipped a recommender." in Client().get(page_url(token)).content.decode()

    assert owner_client.post(options_url(link), {}).status_code == 303
    assert "Shipped a recommender." not in Client().get(page_url(token)).content.decode()


def test_a_new_link_keeps_the_choice(owner_client, owner, setup):
    make_link(owner_client, shows_notes=True)
    live = ShareLink.objects.get(user=owner)

    token = make_link(owner_client, shows_notes=True, replaces=live.pk)

    assert "Shipped a recommender." in Client().get(page_url(token)).content.decode()


# --- What the page shows, and what it never shows ----------------------------------------------


def test_it_shows_target_percent_stages_and_done_items(owner_client, setup):
    token = make_link(owner_client)

    html = Client().get(page_url(token)).content.decode()

    assert setup.role.name in html
    assert "Senior engineer" in html
    # Python and the portfolio: 2 of the 6 counted items (the recommended spark does not count).
    assert '<strong class="big-percent">33%</strong>' in html
    assert "2 of 6 items done" in html
    for stage in (setup.entry, setup.mid, setup.senior):
        assert f'id="stage-{stage.pk}-stats"' in html
    assert setup.skills["python"].name in html
    assert f"{setup.skills['spark'].name}</span>" in html
    assert "(recommended)" in html
    assert setup.skills["algebra"].name not in html
    assert "Nothing done in this stage yet." in html
    # The owner's burn-up chart, with its figures, and the owner named as the one whose pace it is.
    assert '<figure class="burnup">' in html
    assert "2 of 6 items done on the way to" in html
    assert "your checklist pace" not in html


def test_it_leaks_nothing_but_what_it_shares(client, setup):
    person = UserFactory.create(username="zq-username-7731", email="zq-mail-4410@example.org")
    region = RegionFactory.create(name="Zqville, ZZ", slug="zqville-zz")
    target(person, setup.senior)
    services.skill_set_status(user=person, skill_id=setup.skills["python"].pk, status="done")
    services.skill_save_note(
        user=person,
        skill_id=setup.skills["python"].pk,
        note="zq-private-note",
        evidence_url="https://example.com/zq-evidence",
    )
    Profile.objects.filter(user=person).update(display_name="Ana Lee", region=region)
    person_client = Client()
    person_client.force_login(person)
    token = make_link(person_client)

    html = client.get(page_url(token)).content.decode()

    assert "Ana Lee" in html
    lowered = html.lower()
    for secret in ("zq-username", "zq-mail", "zqville", "zq-private-note", "zq-evidence", "$"):
        assert secret not in lowered


def test_without_a_display_name_it_never_falls_back_to_the_username(client, setup):
    person = UserFactory.create(username="zq-username-5150")
    target(person, setup.senior)
    person_client = Client()
    person_client.force_login(person)
    token = make_link(person_client)

    html = client.get(page_url(token)).content.decode()

    assert f"Shared by {sharing.NO_NAME}" in html
    assert "zq-username" not in html


def test_the_name_standing_in_is_lower_case_mid_sentence(client, setup):
    person = UserFactory.create()
    target(person, setup.senior)
    services.skill_set_status(user=person, skill_id=setup.skills["python"].pk, status="done")
    person_client = Client()
    person_client.force_login(person)
    token = make_link(person_client)

    html = client.get(page_url(token)).content.decode()

    assert "Shared by a Pathwise learner" in html
    assert "At a Pathwise learner\u2019s checklist pace" in html
    assert "total up to a Pathwise learner\u2019s target" in html
    assert "<title>A Pathwise learner: " in html
    assert "At A Pathwise" not in html


def test_the_chart_speaks_of_the_person_whose_page_it_is(client, owner_client, setup):
    html = client.get(page_url(make_link(owner_client))).content.decode()
    assert "total up to Ana\u2019s target" in html
    assert "your target" not in html and "your pace" not in html


def test_without_a_goal_it_says_so(client, owner):
    owner_client = Client()
    owner_client.force_login(owner)
    Profile.objects.filter(user=owner).update(display_name="Ana")
    token = make_link(owner_client)

    response = client.get(page_url(token))

    assert response.status_code == 200
    assert "Ana has not chosen a target role yet" in response.content.decode()


def test_it_previews_well_when_pasted(owner_client, setup):
    token = make_link(owner_client)

    html = Client().get(page_url(token)).content.decode()

    assert '<meta property="og:type" content="website">' in html
    assert '<meta property="og:title" content="Ana: on the way to Senior engineer">' in html
    description = (
        f"Ana is 33% of the way to Senior engineer ({setup.role.name}): 2 of 6 skills and "
        "milestones done."
    )
    assert f'<meta property="og:description" content="{description}">' in html
    assert f'<meta name="description" content="{description}">' in html


def test_it_is_noindex_no_referrer_and_no_store(owner_client, setup):
    token = make_link(owner_client)

    response = Client().get(page_url(token))

    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "no-referrer"
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_it_is_read_only(owner_client, setup):
    token = make_link(owner_client)

    assert Client().post(page_url(token)).status_code == 405
    html = Client().get(page_url(token)).content.decode()
    assert "<form" not in html.split('id="main"', 1)[1]


# --- Views --------------------------------------------------------------------------------------


def test_views_are_counted_for_the_owner(owner_client, owner, setup):
    token = make_link(owner_client)

    for _ in range(3):
        Client().get(page_url(token))
    # The owner opening their own page is not a view.
    owner_client.get(page_url(token))

    assert ShareLink.objects.get(user=owner).views == 3
    assert "Opened 3 times by others." in owner_client.get(SETTINGS).content.decode()


def test_a_revoked_link_counts_no_view(owner_client, owner, setup):
    token = make_link(owner_client)
    link = ShareLink.objects.get(user=owner)
    owner_client.post(revoke_url(link))

    Client().get(page_url(token))

    assert ShareLink.objects.get(pk=link.pk).views == 0


# --- Who may do what ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method,url",
    [
        ("get", SETTINGS),
        ("post", CREATE),
        ("post", "/settings/sharing/1/options/"),
        ("post", "/settings/sharing/1/revoke/"),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, method, url):
    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("url", [CREATE, "/settings/sharing/1/revoke/"])
def test_the_writes_refuse_get(owner_client, url):
    assert owner_client.get(url).status_code == 405


def test_an_outsider_cannot_revoke_or_change_anothers_link(owner_client, owner, other_user, setup):
    token = make_link(owner_client)
    link = ShareLink.objects.get(user=owner)
    outsider = Client()
    outsider.force_login(other_user)

    assert outsider.post(revoke_url(link)).status_code == 404
    assert outsider.post(options_url(link), {"shows_notes": "on"}).status_code == 404
    # Nor replace it by naming it in the form: that makes their own link, and leaves this one.
    outsider.post(CREATE, {"replaces": link.pk})

    link.refresh_from_db()
    assert link.live and not link.shows_notes
    assert Client().get(page_url(token)).status_code == 200
    assert not ShareLink.objects.filter(user=other_user).exists()


def test_the_settings_page_shows_only_ones_own_link(owner_client, owner, other_user, setup):
    make_link(owner_client)
    outsider = Client()
    outsider.force_login(other_user)

    html = outsider.get(SETTINGS).content.decode()

    assert "Make a link" in html
    assert "Your link is live" not in html


def test_settings_links_to_sharing(owner_client):
    assert f'href="{SETTINGS}"' in owner_client.get("/settings/").content.decode()


# --- Queries ------------------------------------------------------------------------------------


def test_the_settings_page_runs_three_queries(
    owner_client, owner, setup, django_assert_num_queries
):
    make_link(owner_client)
    # 1 the account, 2 the live link, 3 the profile (the name the page shows).
    with django_assert_num_queries(3):
        assert owner_client.get(SETTINGS).status_code == 200


def test_the_shared_page_runs_eight_queries_however_much_history(
    owner_client, owner, setup, django_assert_num_queries
):
    token = make_link(owner_client)
    visitor = Client()
    # 1 the link with its owner and display name, 2 its view counted, 3 the owner's goal,
    # 4 their skills, 5 their milestones, and the burn-up chart's 6 targets, 7 the catalog's
    # dated records of their stages and 8 item events (its pace too); the role's checklist comes
    # from the catalog cache
    # (2 more queries the first time).
    with django_assert_num_queries(8 + 2):
        assert visitor.get(page_url(token)).status_code == 200
    with django_assert_num_queries(8):
        assert visitor.get(page_url(token)).status_code == 200

    grow_tenfold(owner, setup)

    with django_assert_num_queries(8 + 2):
        assert visitor.get(page_url(token)).status_code == 200
    with django_assert_num_queries(8):
        assert visitor.get(page_url(token)).status_code == 200


# --- Valid HTML ---------------------------------------------------------------------------------


def test_the_pages_are_valid_html(owner_client, owner, other_user, setup, tmp_path):
    documents = {"settings, no link": owner_client.get(SETTINGS).content.decode()}
    documents["settings, bad form"] = owner_client.post(CREATE, {"replaces": "x"}).content.decode()
    owner_client.post(CREATE, {"replaces": "", "shows_notes": "on"})
    documents["settings, new link"] = owner_client.get(SETTINGS).content.decode()
    documents["settings, live link"] = owner_client.get(SETTINGS).content.decode()
    token = make_link(owner_client, shows_notes=True, replaces=ShareLink.objects.live().get().pk)
    documents["shared page"] = Client().get(page_url(token)).content.decode()
    other_client = Client()
    other_client.force_login(other_user)
    no_goal = Client().get(page_url(make_link(other_client)))
    documents["shared page, no goal"] = no_goal.content.decode()
    assert 'id="share-url"' in documents["settings, new link"]

    assert html_errors(documents, tmp_path) == []
