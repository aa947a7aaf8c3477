"""The ``prosewise`` command end to end: real processes, real pipeline, files on disk.

Each run starts the real CLI (``python -m prosewise.server``), so these tests cover
argument parsing, input handling, output formats and exit codes together. The pure
parts are tested in-process in test_report.py and test_inputs.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from schema_check import ANNOTATIONS, KEYWORDS, SCHEMA, schema_keywords, violations
from terminal import run_on_terminal

ROOT = Path(__file__).resolve().parent.parent
EMOJI_TEXT = "First line 🎉 is fine.\r\nThen 😀 and 𝒳 come before a eror here.\n"
BAD_TEXT = "We will recieve the package tomorrow.\n"
GOOD_TEXT = "The garden is quiet in the morning.\n"
HUMAN_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+) (?P<rule>\w+\.\S+) \S")


@dataclass(frozen=True)
class Run:
    """One finished ``prosewise`` process."""

    code: int
    out: str
    err: str

    def json(self) -> dict[str, Any]:
        doc: dict[str, Any] = json.loads(self.out)
        return doc


def prosewise(*args: str, cwd: Path, stdin: bytes = b"", timeout: float = 300) -> Run:
    """Run the CLI as users do, with a pipe (not a terminal) for stdout and stderr."""
    env = {k: v for k, v in os.environ.items() if k not in {"FORCE_COLOR", "NO_COLOR"}}
    done = subprocess.run(
        [sys.executable, "-m", "prosewise.server", *args], input=stdin, capture_output=True,
        cwd=cwd, env=env, timeout=timeout, check=False,
    )
    return Run(done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8"))


# --- One run over a tree of good and bad inputs --------------------------------------------


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with prose, traps for the folder walk, and inputs that must be skipped."""
    root = tmp_path_factory.mktemp("project")
    files: dict[str, bytes] = {
        "docs/bad.md": BAD_TEXT.encode(),
        "docs/good.md": GOOD_TEXT.encode(),
        "docs/emoji.txt": EMOJI_TEXT.encode(),
        "docs/sub/bom.markdown": "\ufeff".encode() + BAD_TEXT.encode(),
        "docs/binary.txt": b"PK\x03\x04\x00\x00binary",
        "docs/latin1.md": "Caf\xe9 au lait.\n".encode("latin-1"),
        "docs/huge.md": (GOOD_TEXT * 100).encode(),
        "docs/notes.rst": BAD_TEXT.encode(),
        "docs/.hidden/secret.md": BAD_TEXT.encode(),
        "docs/node_modules/pkg/readme.md": BAD_TEXT.encode(),
        "empty/image.png": b"\x89PNG",
    }
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and modification time of every file under ``root``."""
    return {str(p): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def folder_run(tree: Path) -> tuple[Run, dict[str, tuple[bytes, int]]]:
    """``review docs missing.md empty --format json`` and the tree's state before it."""
    before = snapshot(tree)
    run = prosewise("review", "docs", "missing.md", "empty", "--format", "json",
                    "--max-bytes", "2K", cwd=tree)
    return run, before


@pytest.mark.slow
def test_json_output_validates_against_the_schema(folder_run: tuple[Run, Any]) -> None:
    run, _ = folder_run
    doc = run.json()
    assert violations(doc, SCHEMA) == []
    assert doc["schema"] == "prosewise.review/1"


def test_the_checker_understands_every_keyword_the_schema_uses() -> None:
    assert schema_keywords(SCHEMA) <= KEYWORDS | ANNOTATIONS


