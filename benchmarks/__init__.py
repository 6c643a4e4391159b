"""`make bench`: the app's pages on a generated data set at production volume (dev only)."""

import os
from pathlib import Path

# Results and the SQLite data sets; the tests point this at a folder of their own.
RESULTS_DIR = Path(
    os.environ.get("PATHWISE_BENCH_DIR") or Path(__file__).resolve().parent.parent / "bench-results"
)
