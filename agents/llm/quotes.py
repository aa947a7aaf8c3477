"""Where a model's quotes are in the text, found here: a model's offsets are never
trusted, and a quote that is not in the text is not evidence of anything."""

from __future__ import annotations

from collections.abc import Sequence


def locate(text: str, quotes: Sequence[str]) -> list[tuple[int, int] | None]:
    """Each quote's span in ``text``, in order: its first occurrence that an earlier
    quote has not taken (two findings quoting "utilize" are about two of them); None
    for a quote that is empty or not in the text (to be dropped)."""
    taken: set[tuple[int, int]] = set()
    out: list[tuple[int, int] | None] = []
    for quote in quotes:
        span = None
        i = text.find(quote) if quote.strip() else -1
        while i != -1:
            if (i, i + len(quote)) not in taken:
                span = (i, i + len(quote))
                taken.add(span)
                break
            i = text.find(quote, i + 1)
        out.append(span)
    return out
