"""The model benches run end to end against the scripted server over litellm's real
HTTP path: ``bench.evaluate --llm`` on the first sentence of one dev set (a smoke
test: the figures are the scorer's, the model a stand-in that fixes one thing)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from llm_server import ModelServer, Reply

from bench import evaluate
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
