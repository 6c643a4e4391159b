"""Django's database sessions, read through one compiled statement: every signed-in request
reads its session first, and compiling that query cost more than running it.

SESSION_ENGINE = "config.sessions" behaves exactly as django.contrib.sessions.backends.db, and
"config.sessions.cached_db" as Django's cached_db; only the read from the table differs.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from config.compiled import CompiledRead

_session = CompiledRead(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now).values_list(
        "session_data", "expire_date"
    )
)


class CompiledSessionRead:
    """Replaces the ORM read of Django's database session stores."""

    session_key: Any
    _session_key: Any

    def _get_session_from_db(self) -> Session | None:
        key = self.session_key
        rows = _session(key, timezone.now()) if key else []
        if not rows:
            self._session_key = None
            return None
        data, expire_date = rows[0]
        return Session(session_key=key, session_data=data, expire_date=expire_date)


class SessionStore(CompiledSessionRead, db.SessionStore):
    pass
