"""Django's database sessions, kept in tracker.models.Session (Django's table plus the account
as a column) and read together with the signed-in person in one compiled statement.

Every signed-in request reads its session first and the account right after. Joined on the
session's account column, the one statement brings the session, the account, its profile and
active goal (tracker.people), and the authentication backend then takes the person from it
instead of reading again. A session whose account column is empty (nobody signed in) reads as
Django's would.

SESSION_ENGINE = "config.sessions" behaves as django.contrib.sessions.backends.db, and
"config.sessions.cached_db" as Django's cached_db; only the model and the read differ, and a
session's data, once its signature was checked, is kept decoded in the process: a session is
read on every request, and the same data is checked again and again until it changes.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.utils import timezone

from careers.cache import Recent
from config.compiled import CompiledRead
from tracker import people
from tracker.models import Session

_session = CompiledRead(
    lambda key, now: (
        Session.objects.filter(session_key=key, expire_date__gt=now)
        .annotate(active_goal=people.active_goal("user__"))
        .order_by()
        .values_list("session_data", "expire_date", *people.person_fields("user__"))
    )
)


# The session's data as stored (signed) -> what it decoded to, when that is a dict of plain
# values only (str, int, ...), which a shallow copy hands out safely.
_decoded = Recent(size=10_000)
_PLAIN = (str, int, float, bool, type(None))


class CompiledSessionRead:
    """Replaces the model and the read of Django's database session stores."""

    def decode(self, session_data: str) -> dict[str, Any]:
        """Django's decode (signature check included), once per process for the same data."""
        known = _decoded.get(session_data)
        if known is not None:
            return dict(known)
        data = super().decode(session_data)  # type: ignore[misc]
        # An empty dict is what a bad signature gives too: never kept.
        if data and all(isinstance(value, _PLAIN) for value in data.values()):
            _decoded.put(session_data, dict(data))
        return data

    session_key: Any
    _session_key: Any

    @classmethod
    def get_model_class(cls) -> type[Session]:
        return Session

    def load(self) -> dict[str, Any]:
        people.withdraw()
        return super().load()  # type: ignore[misc]

    def _get_session_from_db(self) -> Session | None:
        key = self.session_key
        rows = _session(key, timezone.now()) if key else []
        if not rows:
            self._session_key = None
            return None
        data, expire_date, *person = rows[0]
        people.offer(tuple(person))
        return Session(session_key=key, session_data=data, expire_date=expire_date)

    def create_model_instance(self, data: dict[str, Any]) -> Session:
        session = super().create_model_instance(data)  # type: ignore[misc]
        try:
            session.user_id = get_user_model()._meta.pk.to_python(data.get(SESSION_KEY))
        except ValidationError:
            session.user_id = None
        return session


class SessionStore(CompiledSessionRead, db.SessionStore):
    pass
