"""Fuzz: random project files, house rules and client settings. Hypothesis writes a
``.prosewise.toml`` and house rule files (patterns invalid or catastrophic, messages
with unknown placeholders, values of the wrong type, files that are not TOML) into a
folder of the workspace and sends a random didChangeConfiguration; the real server
must then still check a document there and explain a finding on hover. Last,
``prosewise review`` reads every folder at once: one line per problem, no traceback.

The settings never switch the grammar agent or its spelling rule off and never add
"recieve" to the dictionary, so that misspelling must be flagged whatever else they
say. One server (``--lite``: settings do not depend on the engines) for all examples.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from fuzzing import examples
from hostile import SLOW_PATTERN
from hypothesis import example, given, settings
from hypothesis import strategies as st
from raw import RawServer

pytestmark = pytest.mark.slow

EXAMPLES = 25
CLI_TIMEOUT = 300
DOC = "We recieve teh letters. The end result is here.\n\n" + "a" * 40 + "b\n"
"""A misspelling at (0, 3) that must always be flagged, and a line that makes a
backtracking pattern run away."""
MISSPELLED = "recieve"

junk = st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63),
                 st.floats(allow_nan=True), st.text(max_size=8))
"""Values of the wrong type (TOML has no null: None is written as a string)."""


def usually(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``valid`` seven times in eight, else a value of the wrong type: one bad value makes
    a whole project file fall back to the defaults, so most must be good for the house
    rules behind them to be read at all."""
    return st.sampled_from([True] * 7 + [False]).flatmap(lambda ok: valid if ok else junk)


PATTERNS = [SLOW_PATTERN, "(a+)+$", "(", ")", "[", "\\", "*", "a{2,1}", "(?<", "(?P<x>",
            "a{1000000}", "(?:a{1000}){1000}", "", ".", "^", "$", r"\bteh\b", "(?x) end\\ result",
            "(?i)(?=x)", "\\p{L}+", "(?s).*", "x**", "(?#", "[[:alpha:]]"]
"""Valid, invalid, catastrophic, empty-matching and costly-to-compile patterns."""
pattern = st.one_of(st.sampled_from(PATTERNS),
                    st.text(alphabet="()[]{}+*?|^$\\.ab12,:<>=!#-Pxw ", max_size=14))
MESSAGES = ["Use {foo}", "{match}", "{replacement}", "{", "}", "{0}", "{match!r}",
            "{match.__class__}", "{match:>99999999}", "{{match}}", "%s", "Write “{replacement}”."]
"""Messages with unknown, positional, conversion, attribute and format-spec fields."""
message = usually(st.one_of(st.sampled_from(MESSAGES), st.text(max_size=12)))
rule_id = usually(st.sampled_from(["style.house-x", "tone.house-y", "clarity.house-z",
                                   "style.house-x", "grammar.house", "style", "nodot", ""]))
category = usually(st.sampled_from(["style", "redundancy", "nope", "spelling"]))
phrases = st.lists(st.one_of(st.sampled_from(["end result", "teh", "a", "letters"]),
                             st.text(max_size=6)), max_size=3)
look = st.one_of(
    st.fixed_dictionaries({"pattern": usually(pattern)}),
    st.fixed_dictionaries({"match": usually(phrases)},
                          optional={"replace": usually(st.lists(st.text(max_size=4)))}),
    st.fixed_dictionaries({"swap": usually(
        st.dictionaries(st.text(max_size=6), st.text(max_size=4), max_size=3))}),
)
house_rule = st.builds(
    lambda base, looked, extra: {**base, **looked, **extra},
    st.fixed_dictionaries({"id": rule_id, "category": category, "message": message}),
    look,
    st.fixed_dictionaries({}, optional={
        "severity": usually(st.sampled_from(["error", "hint", "loud"])),
        "confidence": usually(st.sampled_from([0.0, 1.0, -1.0, 2.0])),
        "when": usually(st.fixed_dictionaries({"domain": st.just(["business"])})),
        "examples": usually(st.just([{"bad": "x", "fixed": "y"}]))}),
)
SWITCHABLE = ["style", "tone", "clarity", "style.redundancy", "tone.hedging", "style.house-x"]
"""Rules and agents the settings may switch: never grammar (see the module)."""
goals = st.fixed_dictionaries({}, optional={
    key: usually(st.sampled_from(choices)) for key, choices in {
        "dialect": ["en-US", "en-GB", "en-XX"], "audience": ["general", "expert"],
        "formality": ["formal", "informal"], "domain": ["business", "technical"],
        "intent": ["convince", "tell-a-story"]}.items()})
