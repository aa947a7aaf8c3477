"""Findings derived from a corrected text: offsets are the original's code points,
each changed run of words is one replacement, rewrites give nothing."""

from __future__ import annotations

import pytest

from prosewise.agents.llm.diff import MIN_KEPT, RULE, SOURCE, corrections, tokens
from prosewise.agents.model import AgentName, Category


def edits(original: str, corrected: str) -> list[tuple[str, str]]:
    """(quoted, replacement) per finding, after checking the quote is the original's."""
    out = []
    for f in corrections(original, corrected):
        assert original[f.start:f.end] == f.text
        out.append((f.text, f.replacements[0].value))
    return out


def applied(original: str, corrected: str) -> str:
    """The original with every finding's fix applied, last first."""
    text = original
    for f in sorted(corrections(original, corrected), key=lambda f: -f.start):
        text = text[:f.start] + f.replacements[0].apply(f.text) + text[f.end:]
    return text


CASES = [
    ("insertion", "I went store yesterday.", "I went to the store yesterday.",
     [("went", "went to the")]),
    ("insertion at the start", "went home early.", "We went home early.",
     [("went", "We went")]),
    ("deletion", "I saw the the cat.", "I saw the cat.", [("the the", "the")]),
    ("replacement", "She go to school every day.", "She goes to school every day.",
     [("go", "goes")]),
    ("two runs", "He were late and they was early.", "He was late and they were early.",
     [("were", "was"), ("was", "were")]),
    ("punctuation inserted", "Hello world how are you today?",
     "Hello world, how are you today?", [("world", "world,")]),
    ("punctuation changed", "Is it ready. I think so.", "Is it ready? I think so.",
     [(".", "?")]),
    ("apostrophe word", "Its a nice day, isnt it?", "It's a nice day, isn't it?",
     [("Its", "It's"), ("isnt", "isn't")]),
    ("unchanged", "The cat sat on the mat.", "The cat sat on the mat.", []),
    ("spacing only", "The cat  sat on the mat .", "The cat sat on the mat.", []),
    ("empty answer", "The cat sat.", "", []),
    ("rewrite", "The results were good and we were happy with them overall.",
     "Everyone celebrated because the outcome exceeded expectations.", []),
]


@pytest.mark.parametrize(("original", "corrected", "expected"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_corrections(original: str, corrected: str, expected: list[tuple[str, str]]) -> None:
    assert edits(original, corrected) == expected
    if expected:
        assert applied(original, corrected) == corrected


@pytest.mark.parametrize(("original", "corrected", "start", "quoted", "value"), [
    ("😀 I has a 🐍 pet.", "😀 I have a 🐍 pet.", 4, "has", "have"),
    ("𝒜 note: it are 🇫🇷 fine.", "𝒜 note: it is 🇫🇷 fine.", 11, "are", "is"),
    ("Ship it 🚀 now now.", "Ship it 🚀 now.", 10, "now now", "now"),
])
def test_offsets_are_code_points(original: str, corrected: str, start: int, quoted: str,
                                 value: str) -> None:
    """Astral characters count one each, as everywhere in the model (UTF-16 is the
    server's business)."""
    [f] = corrections(original, corrected)
    assert (f.start, f.end, f.text, f.replacements[0].value) == (
        start, start + len(quoted), quoted, value)
    assert applied(original, corrected) == corrected


def test_findings_are_the_grammar_agents() -> None:
    [word] = corrections("She go home.", "She goes home.")
    [mark] = corrections("Is it ready.", "Is it ready?")
    assert (word.agent, word.rule, word.sources) == (AgentName.GRAMMAR, RULE, (SOURCE,))
    assert SOURCE.origin == "llm" and SOURCE.rule == "grammar"
    assert (word.category, mark.category) == (Category.GRAMMAR, Category.PUNCTUATION)


def test_changes_made_adjacent_by_widening_are_one() -> None:
    """An insertion at the start takes in the word after it and a deletion the word
    before it: here the same word ("cats"), so the two are one finding."""
    original, corrected = "cats dogs eat fish daily.", "Big cats eat fish daily."
    assert edits(original, corrected) == [("cats dogs", "Big cats")]
    assert applied(original, corrected) == corrected


def test_threshold_is_on_the_share_of_tokens_kept() -> None:
    original = "one two three four five six seven eight nine ten"
    half = " ".join(["one", "two", "three", "four", "five"] + ["X"] * 5)
    less = " ".join(["one", "two", "three", "four"] + ["X"] * 6)
    assert MIN_KEPT == 0.5
    assert len(corrections(original, half)) == 1
    assert corrections(original, less) == []


def test_tokens_keep_offsets() -> None:
    assert [(t.text, t.start) for t in tokens("Don't stop—well-known 👍!")] == [
        ("Don't", 0), ("stop", 6), ("—", 10), ("well-known", 11), ("👍", 22), ("!", 23)]
