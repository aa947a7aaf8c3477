"""Where "Disable RULE in this file with a comment" writes the control, per format
(server/disable_comment.py), and that it is offered only where the control would hide
the finding. Over stdio, with the edit applied: tests/lsp/test_comment_action.py."""

from __future__ import annotations

import pytest

from prosewise.server.controls import read_controls
from prosewise.server.disable_comment import disable_comment

RULE = "grammar.spelling"
CASES = [  # (language, what stays first, the comment inserted, the rest: holds "Teh")
    ("markdown", "\ufeff+++\r\ntitle = 'x'\r\n+++\r\n",
     f"<!-- prosewise: disable {RULE} -->\r\n", "Teh text.\r\n"),
    ("html", "<!DOCTYPE html>\n", f"<!-- prosewise: disable {RULE} -->\n", "<p>Teh</p>\n"),
    ("python", "# coding: latin-1\n", f"# prosewise: disable {RULE}\n\n", "# Teh.\n"),
    ("html", '<?xml version="1.0"?>\r\n<!DOCTYPE html>',  # the break is the document's
     f"\r\n<!-- prosewise: disable {RULE} -->\r\n", "<p>Teh</p>\r\n"),
    ("shellscript", "#!/bin/sh\n", f"# prosewise: disable {RULE}\n\n", "# Teh.\n"),
    ("rust", "", f"// prosewise: disable {RULE}\n\n", "#![allow(x)]\n//! Teh.\n"),
    ("rust", "#!/usr/bin/env run-cargo-script\n", f"// prosewise: disable {RULE}\n", "\n// Teh.\n"),
    ("go", "", f"// prosewise: disable {RULE}\n\n", "// Package x is teh.\npackage x\n"),
    ("typescript", "#!/usr/bin/env node\n", f"// prosewise: disable {RULE}\n\n", "/** Teh. */\n"),
    ("latex", "", f"% prosewise: disable {RULE}\n", "\\documentclass{article}\nTeh.\n"),
    ("restructuredtext", "", f".. prosewise: disable {RULE}\n\n", "Teh\n===\n"),
]


@pytest.mark.parametrize(("language", "head", "comment", "rest"), CASES)
def test_the_comment_goes_below_what_stays_first(language: str, head: str, comment: str,
                                                 rest: str) -> None:
    text = head + rest
    insertion = disable_comment(text, language, RULE, text.lower().index("teh"))
    assert insertion is not None
    edited = text[:insertion.at] + insertion.text + text[insertion.at:]
    assert edited == head + comment + rest
    (hidden,) = read_controls(edited, language).hidden
    assert hidden.rules == {RULE} and edited[hidden.end:] == ""


@pytest.mark.parametrize(("language", "text", "rule"), [
    ("plaintext", "Teh text.\n", RULE),  # no comments
    ("git-commit", "Teh subject\n\n# Please enter the commit message\n", RULE),
    ("markdown", "<!-- prosewise: enable grammar.spelling -->\nTeh text.\n", RULE),
    ("markdown", "Teh text.\n", "house/rule"),  # a control names rules with [\w.-] only
])
def test_not_offered_where_no_control_would_hide_the_finding(
        language: str, text: str, rule: str) -> None:
    assert disable_comment(text, language, rule, text.index("Teh")) is None
