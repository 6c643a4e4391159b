"""Django's database sessions, kept in tracker.models.Session (Django's table plus the account
as a column) and read together with the signed-in person in one compiled statement.

Every signed-in request reads its session first and the account right after. Joined on the
session's account column, the one statement brings the session, the account, its profile and
active goal (tracker.people), and the authentication backend then takes the person from it
instead of reading again. A session whose account column is empty (nobody signed in) reads as
Django's would.

SESSION_ENGINE = "config.sessions" behaves as django.contrib.sessions.backends.db, and
"config.sessions.cached_db" as Django's cached_db; only the model and the read differ.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.utils import timezone

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


class CompiledSessionRead:
    """Replaces the model and the read of Django's database session stores."""

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
