"""Catalog change hooks (cache invalidation lives here)."""


def catalog_changed() -> None:
    """Called after any catalog change"""
