"""Git commit messages: subject and body are prose; what git adds or strips is not."""

from __future__ import annotations

from prosewise.agents.model import BlockKind
from prosewise.server.markup import canonical, language_for
from prosewise.server.pipeline import Pipeline
from tests.test_markup import assert_flags_exactly, fixture, shape_in

H, P, L = BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM
PLANTED = [("teh", "teh"), ("a error", "a"), ("emtpy", "emtpy")]
TRAPS = ["parse_args", "recieveBuffer", "mispeled", "fial", "Smithh", "Jonez", "exmaple",
         "commnet", "tpyos"]


def blocks(doc: str) -> list[tuple[BlockKind, str]]:
    return shape_in(doc, "git-commit")


def test_message_reads_subject_body_and_bullets_only() -> None:
    assert blocks(fixture("COMMIT_EDITMSG")) == [
        (H, "Handle teh empty input in X"),
        (P, "The parser crashed with a error when X was empty. This change adds a\n"
            "check before X reads from it."),
        (L, "Adds a test for the emtpy case."),
        (L, "Updates the docs\nso that they mention it."),
    ]


async def test_message_flags_planted_errors_only(pipeline: Pipeline) -> None:
    assert all(trap in fixture("COMMIT_EDITMSG") for trap in TRAPS)
    await assert_flags_exactly(pipeline, "COMMIT_EDITMSG", PLANTED)


def test_trailers_only_in_the_last_paragraph_and_crlf() -> None:
    doc = "Subject line\r\n\r\nFixes: the thing below.\r\n\r\nReviewed-by: A <a@b.c>\r\n"
    assert blocks(doc) == [(H, "Subject line"), (P, "Fixes: the thing below.")]
    assert blocks("Only a subject\n# comment\n") == [(H, "Only a subject")]


def test_language_ids() -> None:
    assert language_for("/repo/.git/COMMIT_EDITMSG") == "git-commit"
    assert language_for("MERGE_MSG") == "git-commit"
    assert canonical("gitcommit") == "git-commit"  # Neovim's filetype


def test_git_log_output_is_one_message_per_commit() -> None:
    log = ("commit 0123456789abcdef0123456789abcdef01234567\nAuthor: Ann Smithh <a@b.c>\n"
           "Date:   Thu Dec 3 12:00:00 2026 +0000\n\n    Fix teh parser\n\n"
           "    It crashed with a error.\n\n    Signed-off-by: Ann Smithh <a@b.c>\n\n"
           "diff --git a/x.py b/x.py\n     indented = mispeled\n"
           "commit 89abcdef0123456789abcdef0123456789abcdef\nMerge: 0123456 89abcde\n"
           "Author: Bobb Jonez <b@c.d>\nDate:   Wed Dec 2 12:00:00 2026 +0000\n\n"
           "    Add a tset\n")
    assert blocks(log) == [(H, "Fix teh parser"), (P, "It crashed with a error."),
                           (H, "Add a tset")]
