"""The Nu HTML Checker (vnu.jar from the locked `vnu-jar` npm package), run over whole documents."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def html_errors(documents: dict[str, str], tmp_path: Path) -> list[str]:
    """Checks every document in one JVM start; returns 'name: line N: message' per error or
    warning (a warning is a likely mistake: an unneeded role, a heading-less section)."""
    java = shutil.which("java")
    if java is None or not VNU.exists():
        pytest.fail("vnu needs java and node_modules: run scripts/ensure-test-tools")
    names = {}
    for i, (name, html) in enumerate(documents.items()):
        path = tmp_path / f"doc{i}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = name
    result = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--exit-zero-always"]
        + [str(tmp_path / filename) for filename in names],
        capture_output=True,
        text=True,
        timeout=180,
    )
    errors = []
    for m in json.loads(result.stderr or result.stdout)["messages"]:
        if m.get("type") == "error" or m.get("subType") in ("fatal", "warning"):
            name = names.get(m.get("url", "").rsplit("/", 1)[-1], m.get("url", "?"))
            kind = m.get("subType") or m["type"]
            errors.append(f"{name}: line {m.get('lastLine', '?')}: {kind}: {m['message']}")
    return errors
