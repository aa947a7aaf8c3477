"""The model benches run end to end over litellm's real HTTP path: ``bench.evaluate
--llm`` against the scripted server on the first sentence of one dev set (a smoke test:
the figures are the scorer's, the model a stand-in that fixes one thing), and
``bench.llm_cost`` against its own stand-in model on a short document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from llm_server import ModelServer, Reply

from bench import evaluate, llm_cost
from bench.corpus import DEFAULT_EVAL_DIR
from bench.evalsets import load_set, set_texts


def fixes_can_not(sent: str) -> str:
    """A grammar answer: the sentence sent, with "can not" written "cannot" (an edit the
    offline engines do not make)."""
    return json.dumps({"text": sent.replace("can not", "cannot")})


@pytest.mark.skipif(not (DEFAULT_EVAL_DIR / "score.py").exists(),
                    reason=f"the dev sets are not in {DEFAULT_EVAL_DIR}")
def test_evaluate_llm_scores_offline_and_with_the_model_side_by_side(
        model_server: ModelServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PROSEWISE_CACHE_DIR", str(tmp_path / "cache"))
    texts = set_texts(load_set(DEFAULT_EVAL_DIR, "jfleg-dev", 1))
    assert any("can not" in t for t in texts)
    model_server.script(*(Reply(fixes_can_not) for _ in texts))
    argv = ["--sets", "jfleg-dev", "--limit", "1", "--lite", "--out", str(tmp_path / "out"),
            "--json", str(tmp_path / "metrics.json"),
            "--llm", "openai/test", "--api-base", model_server.url]
    assert evaluate.main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(model_server.requests) == len(texts)  # one grammar question per sentence
    assert f"model: {len(texts)} calls, 0 answers from the cache, 0 failed;" \
           f" {10 * len(texts)} + {5 * len(texts)} tokens" in out[-1]
    rows = {line.split()[1]: line.split()[2:] for line in out if line.startswith("jfleg-dev")}
    assert set(rows) == {"grammar", "grammar-raw"}
    offline_flags, model_flags = int(rows["grammar-raw"][4]), int(rows["grammar-raw"][9])
    assert model_flags > offline_flags  # the model's "cannot" joined the engines' findings
    metrics = json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8"))
    assert [(m["view"], m["model"]) for m in metrics] == [
        ("grammar", None), ("grammar-raw", None),
        ("grammar", "openai/test"), ("grammar-raw", "openai/test")]

    assert evaluate.main(argv) == 0  # again: every answer from the result cache
    assert len(model_server.requests) == len(texts)
    assert f"model: 0 calls, {len(texts)} answers from the cache" in capsys.readouterr().out


DOC = """# Release notes

The sync server now keeps a week of history. In order to restore a file, run the
restore command with its name and the date you want.

Clients that are offline catch up when the network comes back, and nothing is lost.

- Faster start on large folders.
"""


def test_llm_cost_counts_every_agent_s_prompts_and_an_edit_costs_only_its_paragraph(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "notes.md"
    doc.write_text(DOC, encoding="utf-8")
    assert llm_cost.main(["--doc", str(doc)]) == 0
    lines = capsys.readouterr().out.splitlines()
    table = {line.split()[0]: [int(n) for n in line.split()[1:]] for line in lines[2:7]}
    assert list(table) == ["grammar", "clarity", "tone", "style", "all"]
    assert table["grammar"][0] == 4  # heading, two paragraphs, the list item
    assert table["tone"][0] == 3  # the paragraphs and the list item: not the heading
    assert table["clarity"][0] == 1  # the paragraph with "In order to"
    assert all(calls and tokens for calls, tokens, _ in table.values())
    assert table["grammar"][1] > llm_cost._litellm().token_counter(text=DOC)  # the text goes
    assert table["all"][1] == sum(table[a][1] for a in ("grammar", "clarity", "tone", "style"))
    assert lines[-1] == "after editing 1 of 4 paragraphs: 3 calls, 0 for unchanged paragraphs"
