"""The layers hold: every registered area is placed in an import-linter contract, and no
module imports ctip inside a function to dodge a cycle (lazy heavy engines are named)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from ctip.areas import AREAS

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ctip"
LAZY_ENGINES: frozenset[str] = frozenset({"ctip.trade.spark", "ctip.finance.spark"})
"""Modules imported inside a function on purpose: they load pyspark, which most runs never need."""
LAZY_IN_CLI: frozenset[str] = frozenset(
    {
        "ctip.api.app",
        "ctip.api.serving",
        "ctip.commands.common",
        "ctip.config",
        "ctip.demo",
        "ctip.matching",
        "ctip.store",
    }
)
"""What `ctip serve` and `ctip demo` import inside themselves, so `ctip --help` does not load
the settings, the web app, FtM and the demo world (`ctip/cli.py` only)."""


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return contracts


def _contract(name_start: str) -> dict[str, object]:
    return next(c for c in _contracts() if str(c["name"]).startswith(name_start))


def _modules(name_start: str, key: str) -> set[str]:
    listed = _contract(name_start)[key]
    assert isinstance(listed, list)
    return {str(module) for module in listed}


def test_every_area_is_a_core_or_an_independent_area() -> None:
    cores = _modules("Cores never import", "source_modules")
    independent = _modules("Areas never import each other", "modules")
    for area in AREAS:
        package = f"ctip.{area.name}"
        assert (package in cores) != (package in independent), package


def test_cores_forbid_every_independent_area() -> None:
    forbidden = _modules("Cores never import", "forbidden_modules")
    independent = _modules("Areas never import each other", "modules")
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


def _allowed_inside_functions(path: Path) -> frozenset[str]:
    return LAZY_ENGINES | (LAZY_IN_CLI if path == PACKAGE / "cli.py" else frozenset())


def test_no_module_imports_ctip_inside_a_function_except_lazy_engines() -> None:
    offenders = {
        str(path.relative_to(ROOT)): modules
        for path in PACKAGE.rglob("*.py")
        if (
            modules := [
                m for m in _function_level_imports(path) if m not in _allowed_inside_functions(path)
            ]
        )
    }
    assert offenders == {}
