"""The ``prosewise`` command: ``review`` documents in batch, or start the language server.

Exit status of ``review``: 0 when nothing at or above ``--fail-on`` is shown, 1
when something is, 2 on usage errors (and when no input at all could be read).
Problems with single inputs are one line each on stderr and never stop the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import sys
from collections.abc import Callable, Sequence
from importlib import metadata
from typing import TYPE_CHECKING, Any

from prosewise.agents.engines.hub import EngineHub
from prosewise.agents.model import AgentName, Severity
from prosewise.agents.settings import (
    Audience,
    Dialect,
    Domain,
    Formality,
    Intent,
    Profile,
    Writer,
)
from prosewise.server.markup import languages
from prosewise.server.report import FileReport
from prosewise.server.rewrite_command import add_arguments as add_rewrite_arguments
from prosewise.server.stdio import reserve_stdout

if TYPE_CHECKING:
    from rich.text import Text

    from prosewise.agents.llm.checks import LlmChecks

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
FAIL_ON = [*(s.value for s in Severity), "never"]
GOALS: dict[str, type[Dialect | Audience | Writer | Formality | Domain | Intent]] = {
    "dialect": Dialect, "audience": Audience, "writer": Writer, "formality": Formality,
    "domain": Domain, "intent": Intent,
}


def byte_size(value: str) -> int:
    """``5000000``, ``512K``, ``5M``: a size in bytes (K and M are powers of 1024)."""
    m = re.fullmatch(r"\s*(\d+)\s*([kKmM]?)[bB]?\s*", value)
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {value!r} (e.g. 500000, 512K, 5M)")
    return int(m.group(1)) * {"": 1, "k": 1024, "m": 1024 * 1024}[m.group(2).lower()]


def agent_list(value: str) -> list[AgentName]:
    """``grammar,clarity``: the agents to run."""
    names = [v.strip() for v in value.split(",") if v.strip()]
    try:
        return [AgentName(n) for n in names]
    except ValueError:
        choices = ", ".join(a.value for a in AgentName)
        raise argparse.ArgumentTypeError(
            f"unknown agent in {value!r} (choose from {choices})") from None


def host_port(value: str) -> str:
    """``HOST:PORT`` for the language server's TCP mode."""
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {value!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also the source of ``docs/cli.md``'s option list)."""
    parser = argparse.ArgumentParser(prog="prosewise", description=(
        "Writing suggestions (grammar, clarity, tone, style), offline."))
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_review(commands.add_parser(
        "review", help="review documents and print suggestions",
        description="Review files, folders (*.md, *.markdown, *.txt), globs or - (stdin)."))
    add_rewrite_arguments(commands.add_parser(
        "rewrite", help="rewrite a file's text with the configured model",
        description="Rewrite a file, some of its lines or a range with the configured model"
                    " (sends that text to it, redacted), and print the rewrite."))
    rules = commands.add_parser("rules", help="list the built-in rule ids",
                                description="List the data rules' ids, to switch them off.")
    rules.add_argument("--format", choices=["human", "json"], default="human")
    lsp = commands.add_parser("lsp", help="start the language server",
                              description="Start the Prosewise language server.")
    mode = lsp.add_mutually_exclusive_group()
    mode.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (default)")
    mode.add_argument("--tcp", type=host_port, metavar="HOST:PORT", help="listen on a TCP port")
    lsp.add_argument("--lite", action="store_true",
                     help="harper and the rule agents only, no lingotweaker (about 400 MB less)")
    lsp.add_argument("--log-level", default="WARNING", type=str.upper,
                     choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                     help="what the server logs on stderr (default: WARNING)")
    return parser


def _add_review(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="file, folder, glob or - for stdin")
    out = p.add_argument_group("output")
    out.add_argument("--format", choices=["human", "json"], default="human")
    out.add_argument("--color", choices=["auto", "always", "never"], default="auto",
                     help="colour the human output (auto: when stdout is a terminal)")
    out.add_argument("--explain", action="store_true",
                     help="also print the ranking decision log (why each finding was shown or not)")
    out.add_argument("--fail-on", choices=FAIL_ON, default="error",
                     help="exit 1 when a suggestion this severe or worse is shown (default: error)")
    out.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    src = p.add_argument_group("input")
    src.add_argument("--language", choices=languages(),
                     help="read inputs as this (default: by file suffix; markdown for stdin)")
    src.add_argument("--stdin-filename", metavar="NAME",
                     help="name for stdin: shown in output, picks settings and language")
    src.add_argument("--max-bytes", type=byte_size, default=DEFAULT_MAX_BYTES, metavar="SIZE",
                     help="skip larger files (default: 5M)")
    cfg = p.add_argument_group("settings (override the project file)")
    cfg.add_argument("--profile", choices=[v.value for v in Profile])
    for name, enum in GOALS.items():
        cfg.add_argument(f"--{name}", choices=[v.value for v in enum])
    cfg.add_argument("--disable", action="append", default=[], metavar="RULE",
                     help="switch a rule (or a prefix such as 'tone') off; repeatable")
    cfg.add_argument("--enable", action="append", default=[], metavar="RULE",
                     help="switch a rule on; repeatable; wins over --disable")
    cfg.add_argument("--agents", type=agent_list, metavar="LIST",
                     help="run only these agents, e.g. grammar,clarity")
    cfg.add_argument("--lite", action="store_true",
                     help="harper and the rule agents only, no lingotweaker: about twice as"
                          " fast, fewer grammar findings")
    llm = p.add_argument_group("language model (off unless --llm)")
    llm.add_argument("--llm", action="store_true",
                     help="also ask the configured model (sends the text to it; redacted)")
    llm.add_argument("--model", metavar="MODEL",
                     help="litellm model for this run, e.g. ollama/llama3.2 or openai/NAME")
    llm.add_argument("--api-base", metavar="URL",
                     help="the model's server, e.g. http://127.0.0.1:8080/v1")


def _version() -> str:
    try:
        return metadata.version("prosewise")
    except metadata.PackageNotFoundError:
        return "unknown"


def overrides_from(args: argparse.Namespace) -> dict[str, Any]:
    """The settings the command line sets, shaped like the project file."""
    out: dict[str, Any] = {}
    goals = {k: getattr(args, k) for k in GOALS if getattr(args, k)}
    if goals:
        out["goals"] = goals
    if args.profile:
        out["profile"] = args.profile
    rules = {r: False for r in args.disable} | {r: True for r in args.enable}
    if rules:
        out["rules"] = rules
    if args.agents:
        out["agents"] = {a.value: a in args.agents for a in AgentName}
    llm = {k: v for k, v in (("model", args.model), ("api_base", args.api_base)) if v}
    if llm:
        out["llm"] = llm
    return out


REVIEW_LOG_FORMAT = "prosewise: %(levelname)s: %(message)s"
"""How ``review`` writes its warnings to stderr."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``prosewise`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    reserve_stdout()
    if args.command == "lsp":
        return run_lsp(args)
    if args.command == "rewrite":
        from prosewise.server.rewrite_command import run_rewrite

        return run_rewrite(args)
    if args.command == "rules":
        from prosewise.server.rules_command import list_rules

        return list_rules(args.format)
    if args.command != "review":
        parser.print_help(sys.stderr)
        return 2
    logging.basicConfig(stream=sys.stderr, format=REVIEW_LOG_FORMAT,
                        level=logging.DEBUG if args.verbose else logging.WARNING)
    try:
        return run_review(args)
    except KeyboardInterrupt:
        return 130


def run_lsp(args: argparse.Namespace) -> int:
    """Start the language server: ``prosewise lsp`` and ``python -m prosewise.server.lsp``.

    The engines start loading before pygls and the server modules are imported (those
    are imported only here: ``review`` never loads pygls), so the two overlap.
    """
    logging.basicConfig(stream=sys.stderr, level=args.log_level,
                        format="%(levelname)s %(name)s: %(message)s")
    engines = EngineHub.for_server()
    try:
        from prosewise.server.lsp import serve
    except ImportError as exc:
        _error(f"the language server is not available ({exc})")
        return 2
    serve(tcp=args.tcp, lite=args.lite, engines=engines)
    return 0


def run_review(args: argparse.Namespace) -> int:
    """Review every input, print the results, and return the exit status."""
    from prosewise.server.batch import BatchOptions, SettingsResolver, review_all
    from prosewise.server.inputs import expand
    from prosewise.server.pipeline import Pipeline
    from prosewise.server.progress import progress

    resolver = SettingsResolver(overrides_from(args), warn=_error)
    targets = expand(args.paths, resolver.suffixes)
    options = BatchOptions(max_bytes=args.max_bytes, language=args.language,
                           stdin_name=args.stdin_filename, explain=args.explain)
    checks = model_checks() if args.llm else None
    pipeline = Pipeline(engines=EngineHub.for_batch(lite=args.lite), llm=checks)
    try:
        with progress(len(targets), checks) as advance:
            reports = asyncio.run(review_all(pipeline, targets, resolver, options, advance))
    finally:
        pipeline.close()
        if checks is not None:
            checks.cache.close()
            _error(model_summary(checks))
    for r in reports:
        if r.skipped:
            _error(f"{r.path}: {r.errors[0]}")
    _write(reports, args)
    return exit_status(reports, args.fail_on)


def model_checks() -> LlmChecks:
    """The model's checks for ``--llm``, with the user's result cache."""
    from prosewise.agents.llm.cache import ResultCache
    from prosewise.agents.llm.checks import LlmChecks

    return LlmChecks(ResultCache())


def model_summary(checks: LlmChecks) -> str:
    """One line on stderr: what ``--llm`` cost."""
    hits = checks.cached
    if not checks.calls and not hits and checks.paused is None:
        return ("model: none configured, nothing sent (set [llm] model in your config file"
                " or pass --model)")
    used = checks.usage()
    paused = f"; paused: {checks.paused}" if checks.paused else ""
    return (f"model: {checks.calls} calls, {hits} answers from the cache,"
            f" {checks.failures} failed; {used.prompt_tokens} + {used.completion_tokens}"
            f" tokens, ${used.cost:.4f}{paused}")


def exit_status(reports: Sequence[FileReport], fail_on: str) -> int:
    """0, or 1 when a shown suggestion reaches ``fail_on``; 2 when nothing could be read."""
    if reports and all(r.skipped for r in reports):
        return 2
    if fail_on == "never":
        return 0
    bar = Severity(fail_on).rank
    worst = [w.rank for r in reports if (w := r.worst()) is not None]
    return 1 if worst and max(worst) >= bar else 0


def _error(message: str) -> None:
    print(f"prosewise: {message}", file=sys.stderr, flush=True)


def _write(reports: Sequence[FileReport], args: argparse.Namespace) -> None:
    from rich.text import Text

    from prosewise.server import report

    if args.format == "json":
        doc = report.review_json(reports, explain=args.explain)
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return
    emit = _emitter(args.color)
    for r in reports:
        for line in report.human_lines(r, explain=args.explain):
            emit(line)
    emit(Text(report.summary_line(reports), style="bold"))


def _emitter(color: str) -> Callable[[Text], None]:
    """Print rich ``Text`` in colour or plain; plain text never passes through rich."""
    if color == "never" or (color == "auto" and not sys.stdout.isatty()):
        def plain(text: Text) -> None:
            sys.stdout.write(f"{text.plain}\n")
        return plain
    from rich.console import Console

    console = Console(force_terminal=True if color == "always" else None, highlight=False,
                      markup=False, emoji=False, soft_wrap=True)
    return console.print
