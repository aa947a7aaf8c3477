"""In-document controls (server/controls.py): findings under a control are left out of
what a review shows (the CLI's report, the server's diagnostics) and the decision log
says which control hid them. Each case plants misspellings: the hidden ones must be
found by the ranking and not shown, the others shown."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from in_process import Ran

from prosewise.agents.settings import Settings
from prosewise.server.controls import read_controls
from prosewise.server.pipeline import Pipeline

MD_NEXT = "<!-- prosewise: ignore-next-line -->\nThe wrods here.\nThe simpel line.\n"
MD_OFF = ("Frist line.\n\n<!-- prosewise: off -->\nThe wrods here.\n\nThe alocates too.\n\n"
          "<!-- prosewise: on -->\nThe simpel line.\n")
MD_RULE = ("<!-- prosewise: disable grammar.spelling -->\nThe wrods and a error.\n\n"
           "<!-- prosewise: enable grammar.spelling -->\nThe simpel line.\n")
MD_PREFIX = "<!-- prosewise: disable grammar -->\nThe wrods and a error.\n"
MD_FILE = "The wrods here.\n\n<!-- prosewise: ignore-file -->\n\nThe simpel line.\n"
MD_HARPER = "<!-- harper:ignore -->\nThe wrods here.\nThe alocates too.\n\nThe simpel line.\n"
MD_LTEX = ("<!-- LTeX: enabled=false -->\nThe wrods here.\n\n<!-- LTeX: enabled=true -->\n"
           "The simpel line.\n")
MD_PROSE = "Writing prosewise: off in prose is no control.\nThe wrods here.\n"
MD_CODE = ("Write `<!-- prosewise: off -->` to stop.\n\n"
           "```markdown\n<!-- prosewise: off -->\n```\n\nThe wrods here.\n")
TEX_OFF = ("The frist line.\n\n% prosewise: off\nThe wrods here.\n% prosewise: on\n\n"
           "The simpel line.\n")
TEX_NEXT = "% prosewise: ignore-next-line\nThe wrods here.\nThe simpel line.\n"
TEX_LTEX = "% LTeX: enabled=false\nThe wrods here.\n% LTeX: enabled=true\n\nThe simpel line.\n"
PY_NEXT = "x = 1  # prosewise: ignore-next-line\n# The wrods here.\n# The simpel line.\ny = 2\n"
PY_HARPER = ("# harper:ignore the wrods here\n# and the alocates too.\n\n"
             "# The simpel line.\nx = 1\n")
PY_RULE = ("# prosewise: disable grammar.spelling\n# The wrods and a error.\nx = 1\n\n"
           "# prosewise: enable grammar.spelling\n# The simpel line.\n")
RST_OFF = (".. prosewise: off\n\nThe wrods here.\n\n.. prosewise: on\n\n"
           "The simpel line.\n")
HTML_NEXT = ("<p>The frist line.</p>\n<!-- prosewise: ignore-next-line -->\n"
             "<p>The wrods here.</p>\n<p>The simpel line.</p>\n")
ORG_OFF = ("The frist line.\n\n# prosewise: off\nThe wrods here.\n# prosewise: on\n\n"
           "The simpel line.\n")
ORG_NEXT = "* Title\n# prosewise: ignore-next-line\nThe wrods here.\nThe simpel line.\n"
ADOC_NEXT = "// prosewise: ignore-next-line\nThe wrods here.\nThe simpel line.\n"
ADOC_RULE = ("// prosewise: disable grammar.spelling\nThe wrods and a error.\n\n"
             "// prosewise: enable grammar.spelling\nThe simpel line.\n")
TYP_OFF = ("The frist line.\n\n/* prosewise: off */\nThe wrods here.\n// prosewise: on\n\n"
           "The simpel line.\n")
TYP_FILE = "= Title\n\nThe wrods here.\n\n// prosewise: ignore-file\n\nThe simpel line.\n"
ADOC_CODE = ("[source,js]\n----\n// prosewise: ignore-file\n----\n\n"
             "Write `// prosewise: off` to stop.\nThe wrods here.\n")
ORG_CODE = ("#+begin_src sh\n# prosewise: ignore-file\n#+end_src\n\n"
            "The wrods here.\n")
TYP_CODE = "```js\n// prosewise: ignore-file\n```\n\nThe wrods here.\n"
C_BLOCK = "/* prosewise: off */\n// The wrods here.\n/* prosewise: on */\n// The simpel line.\n"

CASES = [  # (language, document, hidden, shown): quoted texts of findings
    ("markdown", MD_NEXT, {"wrods"}, {"simpel"}),
    ("markdown", MD_OFF, {"wrods", "alocates"}, {"Frist", "simpel"}),
    ("markdown", MD_RULE, {"wrods"}, {"a", "simpel"}),
    ("markdown", MD_PREFIX, {"wrods", "a"}, set()),
    ("markdown", MD_FILE, {"wrods", "simpel"}, set()),
    ("markdown", MD_HARPER, {"wrods", "alocates"}, {"simpel"}),
    ("markdown", MD_LTEX, {"wrods"}, {"simpel"}),
    ("markdown", MD_PROSE, set(), {"wrods"}),
    ("markdown", MD_CODE, set(), {"wrods"}),
    ("latex", TEX_OFF, {"wrods"}, {"frist", "simpel"}),
    ("latex", TEX_NEXT, {"wrods"}, {"simpel"}),
    ("latex", TEX_LTEX, {"wrods"}, {"simpel"}),
    ("python", PY_NEXT, {"wrods"}, {"simpel"}),
    ("python", PY_HARPER, {"wrods", "alocates"}, {"simpel"}),
    ("python", PY_RULE, {"wrods"}, {"a", "simpel"}),
    ("restructuredtext", RST_OFF, {"wrods"}, {"simpel"}),
    ("html", HTML_NEXT, {"wrods"}, {"frist", "simpel"}),
    ("c", C_BLOCK, {"wrods"}, {"simpel"}),
    ("org", ORG_OFF, {"wrods"}, {"frist", "simpel"}),
    ("org", ORG_NEXT, {"wrods"}, {"simpel"}),
    ("asciidoc", ADOC_NEXT, {"wrods"}, {"simpel"}),
    ("asciidoc", ADOC_RULE, {"wrods"}, {"a", "simpel"}),
    ("typst", TYP_OFF, {"wrods"}, {"frist", "simpel"}),
    ("typst", TYP_FILE, {"wrods", "simpel"}, set()),
    ("asciidoc", ADOC_CODE, set(), {"wrods"}),  # controls in code samples are examples
    ("org", ORG_CODE, set(), {"wrods"}),
    ("typst", TYP_CODE, set(), {"wrods"}),
]


@pytest.mark.parametrize(("language", "doc", "hidden", "shown"), CASES)
async def test_controls_hide_findings(pipeline: Pipeline, language: str, doc: str,
                                      hidden: set[str], shown: set[str]) -> None:
    review = await pipeline.review(doc, language, Settings())
    ranked = {f.text for f in review.ranked}
    assert hidden | shown <= ranked, "a planted error was not found at all"
    assert {f.text for f in review.shown} & (hidden | shown) == shown
    log = {d.finding.text: d.reason for d in review.decisions}
    for text in hidden:
        assert log[text].startswith("hidden by '"), log[text]
    assert all(d.into is None or d.into < len(review.shown) for d in review.decisions)


def test_no_marker_no_work() -> None:
    assert not read_controls("The wrods here.\n" * 1000, "markdown")
    assert not read_controls("prosewise: off\nThe wrods.\n", "plaintext")


def test_unclosed_off_runs_to_the_end_and_crlf() -> None:
    doc = "A.\r\n<!-- prosewise: ignore-next-line -->\r\nB.\r\nC.\r\n<!-- prosewise: off -->\r\nD."
    hidden = read_controls(doc, "markdown").hidden
    assert [doc[h.start:h.end] for h in hidden] == [
        "B.", "<!-- prosewise: off -->\r\nD."]


def test_cli_report_and_explain(prosewise: Callable[..., Ran], tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "doc.md").write_text(MD_NEXT)
    monkeypatch.chdir(tmp_path)
    ran = prosewise("review", "doc.md", "--explain", "--color", "never")
    out = ran.stdout
    assert "doc.md:3:5 grammar.spelling" in out
    assert "doc.md:2:5" not in out
    assert ("2:5 grammar.spelling \"wrods\" suppressed (hidden by "
            "'prosewise: ignore-next-line' (line 1))") in out