@pytest.mark.slow
def test_the_checker_rejects_broken_documents(folder_run: tuple[Run, Any]) -> None:
    def first(doc: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = doc["files"][0]["suggestions"][0]
        return found

    breakages: list[Callable[[dict[str, Any]], object]] = [
        lambda d: d.pop("summary"),
        lambda d: d.update(extra=1),
        lambda d: d.update(schema="prosewise.review/2"),
        lambda d: first(d).update(line=0),
        lambda d: first(d).update(start="0"),
        lambda d: first(d).update(agent="spelling"),
        lambda d: first(d)["replacements"].append({"kind": "swap", "value": "", "result": ""}),
        lambda d: d["files"][0].update(tone={"headline": 1, "traits": []}),
    ]
    for breakage in breakages:
        doc = folder_run[0].json()
        breakage(doc)
        assert violations(doc, SCHEMA), "a broken document passed"


@pytest.mark.slow
def test_folders_pick_prose_files_and_skip_hidden_and_vendored(folder_run: tuple[Run, Any]) -> None:
    paths = [f["path"] for f in folder_run[0].json()["files"]]
    assert paths == [
        "docs/bad.md", "docs/binary.txt", "docs/emoji.txt", "docs/good.md", "docs/huge.md",
        "docs/latin1.md", "docs/sub/bom.markdown", "missing.md", "empty",
    ]


@pytest.mark.slow
def test_bad_inputs_get_one_line_each_and_the_run_goes_on(folder_run: tuple[Run, Any]) -> None:
    run, _ = folder_run
    errors = {f["path"]: f["errors"] for f in run.json()["files"]}
    assert errors["docs/binary.txt"] == ["skipped: binary file"]
    assert errors["docs/latin1.md"][0].startswith("skipped: not valid UTF-8")
    assert errors["docs/huge.md"] == ["skipped: larger than 2048 bytes"]
    assert errors["missing.md"] == ["skipped: no such file"]
    assert errors["empty"][0].startswith("skipped: no prose files")
    for path in ["docs/binary.txt", "docs/latin1.md", "docs/huge.md", "missing.md", "empty"]:
        assert f"prosewise: {path}: skipped: " in run.err
    assert run.code == 1, "bad.md has a spelling error: the default --fail-on error trips"


@pytest.mark.slow
def test_nothing_is_written_to_any_input(folder_run: tuple[Run, Any], tree: Path) -> None:
    _, before = folder_run
    assert snapshot(tree) == before


@pytest.mark.slow
def test_offsets_and_positions_match_the_file_text(folder_run: tuple[Run, Any], tree: Path) -> None:
    files = {f["path"]: f for f in folder_run[0].json()["files"]}
    for path in ["docs/bad.md", "docs/emoji.txt", "docs/sub/bom.markdown"]:
        text = (tree / path).read_bytes().decode("utf-8").removeprefix("\ufeff")
        assert files[path]["suggestions"], f"nothing found in {path}"
        for s in files[path]["suggestions"]:
            assert text[s["start"]:s["end"]] == s["text"]
            assert (s["line"], s["column"]) == expected_position(text, s["start"])
            assert (s["end_line"], s["end_column"]) == expected_position(text, s["end"])


def expected_position(text: str, offset: int) -> tuple[int, int]:
    """Line and column the slow, obvious way (for files with \\n and \\r\\n line ends)."""
    before = text[:offset].replace("\r\n", "\n")
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


@pytest.mark.slow
def test_non_bmp_text_before_a_finding_counts_one_column_per_code_point(
    folder_run: tuple[Run, Any],
) -> None:
    files = {f["path"]: f for f in folder_run[0].json()["files"]}
    eror = [s for s in files["docs/emoji.txt"]["suggestions"] if s["text"] == "eror"]
    assert eror, "the misspelling after the emoji was not reported"
    second_line = EMOJI_TEXT.split("\r\n")[1]
    assert eror[0]["line"] == 2
    assert eror[0]["column"] == second_line.index("eror") + 1
    assert eror[0]["start"] == EMOJI_TEXT.index("eror")


# --- Human output, globs, exit codes ---------------------------------------------------------


@pytest.mark.slow
def test_human_output_with_a_glob_expanded_in_process(tree: Path) -> None:
    run = prosewise("review", "docs/*.md", "--color", "never", cwd=tree)
    lines = run.out.splitlines()
    found = [m for m in map(HUMAN_LINE.match, lines) if m]
    assert "docs/bad.md" in {m["path"] for m in found}
    assert "docs/latin1.md" not in run.out, "a skipped file leaked into the results"
    assert any(m["rule"].startswith("grammar.") and (m["line"], m["col"]) == ("1", "9")
               and "→ receive" in m.string for m in found)
    assert re.match(r"\d+ suggestions? in \d files? \(3 checked, 1 skipped\): grammar \d+",
                    lines[-1])
    assert "\x1b[" not in run.out
    assert run.code == 1


@pytest.mark.slow
def test_a_recursive_glob_does_not_follow_symlink_loops(tmp_path: Path) -> None:
    """``glob``'s ``**`` followed links to parent folders and never returned."""
    (tmp_path / "loop" / "sub").mkdir(parents=True)
    (tmp_path / "loop" / "a.md").write_text(GOOD_TEXT)
    (tmp_path / "loop" / "sub" / "b.md").write_text(GOOD_TEXT)
    (tmp_path / "loop" / "sub" / "up").symlink_to("..", target_is_directory=True)
    (tmp_path / "loop" / "self").symlink_to(".", target_is_directory=True)
    run = prosewise("review", "loop/**/*.md", "--lite", cwd=tmp_path, timeout=60)
    assert run.code == 0, run.out + run.err
    assert re.match(r"0 suggestions in 0 files \(2 checked\)", run.out.splitlines()[-1]), run.out


@pytest.mark.slow
def test_clean_text_exits_0_even_with_a_broken_project_file(tmp_path: Path) -> None:
    (tmp_path / ".prosewise.toml").write_text('[goals]\ndialect = "en-XX"\n')
    (tmp_path / "good.md").write_text(GOOD_TEXT)
    run = prosewise("review", "good.md", cwd=tmp_path)
    assert run.code == 0, run.out + run.err
    assert f"prosewise: {tmp_path / '.prosewise.toml'}: invalid setting goals.dialect (" in run.err
    assert "not 'en-XX'); ignored, the other settings apply" in run.err
    assert re.match(r"\d+ suggestions? in [01] files? \(1 checked\)", run.out.splitlines()[-1])


@pytest.mark.slow
def test_fail_on_never_exits_0_despite_errors(tree: Path) -> None:
    run = prosewise("review", "docs/bad.md", "--fail-on", "never", "--format", "json", cwd=tree)
    assert run.json()["summary"]["by_severity"]["error"] >= 1
    assert run.code == 0


@pytest.mark.slow
def test_disable_explain_and_forced_colour(tree: Path) -> None:
    run = prosewise("review", "docs/bad.md", "--disable", "grammar", "--explain",
                    "--color", "always", cwd=tree)
    assert "\x1b[" in run.out
    assert "grammar." not in run.out.split("decisions")[0]
    assert run.code == 0


@pytest.mark.slow
def test_stdin_with_emoji(tmp_path: Path) -> None:
    text = "Party 🎉🎉 time.\n\nWe will recieve 𝒳 soon.\n"
    run = prosewise("review", "-", "--format", "json", cwd=tmp_path, stdin=text.encode())
    (entry,) = run.json()["files"]
    assert entry["path"] == "<stdin>"
    hit = next(s for s in entry["suggestions"] if s["text"] == "recieve")
    assert hit["start"] == text.index("recieve")
    assert (hit["line"], hit["column"]) == (3, 9)


def test_lite_runs_without_lingotweaker(tmp_path: Path) -> None:
    """"am agree" is lingotweaker's finding alone; "have" is harper's too."""
    text = b"She have a cat. I am agree with you.\n"
    quoted = {}
    for flags in ((), ("--lite",)):
        run = prosewise("review", "-", "--format", "json", "--profile", "picky", *flags,
                        cwd=tmp_path, stdin=text)
        (entry,) = run.json()["files"]
        quoted[flags] = {s["text"] for s in entry["suggestions"]}
    assert {"have", "am agree"} <= quoted[()]
    assert "have" in quoted[("--lite",)] and "am agree" not in quoted[("--lite",)]


@pytest.mark.slow
def test_nothing_readable_exits_2(tmp_path: Path) -> None:
    run = prosewise("review", "nowhere.md", cwd=tmp_path)
    assert run.code == 2
    assert run.err.strip() == "prosewise: nowhere.md: skipped: no such file"


@pytest.mark.parametrize("args", [
    ["review"],
    ["review", "x.md", "--format", "xml"],
    ["review", "x.md", "--agents", "grammar,spelling"],
    ["review", "x.md", "--max-bytes", "lots"],
    ["review", "x.md", "--profile", "relaxed"],
    ["lsp", "--tcp", "no-port"],
    ["frobnicate"],
])
def test_usage_errors_exit_2(args: list[str], tmp_path: Path) -> None:
    run = prosewise(*args, cwd=tmp_path)
    assert run.code == 2
    assert run.out == ""


def test_module_entry_point_is_the_lsp_subcommand(tmp_path: Path) -> None:
    """``python -m prosewise.server.lsp`` (how the editor tests start the server) takes
    ``prosewise lsp``'s arguments through the same parser."""
    done = subprocess.run(
        [sys.executable, "-m", "prosewise.server.lsp", "--tcp", "no-port"],
        capture_output=True, cwd=tmp_path, timeout=60, check=False)
    assert done.returncode == 2 and b"expected HOST:PORT" in done.stderr
    helped = subprocess.run([sys.executable, "-m", "prosewise.server.lsp", "--help"],
                            capture_output=True, cwd=tmp_path, timeout=60, check=False)
    assert b"prosewise lsp" in helped.stdout and b"--log-level" in helped.stdout


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_bar_on_a_terminal_keeps_stdout_clean(tree: Path) -> None:
    done = run_on_terminal(
        [sys.executable, "-m", "prosewise.server", "review", "docs/bad.md", "docs/good.md",
         "--format", "json"], cwd=tree)
    assert "reviewing" in done.terminal
    assert json.loads(done.stdout)["schema"] == "prosewise.review/1"


def lsp_frame(message: dict[str, Any]) -> bytes:
    """One JSON-RPC message with its LSP header."""
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


@pytest.mark.slow
def test_lsp_subcommand_serves_on_stdio(tmp_path: Path) -> None:
    session: list[dict[str, Any]] = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"processId": None, "rootUri": None, "capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]
    run = prosewise("lsp", "--stdio", cwd=tmp_path, stdin=b"".join(map(lsp_frame, session)))
    assert run.code == 0, run.err
    assert '"capabilities"' in run.out


@pytest.mark.slow
def test_sample_document_gets_suggestions_from_all_four_agents() -> None:
    run = prosewise("review", "examples/sample.md", "--format", "json", cwd=ROOT)
    (entry,) = run.json()["files"]
    agents = {s["agent"] for s in entry["suggestions"]}
    assert agents == {"grammar", "clarity", "tone", "style"}


@pytest.mark.slow
def test_review_reads_the_stores_the_editor_writes(tmp_path: Path) -> None:
    """``.prosewise/dictionary.txt`` and ``ignores.json`` (words, an ignored occurrence, a
    rule off in one file and in the workspace) apply in CI as in the editor; found from
    a file two folders down, run from outside the workspace. Before, review ignored them."""
    docs = tmp_path / "ws" / "docs" / "sub"
    docs.mkdir(parents=True)
    a = "We recieve the zorblax.\n\nWe recieve the the letters.\n"
    (docs / "a.md").write_text(a, encoding="utf-8")
    (docs / "b.md").write_text("They recieve a quenfrid.\n", encoding="utf-8")

    def found() -> tuple[Run, dict[str, list[str]]]:
        run = prosewise("review", "ws/docs", "--profile", "picky", "--format", "json",
                        cwd=tmp_path)
        return run, {Path(f["path"]).name: [s["text"] for s in f["suggestions"]]
                     for f in run.json()["files"]}

    before, texts = found()
    assert {"zorblax", "the the"} <= set(texts["a.md"]) and texts["a.md"].count("recieve") == 2
    assert {"recieve", "quenfrid"} <= set(texts["b.md"])
    doubled = next(s["rule"] for f in before.json()["files"] for s in f["suggestions"]
                   if s["text"] == "the the")
    first = a.index("recieve")
    context = a[max(0, first - 24):first + 7 + 24]  # as the server writes it (memory.context_of)
    store = tmp_path / "ws" / ".prosewise"
    store.mkdir()
    (store / "dictionary.txt").write_bytes(b"zorblax\nbad\xffline\n")
    (store / "ignores.json").write_text(json.dumps({
        "occurrences": {"docs/sub/a.md": [{"rule": "grammar.spelling", "text": "recieve",
                                           "context": context}]},
        "file_rules": {"docs/sub/b.md": ["grammar.spelling"]},
        "workspace_rules": [doubled],
    }), encoding="utf-8")
    after, texts = found()
    assert texts["a.md"].count("recieve") == 1 and not {"zorblax", "the the"} & set(texts["a.md"])
    assert not {"recieve", "quenfrid"} & set(texts["b.md"])
    said = [line for line in after.err.splitlines() if "dictionary.txt" in line]
    assert len(said) == 1 and "line 2 " in said[0], after.err
