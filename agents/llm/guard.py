"""Whether a model's rewrite keeps the meaning, by cheap local measures.

A rewrite replaces a whole sentence, so a wrong one costs the writer more than a wrong
word: it is shown only if it keeps the length within bounds, most of the content
words, every number, every capitalised name and every redaction placeholder. None of
this proves the meaning is kept; each measure catches a way small models get it wrong
(answering about something else, dropping a figure, renaming a person, inventing or
losing a placeholder that would then write ``[email-1]`` into the text).

Both texts are compared as sent: the original redacted, the rewrite as the model wrote it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from prosewise.agents.llm.redact import PLACEHOLDER

STEM = 4
"""Letters of a word compared: a cheap stem ("decide" keeps "decision", "meet" keeps
"meeting"); it also lets some unrelated words pass ("march", "marcel"), a loss of
precision the other measures make up for."""
STOPWORDS = frozenset({
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "even",
    "ever", "every", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her",
    "here", "hers", "him", "his", "how", "however", "i", "if", "in", "into", "is", "it", "its",
    "itself", "just", "least", "less", "let", "like", "many", "may", "me", "might", "more", "most",
    "much", "must", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "one", "only",
    "or", "other", "ought", "our", "ours", "out", "over", "own", "per", "quite", "rather",
    "really", "same", "shall", "she", "should", "since", "so", "some", "such", "than", "that",
    "the", "their", "theirs", "them", "then", "there", "these", "they", "this", "those", "though",
    "through", "thus", "to", "too", "under", "until", "up", "upon", "us", "very", "was", "we",
    "were", "what", "when", "where", "whether", "which", "while", "who", "whom", "whose", "why",
    "will", "with", "within", "without", "would", "yet", "you", "your", "yours", "order", "fact",
    "way", "thing", "things", "lot", "make", "makes", "made", "take", "takes", "took", "taken",
    "give", "gives", "gave", "given", "get", "gets", "got", "need", "needs", "needed", "hold",
    "holds", "held"
})
"""Function words, and the light verbs of nominalizations ("make a decision", "hold a
meeting"): a rewrite may drop or change them freely."""

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_NUMBER = re.compile(r"\d+(?:[.,:/]\d+)*")
_SENTENCE_END = re.compile(r"[.!?…:]\s*$")
_OPENERS = "\"'“‘([{*_-–— \t\n"


@dataclass(frozen=True)
class Bounds:
    """How far a rewrite may go from its original."""

    min_ratio: float
    """Shortest rewrite, as a share of the original's characters."""
    max_ratio: float
    """Longest rewrite, as a share of the original's characters."""
    min_kept: float
    """Share of the original's content words (stems) the rewrite must keep."""


SHORTER = Bounds(min_ratio=0.35, max_ratio=1.1, min_kept=0.5)
"""A clearer or shorter sentence (clarity): may lose wordiness, not substance."""
RETONED = Bounds(min_ratio=0.5, max_ratio=1.6, min_kept=0.5)
"""The same sentence in another register (tone): may grow a little more polite."""


def rewrite_problem(original: str, rewrite: str, bounds: Bounds) -> str | None:
    """Why ``rewrite`` must not be shown for ``original``, or None when it may."""
    if " ".join(rewrite.split()) == " ".join(original.split()):
        return "unchanged"
    ratio = len(rewrite.strip()) / max(1, len(original.strip()))
    if not bounds.min_ratio <= ratio <= bounds.max_ratio:
        return f"length ratio {ratio:.2f} outside {bounds.min_ratio}–{bounds.max_ratio}"
    if Counter(PLACEHOLDER.findall(original)) != Counter(PLACEHOLDER.findall(rewrite)):
        return "a redacted value was dropped or invented"
    lost, new = _diff(_numbers(original), _numbers(rewrite))
    if lost or new:
        return f"numbers changed: {', '.join(sorted(lost | new))}"
    missing = names(original) - set(_WORD.findall(rewrite))
    if missing:
        return f"names dropped: {', '.join(sorted(missing))}"
    kept = kept_share(original, rewrite)
    if kept < bounds.min_kept:
        return f"kept {kept:.0%} of the content words (at least {bounds.min_kept:.0%})"
    return None


def kept_share(original: str, rewrite: str) -> float:
    """Share of the original's content words whose stem the rewrite still has (1.0 for
    an original without content words)."""
    before = content_stems(original)
    if not before:
        return 1.0
    return len(before & content_stems(rewrite)) / len(before)


def content_stems(text: str) -> set[str]:
    """The stems of the words that are not function words (placeholders excluded)."""
    plain = PLACEHOLDER.sub(" ", text)
    return {w.lower()[:STEM] for w in _WORD.findall(plain)
            if len(w) > 2 and w.lower() not in STOPWORDS}


def names(text: str) -> set[str]:
    """Words that look like names: capitalised after a sentence's first word, and runs
    of capitals (acronyms) anywhere; "I" and placeholders are not names."""
    plain = PLACEHOLDER.sub(" ", text)
    found: set[str] = set()
    for m in _WORD.finditer(plain):
        word = m.group()
        if word == "I" or not word[0].isupper():
            continue
        acronym = len(word) > 1 and word.isupper()
        if acronym or not _opens_sentence(plain, m.start()):
            found.add(word)
    return found


def _opens_sentence(text: str, i: int) -> bool:
    """Whether only opening marks and spaces stand between ``i`` and a sentence end or
    the start: a capital there says nothing."""
    before = text[:i].rstrip(_OPENERS)
    return not before or _SENTENCE_END.search(before) is not None


def _numbers(text: str) -> Counter[str]:
    return Counter(_NUMBER.findall(PLACEHOLDER.sub(" ", text)))


def _diff(a: Counter[str], b: Counter[str]) -> tuple[set[str], set[str]]:
    return set(a - b), set(b - a)