words = st.lists(st.text(max_size=10).filter(lambda w: MISSPELLED not in w), max_size=3)


def project(rule_files: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """A project file's keys (snake_case, as in ``.prosewise.toml``)."""
    names = st.lists(st.one_of(st.sampled_from(rule_files or ["none.toml"]), st.sampled_from(
        ["missing.toml", "/etc/passwd", "../outside.toml", ".", "/dev/zero", "~/x.toml"])),
        max_size=4)
    return st.fixed_dictionaries({"house_rules": usually(names)}, optional={
        "profile": usually(st.sampled_from(["strict", "picky", "loud"])),
        "words": usually(words), "goals": usually(goals),
        "agents": st.dictionaries(st.sampled_from(["style", "tone", "clarity"]),
                                  usually(st.booleans()), max_size=2),
        "rules": st.dictionaries(st.sampled_from(SWITCHABLE), usually(st.booleans()),
                                 max_size=2),
        "languages": st.dictionaries(  # every format reads DOC's misspelling
            st.sampled_from([".md", ".MD", "markdown", "md", ".svx", "a b", "", "."]),
            usually(st.sampled_from(["latex", "html", "plaintext", "restructuredtext",
                                     "markdwn"])), max_size=2),
    })


def client_settings(rule_files: list[str]) -> st.SearchStrategy[object]:
    """A didChangeConfiguration ``settings``: mostly a ``prosewise`` section in camelCase
    (rule files by absolute path, as an editor names them), sometimes anything."""
    section = project(rule_files).map(lambda keys: {
        {"house_rules": "houseRules"}.get(k, k): v for k, v in keys.items()})
    extra = st.fixed_dictionaries({}, optional={"unknownKey": junk,
        "debounceMs": st.one_of(st.sampled_from([-1, 0, 2**70, 1e308]), junk),
        "partialResults": junk, "lite": junk, "server": junk})
    shaped = st.builds(lambda a, b: {"prosewise": {**a, **b}}, section, extra)
    return usually(shaped).flatmap(lambda p: st.one_of(st.just(p), st.just({"prosewise": [1]}))
                                   if p is None else st.just(p))


def toml_value(value: object) -> str:
    """``value`` written as TOML (``None`` has no TOML form: written as a string)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(str(value), repr(value))
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{toml_value(str(k))} = {toml_value(v)}"
                                for k, v in value.items()) + " }"
    return json.dumps(str(value), ensure_ascii=False)


def toml_document(keys: dict[str, Any], rules: list[dict[str, Any]] | None = None) -> str:
    """Top-level keys, then one ``[[rule]]`` table per rule."""
    lines = [f"{toml_value(k)} = {toml_value(v)}" for k, v in keys.items()]
    for item in rules or []:
        lines += ["", "[[rule]]", *(f"{toml_value(k)} = {toml_value(v)}"
                                    for k, v in item.items())]
    return "\n".join(lines) + "\n"


UNKNOWN_FIELD = re.compile(r"names (\{.*?\}), which is unknown; it may use only (.*)$")


def contradictions(lines: list[str]) -> list[str]:
    """Lines that call a field unknown and then allow it: "{match!r}" was reported as
    "names {match}, which is unknown; it may use only {match}, {replacement}"."""
    return [line for line in lines if (found := UNKNOWN_FIELD.search(line))
            and found[1] in found[2].split(", ")]


@dataclass
class Workspace:
    """Folders written so far, the server and what it answered."""

    root: Path
    server: RawServer
    ids: count[int] = field(default_factory=count)

    def folder(self) -> Path:
        folder = self.root / f"case-{next(self.ids)}"
        folder.mkdir()
        return folder

    def check(self, folder: Path, payload: object) -> None:
        """Send the settings, open the document in ``folder``: it must be checked and
        the misspelling flagged and explained."""
        self.server.notify("workspace/didChangeConfiguration", {"settings": payload})
        uri = self.server.open(f"{folder.name}/doc.md", DOC)
        n = next(self.ids)
        pulled = self.server.request(f"pull-{n}", "textDocument/diagnostic",
                                     {"textDocument": {"uri": uri}})
        items = pulled["result"]["items"]
        after = len(self.server.seen)
        while not any(d["data"]["text"] == MISSPELLED for d in items):
            # settings that switch the dialect load harper anew: the pull answers without
            # it meanwhile, and the wave with it is pushed (this client declares no pull)
            pushed = self.server.published(uri, 1, after)
            after = self.server.seen.index(pushed) + 1
            items = pushed["params"]["diagnostics"]
        hover = self.server.request(f"hover-{n}", "textDocument/hover", {
            "textDocument": {"uri": uri}, "position": {"line": 0, "character": 4}})
        assert hover["result"] is not None and MISSPELLED in hover["result"]["contents"]["value"]
        self.server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, dict[str, str], object]:
    """A project file, house rule files (name → text) and client settings."""
    names = [f"rules-{i}.toml" for i in range(draw(st.integers(1, 3)))]
    files = {name: draw(usually(
        st.lists(house_rule, min_size=1, max_size=3).map(lambda rules: toml_document({}, rules))
    ).map(str)) for name in names}
    keys = draw(project(names))
    text = draw(usually(st.just(toml_document(keys))).map(str))
    return text, files, draw(client_settings(names))


def test_random_settings_and_house_rules_never_stop_checking(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    with RawServer(root, flags=("--lite",)) as server:
        server.initialize()
        workspace = Workspace(root, server)

        @settings(max_examples=examples(EXAMPLES))
        @given(cases())
        @example(('house_rules = ["quoted.toml"]\n', {"quoted.toml": toml_document({}, [
            {"id": "style.house-x", "category": "style", "message": "{match!r}",
             "match": ["end result"]}])}, None))
        def configure(case: tuple[str, dict[str, str], object]) -> None:
            project_file, files, payload = case
            folder = workspace.folder()
            for name, text in files.items():
                (folder / name).write_text(text, encoding="utf-8")
            (folder / ".prosewise.toml").write_text(project_file, encoding="utf-8")
            (folder / "doc.md").write_text(DOC, encoding="utf-8")
            if isinstance(payload, dict) and isinstance(payload.get("prosewise"), dict):
                section = payload["prosewise"]  # rule files by absolute path, from the editor
                if isinstance(section.get("houseRules"), list):
                    section["houseRules"] = [str(folder / str(n)) for n in section["houseRules"]]
            workspace.check(folder, payload)

        configure()
        assert server.process.poll() is None
        said = [m["params"]["message"] for m in server.seen
                if m.get("method") == "window/showMessage"]
        assert not contradictions(said)
    cli = [sys.executable, "-m", "prosewise.server", "review", "--lite", "--format", "json",
           str(root)]
    done = subprocess.run(cli, capture_output=True, cwd=root, timeout=CLI_TIMEOUT, check=False)
    err = done.stderr.decode()
    assert done.returncode in (0, 1), err
    assert "Traceback" not in err and "Error:" not in err, err
    assert all(line.startswith("prosewise: ") for line in err.splitlines()), err
    assert not contradictions(err.splitlines())
    reviewed = json.loads(done.stdout)["files"]
    assert len(reviewed) == len(list(root.glob("case-*"))) >= examples(EXAMPLES)
    for report in reviewed:
        assert MISSPELLED in {s["text"] for s in report["suggestions"]}, report["path"]
