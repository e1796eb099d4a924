"""The layers hold: every registered area is placed in an import-linter contract, and no
module imports ctip inside a function to dodge a cycle (lazy heavy engines are named)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from ctip.areas import AREAS

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ctip"
LAZY_ENGINES = {"ctip.trade.spark", "ctip.finance.spark"}
"""Modules imported inside a function on purpose: they load pyspark, which most runs never need."""


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return contracts


def _contract(name_start: str) -> dict[str, object]:
    return next(c for c in _contracts() if str(c["name"]).startswith(name_start))


def test_every_area_is_a_core_or_an_independent_area() -> None:
    cores = set(_contract("Cores never import")["source_modules"])  # type: ignore[arg-type]
    independent = set(_contract("Areas never import each other")["modules"])  # type: ignore[arg-type]
    for area in AREAS:
        package = f"ctip.{area.name}"
        assert (package in cores) != (package in independent), package


def test_cores_forbid_every_independent_area() -> None:
    forbidden = set(_contract("Cores never import")["forbidden_modules"])  # type: ignore[arg-type]
    independent = set(_contract("Areas never import each other")["modules"])  # type: ignore[arg-type]
    assert independent <= forbidden


def _function_level_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ctip"):
                found.append(str(node.module))
            elif isinstance(node, ast.Import):
                found += [alias.name for alias in node.names if alias.name.startswith("ctip")]
    return found


def test_no_module_imports_ctip_inside_a_function_except_lazy_engines() -> None:
    offenders = {
        str(path.relative_to(ROOT)): modules
        for path in PACKAGE.rglob("*.py")
        if (modules := [m for m in _function_level_imports(path) if m not in LAZY_ENGINES])
    }
    assert offenders == {}
