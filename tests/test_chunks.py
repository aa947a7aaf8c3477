"""``rechunk`` (chunks from the previous version's) always gives what ``split`` gives."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest

from prosewise.server.chunks import Chunks, rechunk, split
from prosewise.server.markup.markdown import extract_markdown
from tests.test_incremental import CRAFTED, _documents


def resplit(previous: Sequence[tuple[int, str]], text: str, language: str) -> Chunks:
    """The chunks of ``text`` built from ``rechunk`` as the pipeline does (``split`` when
    the edit is not local)."""
    starts, chunks = [s for s, _ in previous], [c for _, c in previous]
    found = rechunk(starts, chunks, text, language)
    if found is None:
        return split(text, language)
    tail = len(previous) - found.after
    return [*previous[:found.before], *found.middle,
            *((s + found.delta, c) for s, c in previous[tail:])]


PIECES = ["a", "x", " ", "\n", "\n\n", "\n\n\n", "  ", "\t", "`", "```", "~~~", "$$", "<",
          ">", "<!--", "-->", "<pre>", "</pre>", "[", "]", "[^", "]:", "---\n", "- ", "😀",
          "\r\n", "\r\n\r\n", "Word. ", "#", "|"]


def _edit(text: str, rng: random.Random) -> str:
    """A random edit: mostly a keystroke inside the text, sometimes structure."""
    at = rng.randrange(len(text) + 1)
    kind = rng.random()
    if kind < 0.5:
        return text[:at] + rng.choice("abcxyz ") + text[at:]
    if kind < 0.7:
        return text[:at] + text[at + rng.randint(1, 3):]
    if kind < 0.9:
        return text[:at] + rng.choice(PIECES) + text[at:]
    end = min(len(text), at + rng.randint(0, 200))
    return text[:at] + rng.choice(PIECES) + text[end:]


PROSE = "".join(
    f"## Part {n}\n\nThe weather are nice. We walk to the park and talk.\n"
    f"It has many words in it, {n} of them.\n\n- one item\n- two items\n\n"
    + ("```\ncode here\n\nmore code\n```\n\n" if n % 7 == 0 else "")
    for n in range(30))


def _texts() -> dict[str, str]:
    return {**_documents(), "prose": PROSE}


@pytest.mark.parametrize("language", ["markdown", "plaintext"])
@pytest.mark.parametrize("name", list(_texts()))
def test_resplit_equals_split(name: str, language: str) -> None:
    rng = random.Random(f"{name}/{language}")
    original = _texts()[name]
    text, chunks = original, split(original, language)
    reused = 0
    for step in range(300):
        if step % 20 == 0:  # start again before structure edits pile up into one chunk
            text, chunks = original, split(original, language)
        text = _edit(text, rng) or CRAFTED
        before, chunks = chunks, resplit(chunks, text, language)
        assert chunks == split(text, language)
        reused += len(chunks) > 2 and chunks[-1][1] is before[-1][1]
    if name == "prose":  # the incremental path was taken, not only the fallback
        assert reused > 100


def test_keystroke_reuses_the_other_chunks() -> None:
    """The point of resplit: a keystroke in one paragraph leaves every other chunk the
    same string object, so caches keyed by chunk text hit without rehashing."""
    text = "".join(f"Paragraph {n} has words.\n\n" for n in range(50))
    before = split(text, "markdown")
    at = text.index("Paragraph 20") + 3
    after = resplit(before, text[:at] + "x" + text[at:], "markdown")
    assert [c for _, c in after].count("Parxagraph 20 has words.\n\n") == 1
    assert sum(a[1] is b[1] for a, b in zip(after, before, strict=True)) == 49
    assert after[21][0] == before[21][0] + 1


def test_dashes_mid_document_are_not_front_matter() -> None:
    """A chunk that starts with ``---`` would be front matter if split alone."""
    text = "Intro.\n\nC.\n\nEnd.\n"
    edited = text.replace("C.", "---\nA.\n\nBC.")
    assert resplit(split(text, "markdown"), edited, "markdown") == split(edited, "markdown")
    assert split(edited, "markdown")[0][1] == "Intro.\n\n---\nA.\n\n"


def test_no_chunk_but_the_first_starts_like_front_matter() -> None:
    """Cut there, a thematic break and a setext heading would be read as a closed
    front matter and the heading blanked out."""
    text = "Intro.\n\n---\nA heading with erors\n---\n\nMore.\n"
    chunks = split(text, "markdown")
    assert [c for _, c in chunks] == ["Intro.\n\n---\nA heading with erors\n---\n\n", "More.\n"]
    assert "A heading with erors" in [b.text for _, c in chunks for b in extract_markdown(c)]


def test_front_matter_is_one_chunk_whatever_the_line_ends() -> None:
    """Chunking and extraction share one front-matter detector: a CRLF header is closed
    (it was once protected to the end of the text: the whole document one chunk)."""
    for end in ("\n", "\r\n"):
        text = end.join(["---", "title: x", "", "tags: [a]", "---", "", "One.", "", "Two.", ""])
        chunks = [c for _, c in split(text, "markdown")]
        assert chunks[0].startswith("---") and chunks[1:] == [f"One.{end}{end}", f"Two.{end}"]
        assert [b.text for b in extract_markdown(text)] == ["One.", "Two."]


def test_typing_at_the_end_cuts_only_the_last_chunk() -> None:
    text = "One.\n\nTwo.\n\nThree"
    found = rechunk([0, 6, 12], ["One.\n\n", "Two.\n\n", "Three"], text + "s", "markdown")
    assert found is not None and (found.before, found.after, found.delta) == (2, 0, 1)
    assert found.middle == [(12, "Threes")]


def _common_ends(old: str, new: str) -> tuple[int, int]:
    """The exact shared prefix and suffix lengths (not overlapping)."""
    p = 0
    while p < min(len(old), len(new)) and old[p] == new[p]:
        p += 1
    q = 0
    while q < min(len(old), len(new)) - p and old[-1 - q] == new[-1 - q]:
        q += 1
    return p, q


@pytest.mark.parametrize("loose", [False, True])
@pytest.mark.parametrize("name", ["prose", *list(_documents())[:4]])
def test_rechunk_from_edit_bounds_equals_split(name: str, loose: bool) -> None:
    """With the server's edit bounds (exact, or looser: a smaller prefix and suffix, as
    after several edits) the changed chunk found by bisection gives what ``split``
    gives."""
    rng = random.Random(f"bounds/{name}/{loose}")
    original = _texts()[name]
    text, chunks = original, split(original, "markdown")
    bisected = 0
    for step in range(300):
        if step % 20 == 0:
            text, chunks = original, split(original, "markdown")
        new = _edit(text, rng) or CRAFTED
        prefix, suffix = _common_ends(text, new)
        if loose:
            prefix -= rng.randint(0, min(prefix, 40))
            suffix -= rng.randint(0, min(suffix, 40))
        starts, strings = [s for s, _ in chunks], [c for _, c in chunks]
        found = rechunk(starts, strings, new, "markdown", (prefix, suffix))
        if found is None:
            chunks = split(new, "markdown")
        else:
            bisected += 1
            tail = len(chunks) - found.after
            chunks = [*chunks[:found.before], *found.middle,
                      *((s + found.delta, c) for s, c in chunks[tail:])]
        assert chunks == split(new, "markdown")
        text = new
    if name == "prose":  # the bisection was taken, not only the fallback
        assert bisected > (50 if loose else 100)


def test_unchanged_text_with_overlapping_bounds_keeps_its_chunks() -> None:
    text = "One.\n\nTwo.\n\nThree.\n"
    chunks = split(text, "markdown")
    found = rechunk([s for s, _ in chunks], [c for _, c in chunks], text, "markdown",
                    (len(text), len(text)))
    assert found is not None and found.delta == 0
    assert found.before + len(found.middle) + found.after == len(chunks)


@pytest.mark.parametrize("bounds", [None, (8, 6)])
def test_an_edit_across_two_chunks_cuts_both_again(bounds: tuple[int, int] | None) -> None:
    """Each chunk still ends in blank lines, so only the comparison can tell that the
    second one changed too."""
    text = "Intro.\n\nA.\n\nB.\n\nC.\n"
    edited = text.replace("A.\n\nB", "X.\n\nY")
    assert resplit(split(text, "markdown"), edited, "markdown") == split(edited, "markdown")
    chunks = split(text, "markdown")
    found = rechunk([s for s, _ in chunks], [c for _, c in chunks], edited, "markdown", bounds)
    assert found is None or found.before + found.after < len(chunks) - 1
