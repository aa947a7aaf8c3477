"""A LanguageTool server as a third engine, through language-tool-python's real HTTP
code against a scripted server on 127.0.0.1 (tests/lt_server.py)."""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fake_engine import fake_hub
from llm_server import BrokenBody, Stall, Status
from lt_server import LanguageToolServer, Rule
from test_cli import prosewise

from prosewise.agents.engines.engine import EngineUnavailable
from prosewise.agents.engines.hits import HARPER, LINGO
from prosewise.agents.engines.hub import EngineHub
from prosewise.agents.engines.languagetool_engine import (
    BREAKER,
    LANGUAGETOOL,
    LanguageToolEngine,
)
from prosewise.agents.engines.lingo_engine import LingoEngine
from prosewise.agents.engines.lt_batch import SEPARATOR, Batcher, Job, Pacer, size, split
from prosewise.agents.engines.lt_settings import LanguageToolSettings
from prosewise.agents.grammar import grammar_findings
from prosewise.agents.project import load_project
from prosewise.agents.routing import to_finding
from prosewise.agents.settings import Dialect, Settings
from prosewise.agents.user_config import USER_FILE, load_user_config

EMOJI_TEXT = "🙂 Ths sentence has an 🎉 erorr in it."


def settings_for(server: LanguageToolServer, **extra: object) -> Settings:
    return Settings.model_validate({"languagetool": {"url": server.url, **extra}})


def engine_for(server: LanguageToolServer, **extra: object) -> LanguageToolEngine:
    return LanguageToolEngine(settings_for(server, **extra).languagetool)


async def test_in_the_language_server_it_answers_late_and_never_holds_up_a_keystroke(
        lt_server: LanguageToolServer, pool: ThreadPoolExecutor) -> None:
    lt_server.rules = [Rule(r"erorr", "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling")]
    hub, settings, dialect = fake_hub(wait=False), settings_for(lt_server), Dialect.EN_US
    for name in (HARPER, LINGO):
        await hub.answered(name, dialect)
    first = await hub.check(EMOJI_TEXT, settings, pool)
    assert first.pending == (LANGUAGETOOL,) and first.of(LANGUAGETOOL) == ()  # connecting
    await hub.answered(LANGUAGETOOL, dialect)  # what the server's next wave waits for
    assert lt_server.language_requests == 1 and len(lt_server.checks) == 1
    wave = await hub.check(EMOJI_TEXT, settings, pool)
    assert wave.pending == () and len(wave.of(LANGUAGETOOL)) == 1 and len(lt_server.checks) == 1
    edited = EMOJI_TEXT.replace("in it", "in here")
    keystroke = await hub.check(edited, settings, pool, early=True)
    assert keystroke.pending == (LINGO, LANGUAGETOOL)  # harper answered alone
    await hub.settled()
    after = await hub.check(edited, settings, pool, early=True)
    assert after.pending == () and [edited[h.start:h.end] for h in after.of(LANGUAGETOOL)] == [
        "erorr"]
    hub.close()


async def test_a_stalled_server_does_not_hold_up_lingotweakers_wave(
        lt_server: LanguageToolServer, pool: ThreadPoolExecutor) -> None:
    """The language server re-checks once lingotweaker has answered (``answered``): that
    wave must not wait for LanguageTool's late check, nor must any check in the server."""
    hub, settings, dialect = fake_hub(wait=False), settings_for(lt_server), Dialect.EN_US
    assert [e.name for e in hub.in_use(settings)] == [HARPER, LINGO, LANGUAGETOOL]
    for name in (HARPER, LINGO, LANGUAGETOOL):
        await hub.answered(name, dialect)
    lt_server.script(Stall())
    keystroke = await hub.check("They has teh plan.", settings, pool, early=True)
    assert keystroke.pending == (LINGO, LANGUAGETOOL)
    await asyncio.wait_for(hub.answered(LINGO, dialect), timeout=5)
    after = await hub.check("They has teh plan.", settings, pool)  # a pull client's check
    assert after.of(LINGO) and after.pending == (LANGUAGETOOL,)  # still out, not waited for
    hub.close()


