"""The role catalog as a YAML document: validate it, apply it, export it.

validate_catalog(data) -> list[str]      every problem, each "<path>: <message>"
apply_catalog(data) -> Summary           one transaction; raises CatalogError
export_catalog(roles) -> dict            the same format, ready for dump_catalog()
"""

from .apply import apply_catalog
from .export import export_catalog
from .results import CatalogError, Counts, Summary
from .validate import validate_catalog
from .yamlio import CatalogFileError, dump_catalog, parse_yaml, read_catalog_file

__all__ = [
    "CatalogError",
    "CatalogFileError",
    "Counts",
    "Summary",
    "apply_catalog",
    "dump_catalog",
    "export_catalog",
    "parse_yaml",
    "read_catalog_file",
    "validate_catalog",
]
