"""The layers stay apart: agents, ranking and the pipeline core never touch the protocol.

Why: the CLI, the benchmarks and the tests run the same pipeline without pygls;
only ``server/lsp/`` speaks LSP. Imports are read with ``ast`` (not grep), so
strings and comments don't count and ``import_module("pygls")`` does.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROTOCOL = ("pygls", "lsprotocol")
PROTOCOL_FREE = ["agents", "merge", "server/pipeline.py", "server/cache.py", "server/markup",
                 "server/chunks.py", "server/lineindex.py", "server/report.py",
                 "server/memory.py", "server/ignores.py", "server/storefile.py",
                 "server/disable_comment.py"]
"""Also the CLI's share of the fronts: the line index, the report and the workspace
stores (cli.py imports the server only inside ``run_lsp``)."""
BELOW_SERVER = ["agents", "merge"]
"""Agents and ranking are below the server: they must not import ``prosewise.server``."""


def python_files(entry: str) -> list[Path]:
    """The module, or every module under the folder."""
    path = ROOT / entry
    return sorted(path.rglob("*.py")) if path.is_dir() else [path]


def imported_modules(source: str) -> Iterator[str]:
    """Every absolute module name the source imports, statically or via import_module."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield first.value


def _is_dynamic_import(func: ast.expr) -> bool:
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in {"import_module", "__import__"}


def offenders(entries: list[str], banned: tuple[str, ...]) -> list[str]:
    """``file: module`` for each import of a banned package (or its submodules)."""
    found = []
    for entry in entries:
        for path in python_files(entry):
            for module in imported_modules(path.read_text(encoding="utf-8")):
                if any(module == b or module.startswith(b + ".") for b in banned):
                    found.append(f"{path.relative_to(ROOT)}: {module}")
    return found


def test_the_checked_paths_exist() -> None:
    for entry in PROTOCOL_FREE:
        assert python_files(entry), f"{entry} has no Python files: update PROTOCOL_FREE"


def test_agents_merge_and_pipeline_core_never_import_the_protocol() -> None:
    assert offenders(PROTOCOL_FREE, PROTOCOL) == []


def test_agents_and_merge_do_not_import_the_server() -> None:
    assert offenders(BELOW_SERVER, ("prosewise.server",)) == []


def test_the_benches_never_import_the_tests() -> None:
    """Tests may use the benches' parts (bench/loopback.py), not the other way round:
    a bench must run where tests/ is not on the path (its helpers import bare)."""
    helpers = ("tests", *{path.stem for path in (ROOT / "tests").rglob("*.py")})
    assert offenders(["bench"], helpers) == []


@pytest.mark.parametrize("source", [
    "import pygls",
    "import lsprotocol.types as t",
    "from pygls.lsp.server import LanguageServer",
    "from lsprotocol import types",
    "def f():\n    import pygls.workspace",
    "import importlib\nimportlib.import_module('lsprotocol.types')",
    "__import__('pygls')",
])
def test_the_checker_sees_every_form_of_import(source: str) -> None:
    assert any(m.split(".")[0] in PROTOCOL for m in imported_modules(source))


@pytest.mark.parametrize("source", [
    "# import pygls",
    "'''from lsprotocol import types'''",
    "import pyglsx",
    "from . import pygls_free",
])
def test_the_checker_ignores_what_is_not_an_import(source: str) -> None:
    assert not any(m == p or m.startswith(p + ".") for m in imported_modules(source)
                   for p in PROTOCOL)
