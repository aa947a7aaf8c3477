"""``prosewise rewrite FILE --action KIND``: one of the editor's rewrite actions
(agents/llm/actions.py) on a file, its ``--lines`` or a ``--range``, from a terminal.

It prints the rewrite of the chosen text (``--diff``: a unified diff of the file), or
writes the file (``--write``) in one step: a temporary file renamed over it, so a
failure at any point (the model, the guard, the disk) leaves it byte for byte as it
was. Exit status: 0 rewritten, 1 refused (why on stderr), 2 a usage or file problem.
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import re
import sys
from pathlib import Path
from typing import Any

from prosewise.agents.settings import Dialect
from prosewise.server.inputs import decode
from prosewise.server.lineindex import CODE_POINTS, LineIndex

ACTIONS = ("clarity", "formal", "friendly", "shorten", "grammar")
"""agents/llm/actions.py's ``Kind`` values (a test keeps them equal): the parser is
built on every start, the language server's too, and must not import the model path."""
MAX_BYTES = 5 * 1024 * 1024
BOM = "\ufeff"


class UsageError(ValueError):
    """A file that cannot be read or a range outside it: exit status 2."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``prosewise rewrite``."""
    p.add_argument("file", metavar="FILE", help="the file (UTF-8 text or Markdown)")
    p.add_argument("--action", required=True, choices=ACTIONS,
                   help="clarity, formal, friendly, shorten or grammar")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--lines", metavar="A-B",
                       help="rewrite lines A to B (from 1; default: the whole file)")
    where.add_argument("--range", metavar="L:C-L:C",
                       help="rewrite from line:column to line:column (from 1, columns in"
                            " characters); an empty range takes the sentence there")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--diff", action="store_true",
                     help="print a unified diff of the file instead of the rewritten text")
    out.add_argument("--write", action="store_true",
                     help="write the rewrite into the file (untouched when it fails)")
    p.add_argument("--model", metavar="MODEL", help="litellm model for this run")
    p.add_argument("--api-base", metavar="URL", help="the model's server")
    p.add_argument("--dialect", choices=[d.value for d in Dialect],
                   help="the English to write in (default: the settings')")


def span_of(text: str, lines: str | None, where: str | None) -> tuple[int, int]:
    """Code point offsets of ``--lines`` or ``--range`` (the whole text without either)."""
    index = LineIndex(text, CODE_POINTS)
    last = len(index.starts)
    if lines is not None:
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", lines.strip())
        first, final = (int(m.group(1)), int(m.group(2) or m.group(1))) if m else (0, 0)
        if not 1 <= first <= final <= last:
            raise UsageError(f"--lines {lines}: expected A-B with 1 <= A <= B <= {last}")
        end = index.starts[final] if final < last else len(text)
        return index.starts[first - 1], end
    if where is not None:
        m = re.fullmatch(r"(\d+):(\d+)-(\d+):(\d+)", where.strip())
        numbers = [int(g) for g in m.groups()] if m else [0, 0, 0, 0]
        if min(numbers) < 1 or max(numbers[0], numbers[2]) > last:
            raise UsageError(f"--range {where}: expected L:C-L:C, lines 1 to {last}")
        start = index.offset_at(numbers[0] - 1, numbers[1] - 1)
        end = index.offset_at(numbers[2] - 1, numbers[3] - 1)
        return min(start, end), max(start, end)
    return 0, len(text)


def run_rewrite(args: argparse.Namespace) -> int:
    """Rewrite, print or write; the exit status."""
    from prosewise.agents.llm.actions import ACTIONS, Kind, rewrite, target
    from prosewise.agents.project import load_project
    from prosewise.agents.user_config import load_user_config
    from prosewise.server.cli import model_checks
    from prosewise.server.storefile import write_atomic

    path = Path(args.file)
    try:
        text, bom = _read(path)
        start, end = span_of(text, args.lines, args.range)
    except UsageError as exc:
        return _say(str(exc), 2)
    action = ACTIONS[Kind(args.action)]
    span = target(text, start, end)
    if span is None:
        return _say(f"{action.title}: there is no text to rewrite there", 1)
    loaded = load_project(path, _overrides(args), user=load_user_config())
    for problem in loaded.problems:
        _say(problem, 0)
    checks = model_checks()
    try:
        outcome = asyncio.run(rewrite(checks, loaded.settings, Kind(args.action),
                                      text[span[0]:span[1]]))
    finally:
        checks.cache.close()
    if outcome.text is None:
        return _say(f"{action.title}: {outcome.reason}", 1)
    new = text[:span[0]] + outcome.text + text[span[1]:]
    if args.write:
        try:
            write_atomic(path, (bom + new).encode("utf-8"), mode=path.stat().st_mode)
        except OSError as exc:
            return _say(f"{path}: not written ({exc.strerror or exc}); it is unchanged", 2)
    elif args.diff:
        sys.stdout.writelines(difflib.unified_diff(
            text.splitlines(keepends=True), new.splitlines(keepends=True),
            f"a/{args.file}", f"b/{args.file}"))
    else:
        sys.stdout.write(outcome.text + "\n")
    return 0


def _read(path: Path) -> tuple[str, str]:
    """The file's text and its byte-order mark (kept when the file is written)."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise UsageError(f"{path}: larger than {MAX_BYTES} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    text, error = decode(data)
    if text is None:
        raise UsageError(f"{path}: {(error or 'unreadable').removeprefix('skipped: ')}")
    return text, BOM if data.startswith(BOM.encode("utf-8")) else ""


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The settings the command line sets, shaped like the project file."""
    out: dict[str, Any] = {}
    llm = {k: v for k, v in (("model", args.model), ("api_base", args.api_base)) if v}
    if llm:
        out["llm"] = llm
    if args.dialect:
        out["goals"] = {"dialect": args.dialect}
    return out


def _say(message: str, status: int) -> int:
    print(f"prosewise: {message}", file=sys.stderr, flush=True)
    return status
