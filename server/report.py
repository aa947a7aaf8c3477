"""What a batch review prints: human lines, the versioned JSON document, the summary.

Everything here is a pure function of the reviews, so the formats are tested
without a terminal. Positions for people are 1-based lines and columns counted in
code points (what editors show for text without wide characters); tools get the
0-based code point offsets as well. Lines end at ``\\n``, ``\\r\\n`` or ``\\r``,
as in LSP (server/lineindex.py, the index the language server uses too).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text

from prosewise.agents.model import AgentName, Finding, Severity, ToneSummary
from prosewise.server.lineindex import CODE_POINTS, LineIndex

SCHEMA_ID = "prosewise.review/1"
_STYLES = {
    Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "blue",
    Severity.HINT: "dim",
}
MAX_SHOWN_REPLACEMENTS = 3
MAX_SHOWN_TRAITS = 3
MIN_TRAIT_SCORE = 0.1
"""Weaker traits are noise in a one-line summary (JSON still has them all)."""


def position(index: LineIndex, offset: int) -> tuple[int, int]:
    """1-based line and column of the character at ``offset`` (or just past the end)."""
    line, column = index.line_column(offset)
    return line + 1, column + 1


@dataclass(frozen=True)
class FileReport:
    """One file's outcome: its suggestions in document order, tone, errors, decision log."""

    path: str
    suggestions: tuple[Finding, ...] = ()
    text: str = ""
    tone: ToneSummary | None = None
    errors: tuple[str, ...] = ()
    decisions: tuple[str, ...] = ()
    skipped: bool = False
    """True when the file could not be read and was not checked (see ``errors``)."""

    def worst(self) -> Severity | None:
        """The most severe suggestion shown, for ``--fail-on``."""
        return max((f.severity for f in self.suggestions), key=lambda s: s.rank, default=None)


def shown_text(f: Finding, limit: int = MAX_SHOWN_REPLACEMENTS) -> list[str]:
    """What each of the first replacements turns the quoted text into."""
    return [r.apply(f.text) for r in f.replacements[:limit]]


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- JSON -----------------------------------------------------------------------------------


def suggestion_json(f: Finding, index: LineIndex) -> dict[str, Any]:
    """One suggestion as the schema describes it (server/data/review-schema.json)."""
    line, column = position(index, f.start)
    end_line, end_column = position(index, f.end)
    return {
        "rule": f.rule, "agent": f.agent.value, "category": f.category.value,
        "severity": f.severity.value, "message": f.message, "text": f.text,
        "replacements": [{"kind": r.kind.value, "value": r.value, "result": r.apply(f.text)}
                         for r in f.replacements],
        "line": line, "column": column, "end_line": end_line, "end_column": end_column,
        "start": f.start, "end": f.end, "confidence": round(f.confidence, 4),
        "sources": list(f.sources), "explanation": f.explanation,
    }


def tone_json(tone: ToneSummary | None) -> dict[str, Any] | None:
    """The document tone summary, or None when the document was too short to judge."""
    if tone is None:
        return None
    return {"headline": tone.headline, "traits": [
        {"name": t.name, "score": round(t.score, 4), "evidence": list(t.evidence)}
        for t in tone.traits
    ]}


def file_json(report: FileReport, *, explain: bool) -> dict[str, Any]:
    """One entry of ``files``; ``decisions`` only with ``--explain``."""
    index = LineIndex(report.text, CODE_POINTS)
    out: dict[str, Any] = {
        "path": report.path,
        "suggestions": [suggestion_json(f, index) for f in report.suggestions],
        "tone": tone_json(report.tone),
        "errors": list(report.errors),
    }
    if explain:
        out["decisions"] = list(report.decisions)
    return out


def review_json(reports: Sequence[FileReport], *, explain: bool = False) -> dict[str, Any]:
    """The whole ``--format json`` document."""
    return {
        "schema": SCHEMA_ID,
        "files": [file_json(r, explain=explain) for r in reports],
        "summary": summary_counts(reports),
    }


# --- Summary --------------------------------------------------------------------------------


def summary_counts(reports: Sequence[FileReport]) -> dict[str, Any]:
    """Totals for the summary line and the JSON ``summary`` object."""
    by_agent = Counter(f.agent.value for r in reports for f in r.suggestions)
    by_severity = Counter(f.severity.value for r in reports for f in r.suggestions)
    return {
        "suggestions": sum(by_agent.values()),
        "files_with_suggestions": sum(1 for r in reports if r.suggestions),
        "files_checked": sum(1 for r in reports if not r.skipped),
        "files_skipped": sum(1 for r in reports if r.skipped),
        "by_agent": {a.value: by_agent.get(a.value, 0) for a in AgentName},
        "by_severity": {s.value: by_severity.get(s.value, 0) for s in Severity},
    }


def summary_line(reports: Sequence[FileReport]) -> str:
    """E.g. ``7 suggestions in 2 files (3 checked, 1 skipped): grammar 3, clarity 2, ...``."""
    c = summary_counts(reports)
    noun = "suggestion" if c["suggestions"] == 1 else "suggestions"
    files = "file" if c["files_with_suggestions"] == 1 else "files"
    skipped = f", {c['files_skipped']} skipped" if c["files_skipped"] else ""
    agents = ", ".join(f"{a} {n}" for a, n in c["by_agent"].items())
    return (f"{c['suggestions']} {noun} in {c['files_with_suggestions']} {files} "
            f"({c['files_checked']} checked{skipped}): {agents}")


# --- Human ----------------------------------------------------------------------------------


def suggestion_line(path: str, f: Finding, index: LineIndex) -> Text:
    """``path:line:col rule message → replacement``, styled by severity."""
    line, column = position(index, f.start)
    out = Text()
    out.append(f"{path}:{line}:{column}", style="bold")
    out.append(" ")
    out.append(f.rule, style=_STYLES[f.severity])
    out.append(" ")
    out.append(_one_line(f.message))
    fixes = [_one_line(s) or "(delete)" for s in shown_text(f)]
    if fixes:
        out.append(" → ")
        out.append(" | ".join(fixes), style="green")
    return out


def tone_line(path: str, tone: ToneSummary) -> Text:
    """``path: tone: confident, formal (confident 0.82: “will”, “must”; ...)``."""
    out = Text(f"{path}:", style="bold")
    out.append(" tone: ", style="dim")
    out.append(tone.headline, style="magenta")
    strongest = sorted((t for t in tone.traits if t.score >= MIN_TRAIT_SCORE),
                       key=lambda t: -t.score)[:MAX_SHOWN_TRAITS]
    traits = "; ".join(_trait(t.name, t.score, t.evidence) for t in strongest)
    if traits:
        out.append(f" ({traits})", style="dim")
    return out


def _trait(name: str, score: float, evidence: Sequence[str]) -> str:
    quoted = ", ".join(f"“{_one_line(e)}”" for e in evidence[:3])
    return f"{name} {score:.2f}" + (f": {quoted}" if quoted else "")


def human_lines(report: FileReport, *, explain: bool) -> list[Text]:
    """Everything printed to stdout for one file, suggestions in document order."""
    index = LineIndex(report.text, CODE_POINTS)
    lines = [suggestion_line(report.path, f, index) for f in report.suggestions]
    if report.tone is not None:
        lines.append(tone_line(report.path, report.tone))
    if explain and report.decisions:
        lines.append(Text(f"{report.path}: decisions", style="bold"))
        lines.extend(Text(f"  {d}", style="dim") for d in report.decisions)
    return lines
