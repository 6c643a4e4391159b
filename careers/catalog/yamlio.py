"""Catalog files on disk: reading YAML with one-line errors, and writing it back readably."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .checks import describe


class CatalogFileError(Exception):
    """The file cannot be read as a YAML document; the message is one line."""


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice, which plain YAML silently resolves."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:
                continue  # unhashable keys get PyYAML's own error below
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"found the key '{key}' twice",
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep=deep)


def _one_line(error: yaml.YAMLError) -> str:
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "unreadable"
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        return f"{problem}{where}"
    return " ".join(str(error).split())


def parse_yaml(text: str, name: str = "the catalog") -> Any:
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as error:
        raise CatalogFileError(f"{name} is not valid YAML: {_one_line(error)}") from error
    if data is None:
        raise CatalogFileError(f"{name} is empty")
    return data


def read_catalog_file(path: Path) -> Any:
    """The document in `path`, or CatalogFileError saying in one line why it is unreadable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as error:
        raise CatalogFileError(f"{path} does not exist") from error
    except OSError as error:
        raise CatalogFileError(f"{path} cannot be read: {error.strerror}") from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CatalogFileError(
            f"{path} is not a YAML file: it is not UTF-8 text (byte {error.start})"
        ) from error
    data = parse_yaml(text, str(path))
    if not isinstance(data, dict):
        raise CatalogFileError(
            f"{path} is not a catalog: a catalog is a YAML mapping with the keys version, "
            f"sources, regions, skills and roles, and this file holds {describe(data)}"
        )
    return data


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Descriptions read better as literal blocks than as one quoted line full of \n.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_catalog(data: dict[str, Any]) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