def test_a_match_lands_at_its_place_after_emoji(lt_server: LanguageToolServer) -> None:
    lt_server.rules = [
        Rule(r"erorr", "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling", replacements=("error",)),
        Rule(r"🎉 erorr", "EMOJI_SPAN"),  # a match whose own text holds an emoji
    ]
    engine = engine_for(lt_server)
    hits = engine.hits(EMOJI_TEXT, Dialect.EN_US, ())
    spans = {h.rule: EMOJI_TEXT[h.start:h.end] for h in hits}
    assert spans == {"MORFOLOGIK_RULE_EN_US": "erorr", "EMOJI_SPAN": "🎉 erorr"}
    assert lt_server.checks[0]["text"] == EMOJI_TEXT
    assert lt_server.checks[0]["language"] == "en-US"
    speller = next(h for h in hits if h.kind.startswith("TYPOS"))
    assert speller.engine == LANGUAGETOOL and speller.replacements[0].value == "error"
    assert engine.hits(EMOJI_TEXT, Dialect.EN_US, ("Erorr",)) == tuple(
        h for h in hits if h.rule == "EMOJI_SPAN")  # personal words are never misspelled


def test_a_text_checked_once_costs_no_request_again_even_after_a_restart(
        lt_server: LanguageToolServer) -> None:
    lt_server.rules = [Rule(r"erorr", "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling",
                            replacements=("error",))]
    first = engine_for(lt_server)
    hits = first.hits(EMOJI_TEXT, Dialect.EN_US, ())
    first.close()
    assert len(lt_server.checks) == 1
    again = engine_for(lt_server)  # a new engine, as after a restart: the same disk cache
    assert again.hits(EMOJI_TEXT, Dialect.EN_US, ()) == hits and len(lt_server.checks) == 1
    assert again.hits(EMOJI_TEXT, Dialect.EN_GB, ()) and len(lt_server.checks) == 2
    other = "Another erorr here."
    lt_server.script(Status(500))
    with pytest.raises(Exception, match="scripted failure"):
        again.hits(other, Dialect.EN_US, ())
    assert again.hits(other, Dialect.EN_US, ()) and len(lt_server.checks) == 4  # not cached
    again.close()


async def test_the_hub_adds_languagetool_findings_and_caches_them_per_sentence(
        lt_server: LanguageToolServer, pool: ThreadPoolExecutor) -> None:
    lt_server.rules = [Rule(r"erorr", "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling",
                            replacements=("error",))]
    hub, settings = fake_hub(), settings_for(lt_server)
    found = await hub.check(EMOJI_TEXT, settings, pool)
    assert found.failed == () and LANGUAGETOOL in found.spellers
    (hit,) = found.of(LANGUAGETOOL)
    assert EMOJI_TEXT[hit.start:hit.end] == "erorr"
    (finding,) = [f for f in grammar_findings(found, EMOJI_TEXT) if f.text == "erorr"]
    assert finding.rule == "grammar.spelling"
    assert finding.sources == ("languagetool:MORFOLOGIK_RULE_EN_US",)
    sent = len(lt_server.checks)
    again = await hub.check(EMOJI_TEXT, settings, pool)
    assert again.of(LANGUAGETOOL) == found.of(LANGUAGETOOL) and len(lt_server.checks) == sent
    hub.close()


async def test_agreeing_with_lingotweaker_is_one_finding_with_both_sources(
        lt_server: LanguageToolServer, pool: ThreadPoolExecutor) -> None:
    text = "😀 She ate a apple yesterday."
    lt_server.rules = [Rule(r"\b(a) apple", "EN_A_VS_AN", "MISC", "misspelling",
                            message="Use “an” instead of “a”.", replacements=("an",))]
    hub = EngineHub(use_harper=False, lingo=LingoEngine())
    found = await hub.check(text, settings_for(lt_server), pool)
    assert found.failed == ()
    (lt_hit,) = found.of(LANGUAGETOOL)
    assert to_finding(lt_hit, text).rule == "grammar.article"  # routed as lingotweaker's
    article = [f for f in grammar_findings(found, text) if f.rule == "grammar.article"]
    (finding,) = article
    assert (finding.start, finding.end, finding.text) == (10, 11, "a")
    assert set(finding.sources) == {"lingotweaker:EN_A_VS_AN", "languagetool:EN_A_VS_AN"}
    hub.close()


