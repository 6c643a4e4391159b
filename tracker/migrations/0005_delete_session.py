from django.db import migrations
from django.utils import timezone

OLD_BACKEND = "tracker.people.PersonBackend"
NEW_BACKEND = "django.contrib.auth.backends.ModelBackend"


def carry_sessions_back(apps, schema_editor):
    """Move the live sessions back into Django's own table, which the cached_db engine reads,
    naming Django's ModelBackend where they named the authentication backend this replaces:
    nobody is signed out by the move.

    A session's data is signed with its store's class name, SessionStore, the same for every
    database engine, so Django's store reads and writes it as it is.
    """
    from django.contrib.auth import BACKEND_SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    Ours = apps.get_model("tracker", "Session")
    Django = apps.get_model("sessions", "Session")
    store = SessionStore()
    taken = set(Django.objects.values_list("session_key", flat=True))
    moved = []
    for session in Ours.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key in taken:
            continue
        data = store.decode(session.session_data)
        if data.get(BACKEND_SESSION_KEY) == OLD_BACKEND:
            data[BACKEND_SESSION_KEY] = NEW_BACKEND
        moved.append(
            Django(
                session_key=session.session_key,
                session_data=store.encode(data),
                expire_date=session.expire_date,
            )
        )
    Django.objects.bulk_create(moved, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0004_session"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(carry_sessions_back, migrations.RunPython.noop),
        migrations.DeleteModel(name="Session"),
    ]
