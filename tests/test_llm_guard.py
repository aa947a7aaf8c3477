"""The rewrite guard: each cheap measure rejects the kind of rewrite it is there for,
and a faithful rewrite passes them all."""

from __future__ import annotations

import pytest

from prosewise.agents.llm.guard import RETONED, SHORTER, kept_share, names, rewrite_problem

WORDY = ("In order to make a decision about the budget, the committee will need to hold a"
         " meeting with Maria on 12 March.")


@pytest.mark.parametrize(("rewrite", "problem"), [
    ("The committee must meet Maria on 12 March to decide the budget.", None),
    ("To decide the budget, the committee must meet Maria on 12 March.", None),
    (WORDY, "unchanged"),
    ("The committee must meet Maria on 14 March to decide the budget.", "numbers changed: 12, 14"),
    ("The committee must meet Maria in March to decide the budget.", "numbers changed: 12"),
    ("The committee must meet Maria on 12 March, 2 times, to decide the budget.",
     "numbers changed: 2"),
    ("The committee must meet Anna on 12 March to decide the budget.", "names dropped: Maria"),
    ("Maria meets them on 12 March.", "length ratio"),
    ("Maria likes cats and dogs very much, as everybody here on 12 March knows well.",
     "kept 33% of the content words"),
    ("In order to make a decision about the budget, the committee will need to hold a long"
     " and careful meeting with Maria on 12 March, in the big room, after lunch.",
     "length ratio"),
])
def test_a_clearer_sentence_keeps_numbers_names_and_content(rewrite: str,
                                                           problem: str | None) -> None:
    found = rewrite_problem(WORDY, rewrite, SHORTER)
    if problem is None:
        assert found is None
    else:
        assert found is not None and found.startswith(problem), found


@pytest.mark.parametrize(("original", "rewrite", "problem"), [
    ("Write to [email-1] if the build fails.", "Email [email-1] when the build fails.", None),
    ("Write to [email-1] if the build fails.", "Email the team when the build fails.",
     "a redacted value was dropped or invented"),
    ("Write to the team if the build fails.", "Write to [email-2] when the build fails.",
     "a redacted value was dropped or invented"),
    ("Ask NASA and the IRS if the build fails.", "Ask the agencies if the build fails.",
     "names dropped: IRS, NASA"),
    ("gonna need the report by friday, ok?", "I will need the report by Friday, please.", None),
])
def test_placeholders_and_names_are_kept(original: str, rewrite: str,
                                         problem: str | None) -> None:
    assert rewrite_problem(original, rewrite, RETONED) == problem


@pytest.mark.parametrize(("text", "expected"), [
    ("Maria met Tom in Paris.", {"Tom", "Paris"}),  # a sentence's first word proves nothing
    ("“Maybe,” said Tom. Then I left.", {"Tom"}),
    ("The API and the CLI.", {"API", "CLI"}),
    ("Write to [email-1] today.", set()),
])
def test_names_are_capitals_inside_a_sentence(text: str, expected: set[str]) -> None:
    assert names(text) == expected


def test_the_content_share_counts_stems_not_function_words() -> None:
    assert kept_share("the information was informative", "we were informed") == 1.0
    assert kept_share("make a decision and hold a meeting", "decide and meet") == 1.0
    assert kept_share("of the and", "anything") == 1.0
    assert kept_share("red apples and green pears", "red apples") == 0.5