@pytest.mark.parametrize("behaviour", [Status(500), Stall(), BrokenBody()],
                         ids=["500", "stall", "broken-json"])
async def test_a_failing_server_leaves_the_offline_result(
        lt_server: LanguageToolServer, pool: ThreadPoolExecutor, behaviour: object,
        caplog: pytest.LogCaptureFixture) -> None:
    hub = fake_hub()
    text = "They has a idea about teh plan."
    offline = await hub.check(text, Settings(), pool)
    lt_server.rules = [Rule(r"teh", "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling")]
    lt_server.script(behaviour)  # type: ignore[arg-type]
    found = await hub.check(text, settings_for(lt_server, timeout_s=0.3), pool)
    assert found.failed == (LANGUAGETOOL,) and found.of(LANGUAGETOOL) == ()
    assert found.hits == offline.hits and offline.hits
    assert "languagetool failed" in caplog.text
    answered = await hub.check(text, settings_for(lt_server, timeout_s=0.3), pool)
    assert answered.failed == () and len(answered.of(LANGUAGETOOL)) == 1  # not cached failed
    hub.close()


def test_the_breaker_pauses_after_repeated_failures(
        lt_server: LanguageToolServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    engine = engine_for(lt_server)
    lt_server.script(*[Status(503)] * BREAKER)
    for n in range(BREAKER):
        with pytest.raises(Exception) as failed:
            engine.hits(f"Text number {n}.", Dialect.EN_US, ())
        assert not isinstance(failed.value, EngineUnavailable)
    with pytest.raises(EngineUnavailable):
        engine.hits("Another text.", Dialect.EN_US, ())
    assert len(lt_server.checks) == BREAKER  # paused: nothing more was sent
    assert "paused" in caplog.text


def test_a_text_over_the_request_limit_is_split_at_sentences(
        lt_server: LanguageToolServer) -> None:
    limit = 300
    lt_server.max_bytes = limit
    lt_server.rules = [Rule(r"erorr", "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling")]
    text = "".join(f"Sentence number {i} is a plain one – “quoted”. " for i in range(30))
    text += EMOJI_TEXT
    engine = engine_for(lt_server, max_request_bytes=limit)
    (hit,) = engine.hits(text, Dialect.EN_US, ())
    assert text[hit.start:hit.end] == "erorr"
    assert len(lt_server.checks) > 1
    assert all(size(c["text"]) <= limit for c in lt_server.checks)
    sent = [part for c in lt_server.checks for part in c["text"].split(SEPARATOR)]
    assert sorted(sent) == sorted(text[a:b] for a, b in split(text, limit))
    assert "".join(text[a:b] for a, b in split(text, limit)) == text


def test_an_oversize_refusal_is_a_failure(lt_server: LanguageToolServer) -> None:
    lt_server.max_bytes = 50
    with pytest.raises(Exception, match="exceeds the limit"):
        engine_for(lt_server).hits("A sentence that is longer than fifty bytes, by far.",
                                   Dialect.EN_US, ())


@pytest.mark.parametrize(("waiting", "limit", "requests"), [
    (("Text 1.", "Same.", "Same."), 1000, ["Text 1.\n\nSame.\n\nSame."]),
    (("Same.", "Same."), 11, ["Same.", "Same."]),  # two jobs, though equal; one fits
], ids=["together", "over-the-limit"])
def test_texts_waiting_together_go_in_one_request(
        waiting: tuple[str, ...], limit: int, requests: list[str]) -> None:
    """While one request is out, the texts that arrive go together in the next."""
    sent: list[str] = []
    first_out, go = threading.Event(), threading.Event()

    def send(text: str, key: object) -> list:  # type: ignore[type-arg]
        sent.append(text)
        if len(sent) == 1:
            first_out.set()
            go.wait(5)
        return []

    batcher = Batcher(send, limit=limit, pacer=Pacer(0))
    jobs = [Job(text, Dialect.EN_US) for text in ("Text 0.", *waiting)]
    threads = [threading.Thread(target=batcher.run, args=([job],)) for job in jobs]
    threads[0].start()
    assert first_out.wait(5)
    for thread in threads[1:]:
        thread.start()
    with batcher._turn:
        assert batcher._turn.wait_for(lambda: len(batcher._queue) == len(waiting), timeout=5)
    go.set()
    for thread in threads:
        thread.join(5)
    assert sent == ["Text 0.", *requests]
    assert all(job.answer == [] for job in jobs)


def test_the_public_api_is_held_to_its_rate_and_size() -> None:
    public = LanguageToolSettings(public_api=True, max_request_bytes=100_000,
                                  requests_per_minute=600)
    assert public.endpoint == "https://api.languagetool.org/"
    assert (public.per_minute, public.request_bytes) == (20, 20_000)
    clock = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    pacer = Pacer(public.per_minute, clock=lambda: clock[0], sleep=sleep)
    for _ in range(4):
        pacer.wait()
    clock[0] += 10
    pacer.wait()
    assert waits == [3.0, 3.0, 3.0]  # 20 a minute: one every 3 s; after a pause, none
    assert LanguageToolSettings().endpoint is None  # off by default


async def test_nothing_is_sent_without_a_url(lt_server: LanguageToolServer,
                                             pool: ThreadPoolExecutor) -> None:
    hub = fake_hub()
    found = await hub.check(EMOJI_TEXT, Settings(), pool)
    assert LANGUAGETOOL not in {e.name for e in hub.engines} and found.failed == ()
    assert lt_server.checks == [] and lt_server.language_requests == 0
    hub.close()


async def test_a_workspace_file_cannot_choose_the_server_unless_trusted(
        tmp_path: Path, lt_server: LanguageToolServer, pool: ThreadPoolExecutor) -> None:
    root = tmp_path / "cloned"
    root.mkdir()
    (root / ".prosewise.toml").write_text(f'[languagetool]\nurl = "{lt_server.url}"\n',
                                          encoding="utf-8")
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / USER_FILE).write_text('trusted_workspaces = ["/elsewhere"]\n', encoding="utf-8")
    loaded = load_project(root / "doc.md", user=load_user_config(folder))
    assert loaded.settings.languagetool.url is None
    (problem,) = loaded.problems
    assert "languagetool ignored" in problem
    hub = fake_hub()
    await hub.check("They has teh plan.", loaded.settings, pool)
    assert lt_server.checks == [] and lt_server.language_requests == 0
    (folder / USER_FILE).write_text(f'trusted_workspaces = ["{root}"]\n', encoding="utf-8")
    trusted = load_project(root / "doc.md", user=load_user_config(folder)).settings
    assert trusted.languagetool.url == lt_server.url
    await hub.check("They has teh plan.", trusted, pool)
    assert len(lt_server.checks) == 1
    hub.close()


def test_only_http_urls_are_taken() -> None:
    with pytest.raises(ValueError, match="http"):
        LanguageToolSettings(url="file:///etc/passwd")


def test_prosewise_review_adds_the_server_named_in_the_users_config(
        tmp_path: Path, lt_server: LanguageToolServer, monkeypatch: pytest.MonkeyPatch) -> None:
    lt_server.rules = [Rule(r"erorr", "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling",
                            replacements=("error",))]
    folder = tmp_path / "config" / "prosewise"
    folder.mkdir(parents=True)
    (folder / USER_FILE).write_text(f'[languagetool]\nurl = "{lt_server.url}"\n',
                                    encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    text = "🙂 There is an erorr here.\n"
    run = prosewise("review", "-", "--format", "json", "--lite", cwd=tmp_path,
                    stdin=text.encode())
    (entry,) = run.json()["files"]
    (hit,) = [s for s in entry["suggestions"] if s["text"] == "erorr"]
    assert hit["start"] == text.index("erorr") and hit["rule"] == "grammar.spelling"
    assert set(hit["sources"]) == {"harper:SpellCheck", "languagetool:MORFOLOGIK_RULE_EN_US"}
    assert [c["text"] for c in lt_server.checks] == ["🙂 There is an erorr here."]
