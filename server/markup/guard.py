"""One rule for every extractor: a parser bug must not sink the review."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from typing import ParamSpec

from prosewise.agents.model import Block

log = logging.getLogger(__name__)
P = ParamSpec("P")


def never_raises(
    markup: str,
) -> Callable[[Callable[P, Iterable[Block]]], Callable[P, list[Block]]]:
    """The extractor's blocks as a list; on an exception, none (logged): the document
    goes unchecked, and the server keeps serving."""
    def wrap(extract: Callable[P, Iterable[Block]]) -> Callable[P, list[Block]]:
        @functools.wraps(extract)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> list[Block]:
            try:
                return list(extract(*args, **kwargs))
            except Exception:
                log.exception("%s extraction failed; the document is not checked", markup)
                return []
        return guarded
    return wrap
