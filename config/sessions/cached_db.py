from django.contrib.sessions.backends import cached_db

from . import CompiledSessionRead


class SessionStore(CompiledSessionRead, cached_db.SessionStore):
    pass
