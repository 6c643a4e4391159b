"""Settings of `make bench` and of the gunicorn it starts: the app's own production settings, on
a database of the benchmark's own, so a run never touches the developer's data.

PATHWISE_BENCH_DATASET=small selects the second, smaller data set of --growth, which has its
own database and cache keys.
"""

import os
import secrets
import time
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# Set before the app's settings read them, so that everything they derive from DEBUG takes its
# production value, and inherited by every process of the run (gunicorn's workers, the timing
# workers): they must share the secret key that signs the session and the CSRF token.
os.environ["DJANGO_DEBUG"] = "0"
os.environ["DJANGO_BEHIND_PROXY"] = "1"
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
RUN = os.environ.setdefault("PATHWISE_BENCH_RUN", f"{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}")

from benchmarks import RESULTS_DIR  # noqa: E402
from config.settings import *  # noqa: E402, F403
from config.settings import CACHES, DATABASES, INSTALLED_APPS  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]
ROOT_URLCONF = "benchmarks.urls"
ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
# The run collects the static files (DEBUG is off) into a folder of its own, never into the one
# that tests or a developer's server are reading.
STATIC_ROOT = RESULTS_DIR / "staticfiles"

BENCH_DATASET = os.environ.get("PATHWISE_BENCH_DATASET", "")


def bench_database(configured: Any, dataset: str) -> Any:
    """The configured database's settings, pointed at the benchmark's database beside it."""
    suffix = f"_{dataset}" if dataset else ""
    if configured["ENGINE"] == "django.db.backends.sqlite3":
        name = str(RESULTS_DIR / f"bench{suffix}.sqlite3")
    elif "postgresql" in configured["ENGINE"]:
        name = f"{configured['NAME']}_bench{suffix}"
    else:
        raise ImproperlyConfigured(
            f"The benchmark runs on SQLite or PostgreSQL, not {configured['ENGINE']}."
        )
    return {**configured, "NAME": name, "TEST": {"NAME": None}}


DATABASES = {"default": bench_database(DATABASES["default"], BENCH_DATASET)}

# A shared Redis must neither serve the benchmark's pages to the app nor keep an earlier run's.
CACHES["default"]["KEY_PREFIX"] = "-".join(filter(None, ["pathwise-bench", RUN, BENCH_DATASET]))
