"""Settings for `manage.py bench` and the gunicorn it starts: the app's own settings with
three differences, so the benchmark never touches the developer's data.

- DATABASES: a separate database derived from DATABASE_URL (see benchmarks.database).
- ROOT_URLCONF: the app's URLs plus the bare view the pages are compared with.
- The cache key prefix: a shared Redis must not serve benchmark pages to the real app, nor keep
  pages of an earlier data set; the command gives each run its own prefix, and each data set.
"""

import os

from benchmarks.database import VARIANT_ENV, bench_database
from config.settings import *  # noqa: F403
from config.settings import CACHES, DATABASES

DATABASES["default"] = bench_database(DATABASES["default"], os.environ.get(VARIANT_ENV, ""))

ROOT_URLCONF = "config.bench_urls"

# Each data set its own too: the two of --growth are served side by side.
_variant = os.environ.get(VARIANT_ENV, "")
CACHES["default"]["KEY_PREFIX"] = (
    "pathwise-bench-"
    + os.environ.get("PATHWISE_BENCH_RUN", "0")
    + (f"-{_variant}" if _variant else "")
)
