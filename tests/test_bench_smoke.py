"""The bench scripts import and run end to end on a few bundled sentences.

Why: the benchmarks are run rarely and by hand; this catches a contract change
(pipeline, findings, flags) before the evening's figures depend on them. No eval
data is read here.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from bench import (
    calibrate,
    corpus,
    evalsets,
    evaluate,
    fit_agreement,
    lsp_latency,
    lsp_model,
    pathological,
    pull_latency,
    select_keys,
    throughput,
)
from bench.evalsets import Flag, Record
from prosewise.agents.model import AgentName, Category, Finding, Replacement, Severity
from prosewise.agents.settings import Dialect, Profile, Settings
from prosewise.merge.agreement import Agreement, Count
from prosewise.merge.model import Layout
from prosewise.server.pipeline import Pipeline

SENTENCES = [
    "😀 Their going to the libary tomorow to return a book.",
    "She dont know what she want.",
    "The results were analysed carefully by the team.",
    "This is a perfectly fine sentence.",
    "In order to succeed, we must basically try very hard.",
]


def finding(start: int, end: int, source: str, agent: AgentName = AgentName.GRAMMAR) -> Finding:
    text = "x" * 40
    return Finding(agent=agent, rule=f"{agent.value}.r", category=Category.GRAMMAR, start=start,
                   end=end, text=text[start:end], message="m", sources=(source,))


def test_corpus_builds_markdown_documents() -> None:
    docs = corpus.build_corpus(SENTENCES, words=120, seed=1, doc_words=40)
    assert sum(corpus.count_words(d) for d in docs) >= 120
    assert all(d.startswith("# ") and "\n## " in d for d in docs)


def test_throughput_runs_every_side(capsys: pytest.CaptureFixture[str]) -> None:
    docs = corpus.build_corpus(SENTENCES, words=80, seed=2, doc_words=40)
    warmup = throughput.warmup_docs()[:1]
    with throughput.written(docs) as texts, throughput.written(warmup) as warm:
        one = throughput.one_round(texts, warm.files)
        lines = throughput.cli_review(throughput.Pipeline(), texts.files)
    timings = [getattr(one, name) for name in throughput.Round.__dataclass_fields__]
    assert {t.words for t in timings} == {texts.words} and min(t.rate for t in timings) > 0
    assert any("tomorow" in line for line in lines)
    throughput.print_round(1, one)
    print(throughput.spread([one, one]))
    out = capsys.readouterr().out
    assert "review / lingotweaker alone" in out and "ours (replay)" in out


def test_memory_and_soak_run_on_a_real_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = lsp_latency.parse(["--sizes", "--skip", "cold", "--docs", "2", "--doc-words", "60",
                              "--soak", "0.05", "--soak-every", "1", "--option", "lite=true"])
    asyncio.run(lsp_latency.memory(tmp_path, SENTENCES, args))
    out = capsys.readouterr().out
    server, engines, added = (int(n) for n in re.findall(r"(-?\d+) MB", out.splitlines()[0])[:3])
    assert server > engines > 100 and abs(added - (server - engines)) <= 1  # each rounded
    soaked = out.splitlines()[-1]
    assert soaked.startswith("soak: ") and " 0 edits" not in soaked


def test_flags_keep_code_point_offsets(pipeline: Pipeline) -> None:
    settings = Settings(profile=Profile.PICKY)
    checked = evalsets.run_texts(evalsets.check, SENTENCES[:2], settings, pipeline=pipeline)
    first = checked[SENTENCES[0]]
    flags = [evalsets.to_flag(f) for f in first.raw]
    assert any(SENTENCES[0][f["start"]:f["end"]] == "tomorow" for f in flags)
    assert all(SENTENCES[0][f.start:f.end] == f.text for f in first.raw + first.shown)


def test_agreement_groups_need_two_engines() -> None:
    a, b = finding(0, 5, "harper:SpellCheck"), finding(2, 6, "lingotweaker:MORFOLOGIK")
    lone = finding(10, 12, "harper:AnA")
    same = finding(10, 11, "harper:Other")
    groups = calibrate.agreement_groups([lone, b, a, same])
    assert groups == [[a, b]]
    assert calibrate.shared_span(groups[0]) == (2, 5)


def test_whole_sentence_flags_are_recognised() -> None:
    text = "word " * 8
    long = Finding(agent=AgentName.CLARITY, rule="clarity.long-sentence",
                   category=Category.READABILITY, start=0, end=39, text=text[:39], message="m")
    assert evalsets.is_whole_sentence(long, text)
    assert not evalsets.is_whole_sentence(finding(0, 4, "harper:SpellCheck"), text)


def test_saved_checks_are_reused_and_views_apply(tmp_path: Path) -> None:
    settings = Settings(profile=Profile.BALANCED)
    saved = tmp_path / "checked.pickle"
    first = evalsets.check_texts(SENTENCES[1:3], settings, concurrency=2, saved=saved)
    again = evalsets.check_texts(SENTENCES[1:3], settings, concurrency=2, saved=saved)
    assert saved.exists() and again == first
    grammar = evaluate.VIEWS["grammar-raw"](first[SENTENCES[1]])
    assert grammar and all(f.agent is AgentName.GRAMMAR for f in grammar)
    # ranked again as the pipeline ranked them; another profile shows another set
    assert evalsets.rerank(first, settings) == first
    picky = evalsets.rerank(first, Settings(profile=Profile.PICKY))
    assert all(picky[t].raw == first[t].raw for t in first)
    assert sum(map(len, (c.shown for c in picky.values()))) > sum(
        map(len, (c.shown for c in first.values())))


def test_lingotweaker_slow_rule_stays_off(pipeline: Pipeline) -> None:
    """NUMBERS_IN_WORDS costs seconds per word like "w3schools" (found by bench.throughput)."""
    hits = pipeline.engines.lingo.hits("I read w3schools today.", Dialect.EN_US, ())
    assert "NUMBERS_IN_WORDS" not in {h.rule for h in hits}


def test_by_source_lists_the_noisiest_sources_first(capsys: pytest.CaptureFixture[str]) -> None:
    merged = finding(0, 4, "harper:AnA")
    merged = replace(merged, sources=("lingotweaker:EN_A_VS_AN", "harper:AnA"))
    assert evaluate.by_source(merged)["category"] == "harper:AnA+lingotweaker:EN_A_VS_AN"
    rows = [
        evaluate.Row("jfleg-dev", "shown", {"categories_source": {
            "a": {"tp": 9, "flags": 10}, "b": {"tp": 1, "flags": 1}}}),
        evaluate.Row("cweb-g-dev", "shown", {"categories_refs": {"a": 3, "b": 7, "c": 2}}),
    ]
    evaluate.print_sources(rows, top=2)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[2:]] == ["b", "c"]  # 7 - 1, then 2 - 0
    assert lines[2].split()[1:] == ["1", "/", "1", "7"]


@pytest.mark.slow
def test_pathological_bench_measures_every_kind_in_a_server(
        capfd: pytest.CaptureFixture[str]) -> None:
    for kind, (make, _) in pathological.KINDS.items():
        assert len(make(3_000, random.Random(0))) >= 3_000, kind
    args = pathological.parse(["--size", "1500", "--runs", "1", "--kinds", "table", "log",
                               "--option", "lite=true"])
    results = asyncio.run(pathological.main(args))
    assert [r.kind for r in results] == ["prose", "table", "log"]
    assert all(r.first > 0 and r.hovers for r in results)
    rows = capfd.readouterr().out.splitlines()
    assert any(row.startswith("| table ") for row in rows)


def test_the_harper_floor_is_the_edited_sentence_alone() -> None:
    text = "# Title\n\nFirst one here. Second one there.\n\nLast paragraph."
    assert lsp_latency.edited_sentence(text, text.index("irst") + 1) == "Fierst one here."
    assert lsp_latency.edited_sentence(text, text.index("ond")) == "Seceond one there."
    assert lsp_latency.edited_sentence(text, text.index("ast")) == "Least paragraph."
    assert lsp_latency.edited_sentence(text, 3) == "# Teitle"


@pytest.mark.slow
def test_model_latency_bench_compares_two_servers_and_sees_the_model(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = lsp_latency.parse(["--sizes", "60", "--edits", "3", "--harper-runs", "0",
                              "--model-delay", "0.2", "--model-idle-ms", "0", "--model-wait", "20",
                              "--model-rounds", "2",
                              "--option", "lite=true"])
    asyncio.run(lsp_model.compare(tmp_path, SENTENCES, args))
    out = capsys.readouterr().out
    rows = [line.split("|")[1].strip() for line in out.splitlines() if line.startswith("| ")]
    assert rows[-4:] == ["no model", "model 0.2 s", "model 0.2 s", "no model"]  # A B B A
    assert re.search(r"^\d+ words: first publish p50 with / without the model [\d.]+ /"
                     r" [\d.]+ ms = [\d.]+ \((meets|misses) ≤ 1\.10\)", out, re.MULTILINE)
    received, answered = map(int, re.findall(r"model requests: (\d+) received, (\d+) answered",
                                             out)[0])
    assert received >= answered > 0
    assert out.count("model findings: ") == 2 and "none within the wait" not in out


def test_keys_are_kept_only_when_moving_them_costs_nothing() -> None:
    """bench.select_keys with the real ranking and a plain scorer: every source flag is
    right, every reference flag a false alarm. Rules and engine rules the packaged
    calibration does not know keep their confidence."""
    def mk(start: int, conf: float, *sources: str) -> Finding:
        return Finding(agent=AgentName.GRAMMAR, rule="grammar.t", category=Category.GRAMMAR,
                       start=start, end=start + 2, text="ab", message="m",
                       severity=Severity.ERROR, replacements=(Replacement(value="x"),),
                       confidence=conf, sources=sources)

    up, down, bad = "harper:T1+lingotweaker:T2", "harper:T3", "lingotweaker:T4"
    found = {"s1 learner": [mk(0, 0.2, *up.split("+")), mk(3, 0.7, bad)],
             "r1 learner": [], "s2 native": [], "r2 native": [mk(0, 0.8, down)]}
    table = Agreement(weight=0.0, counts={
        f"alone {bad}": Count(tp=10, n=100, expected=60.0),   # hides a right flag
        f"agreed {up}": Count(tp=90, n=100, expected=50.0),   # shows a right flag
        f"alone {down}": Count(tp=10, n=100, expected=60.0)})  # hides a false alarm
    sets = {"jfleg-dev": [{"id": "j:1", "source": "s1 learner", "references": ["r1 learner"]}],
            "gmeg-wiki-dev": [{"id": "w:1", "source": "s2 native", "references": ["r2 native"]}]}
    layouts = {t: Layout() for t in found}
    base = fit_agreement.shown(sets, found, layouts, Agreement())

    def score_set(name: str, recs: Sequence[Record], flags: dict[str, list[Flag]]) -> dict:
        src = [flags[r["id"]] for r in recs]
        refs = [fl for i, fl in flags.items() if "#" in i and i.split("#")[0] in
                {r["id"] for r in recs}]
        return {"tp_flags": sum(map(len, src)), "fp_flags": 0, "edits": 2 * len(recs),
                "detected_edits": sum(len(fl) for fl in src), "ref_flags": sum(map(len, refs)),
                "ref_words": 10 * len(refs)}

    totals = {n: Counter(score_set(n, recs, base[n])) for n, recs in sets.items()}
    kept = select_keys.no_regret(table, sets, found, base, totals, lambda i: True,
                                 fit_agreement.flagger(found, layouts), score_set)
    assert kept == (f"agreed {up}", f"alone {down}")


def test_pull_bench_types_on_a_push_and_a_pull_server(capsys: pytest.CaptureFixture[str]) -> None:
    args = pull_latency.parse(["--words", "80", "--edits", "3", "--interval-ms", "0",
                               "--option", "lite=true"])
    asyncio.run(pull_latency.main(args, SENTENCES))
    rows = [line.split("|") for line in capsys.readouterr().out.splitlines()
            if line.startswith("| pu")]
    assert [r[1].strip() for r in rows] == ["push", "pull"]
    assert all(float(r[2]) > 0 for r in rows)  # p50 of both, in ms
