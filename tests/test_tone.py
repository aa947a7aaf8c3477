"""The tone agent and the document tone summary, through the real pipeline."""

from __future__ import annotations

from agent_check import picky, run_agent

from prosewise.agents.model import Finding, Severity
from prosewise.agents.settings import Settings
from prosewise.agents.tone import ToneAgent
from prosewise.server.pipeline import Pipeline

CASUAL = (
    "Hey guys! I think we're kinda behind, but it's gonna be awesome. Thanks so much for all "
    "the stuff you did, I really appreciate it. Let me know if you need anything 🙂, and feel "
    "free to ping me anytime."
)
LETTER = (
    "Dear Ms. Patel,\n\nWe regret to inform you that the shipment has been delayed. Furthermore, "
    "the supplier has failed to confirm a new date. Therefore, we must postpone the "
    "installation. We will ensure that you receive an update no later than Friday.\n"
)


def check(pipeline: Pipeline, text: str, **goals: str) -> list[Finding]:
    return run_agent(pipeline, ToneAgent(), text, picky(**goals))


def rules(found: list[Finding], rule: str) -> list[Finding]:
    return [f for f in found if f.rule == rule]


def test_hedging_weighs_more_when_convincing(pipeline: Pipeline) -> None:
    text = "I think the plan works."
    inform = rules(check(pipeline, text), "tone.hedging")[0]
    convince = rules(check(pipeline, text, intent="convince"), "tone.hedging")[0]
    assert inform.severity is Severity.HINT and convince.severity is Severity.INFO
    assert convince.confidence > inform.confidence
    assert convince.replacements[0].apply(convince.text) == "The"


def test_kind_of_as_a_noun_is_not_a_hedge(pipeline: Pipeline) -> None:
    assert not rules(check(pipeline, "What kind of tree is this? A sort of oak."), "tone.hedging")
    assert rules(check(pipeline, "It was kind of slow."), "tone.hedging")


def test_inclusive_skips_names_but_not_sentence_starts(pipeline: Pipeline) -> None:
    found = rules(check(pipeline, "Chairman Mao spoke. We met George Foreman. The chairman left."),
                  "tone.inclusive")
    assert [f.text for f in found] == ["Chairman", "chairman"]


def test_a_sentence_start_after_any_white_space_is_no_name(pipeline: Pipeline) -> None:
    """A no-break space or CR after the full stop still ends the sentence before."""
    for gap in ("\u00a0", "\r\n", " "):
        found = rules(check(pipeline, f"We met.{gap}Chairman Mao spoke."), "tone.inclusive")
        assert [f.text for f in found] == ["Chairman"], repr(gap)


def test_formality_follows_the_goal(pipeline: Pipeline) -> None:
    text = "We don't know. Henceforth we meet daily."
    formal = {f.text for f in rules(check(pipeline, text, formality="formal"), "tone.formality")}
    informal = {f.text for f in rules(check(pipeline, text, formality="informal"),
                                      "tone.formality")}
    neutral = rules(check(pipeline, text), "tone.formality")
    assert formal == {"don't"} and informal == {"Henceforth"} and not neutral


def test_exclamations_per_paragraph_with_emoji_offsets(pipeline: Pipeline) -> None:
    text = "🎉 We launched! Sign up now! It's free!!"
    found = rules(check(pipeline, text), "tone.exclamation")
    assert [(text[f.start:f.end], f.replacements[0].value) for f in found] == [
        ("!", "."), ("!!", "!"),
    ]
    assert not rules(check(pipeline, text, domain="casual"), "tone.exclamation")


async def test_summary_in_review_reads_formality_and_mismatch(pipeline: Pipeline) -> None:
    formal_goal = Settings.model_validate({"goals": {"formality": "formal"}})
    casual = await pipeline.review(CASUAL, "plaintext", formal_goal)
    assert casual.tone is not None
    names = casual.tone.headline.split(" (")[0].split(", ")
    assert "informal" in names and "friendly" in names
    assert "sounds informal for your formal goal" in casual.tone.headline
    friendly = next(t for t in casual.tone.traits if t.name == "friendly")
    assert "Thanks" in friendly.evidence

    letter = await pipeline.review(LETTER, "plaintext", formal_goal)
    assert letter.tone is not None and "formal" in letter.tone.headline.split(", ")
    assert "sounds" not in letter.tone.headline


async def test_summary_needs_enough_prose(pipeline: Pipeline) -> None:
    review = await pipeline.review("Thanks, see you soon!", "plaintext", Settings())
    assert review.tone is None


def test_quoted_speech_and_names_are_left_alone(pipeline: Pipeline) -> None:
    text = 'He said, "We can\'t wait." Join the Amped Kids Camp. Kids don\'t mind.'
    found = rules(check(pipeline, text, formality="formal"), "tone.formality")
    assert [f.text for f in found] == ["Kids", "don't"]
