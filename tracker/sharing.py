"""A read-only link to a person's progress: making, revoking and finding it.

The token is 32 random bytes from `secrets` (256 bits), written in the URL-safe base64 alphabet;
only its SHA-256 is stored. A token that random needs no salt or slow hash: nobody can guess one
to try against the table, and a copy of the table does not open any page.
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import ShareLink

TOKEN_BYTES = 32
# secrets.token_urlsafe(32) is 43 characters of [A-Za-z0-9_-]; the URL takes no others.
TOKEN_LENGTH = 43
# Where /settings/sharing/ finds a link it has just made, to show it once.
NEW_TOKEN_SESSION_KEY = "tracker:new_share_token"
# The name of someone without a display name, mid-sentence and at the start of one.
NO_NAME = "a Pathwise learner"
NO_NAME_START = "A Pathwise learner"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def live_link(user: User) -> ShareLink | None:
    """The person's live link, if any (1 query; there is one at most, a database constraint)."""
    return ShareLink.objects.live().filter(user=user).first()


def shared_link(token: str) -> tuple[ShareLink, str] | None:
    """The live link a token opens, with its owner, and the name the page shows: their display
    name, never their username (1 query). None for a revoked or unknown token."""
    if len(token) != TOKEN_LENGTH:
        return None
    found = (
        ShareLink.objects.live()
        .select_related("user")
        .annotate(display_name=F("user__profile__display_name"))
        .filter(token_hash=token_hash(token))
        .first()
    )
    if found is None:
        return None
    return found, getattr(found, "display_name", None) or NO_NAME


@transaction.atomic
def share_link_create(
    *, user: User, shows_notes: bool, replaces: int | None
) -> tuple[ShareLink, str] | None:
    """A new link and its token, revoking the live one. `replaces` names the link the form
    showed as live (None: none): when that is no longer so, the form was sent twice (a double
    click) or is stale, and nothing changes (None)."""
    # Two posts at once queue on the account's row, so the second sees what the first made.
    User.objects.select_for_update().filter(pk=user.pk).first()
    live = ShareLink.objects.live().select_for_update().filter(user=user).first()
    if (live.pk if live is not None else None) != replaces:
        return None
    if live is not None:
        live.revoked_at = timezone.now()
        live.save(update_fields=["revoked_at"])
    token = new_token()
    link = ShareLink.objects.create(
        user=user, token_hash=token_hash(token), shows_notes=shows_notes
    )
    return link, token


def share_link_revoke(*, link: ShareLink) -> bool:
    """Stop the link working; False when it already had."""
    revoked = ShareLink.objects.live().filter(pk=link.pk).update(revoked_at=timezone.now())
    return revoked == 1


def share_link_set_notes(*, link: ShareLink, shows_notes: bool) -> bool:
    """Show or hide notes and evidence on a live link; False when nothing changed."""
    rows = ShareLink.objects.live().filter(pk=link.pk).exclude(shows_notes=shows_notes)
    return rows.update(shows_notes=shows_notes) == 1


def share_link_viewed(link: ShareLink) -> None:
    # One UPDATE adding one in the database: views at the same moment each count.
    ShareLink.objects.filter(pk=link.pk).update(views=F("views") + 1)
