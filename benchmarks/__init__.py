"""`make bench`: the app's pages on a generated data set at production volume (dev only)."""
