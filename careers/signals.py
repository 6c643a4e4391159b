"""Catalog change hooks (cache invalidation lives here)."""
