"""Redaction before a model call: what each pattern takes out, what it must leave, and
the way back from the sent text to the original's offsets."""

from __future__ import annotations

import pytest

from prosewise.agents.llm.redact import (
    _CUE,
    _PATTERNS,
    EMAIL,
    KINDS,
    SECRET,
    URL_CREDENTIALS,
    Placeholder,
    Redacted,
    redact,
)

JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0"
       ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")

REDACTED = [
    ("email", "Write to jane.doe+news@example.co.uk today.", EMAIL, "jane.doe+news@example.co.uk"),
    ("email, unicode", "Frag zoë@müller.de bitte.", EMAIL, "zoë@müller.de"),
    ("url with credentials", "Use https://alice:s3cr3t@db.example.com:5432/app?x=1, then.",
     URL_CREDENTIALS, "https://alice:s3cr3t@db.example.com:5432/app?x=1"),
    ("url, empty password", "(postgres://admin:@localhost/db)", URL_CREDENTIALS,
     "postgres://admin:@localhost/db"),
    ("openai", "key: sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t.", SECRET,
     "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t"),
    ("anthropic", "ANTHROPIC_API_KEY=sk-ant-api03-Xy7Zz9Qq1Ww2Ee3Rr4Tt5Yy6Uu", SECRET,
     "sk-ant-api03-Xy7Zz9Qq1Ww2Ee3Rr4Tt5Yy6Uu"),
    ("github classic", "token ghp_16C7e42F292c6912E7710c838347Ae178B4a here", SECRET,
     "ghp_16C7e42F292c6912E7710c838347Ae178B4a"),
    ("github oauth", "gho_16C7e42F292c6912E7710c838347Ae178B4a", SECRET,
     "gho_16C7e42F292c6912E7710c838347Ae178B4a"),
    ("github server", "ghs_16C7e42F292c6912E7710c838347Ae178B4a", SECRET,
     "ghs_16C7e42F292c6912E7710c838347Ae178B4a"),
    ("github fine-grained", "github_pat_11ABCDEFG0abcdefghij_klmnopqrstuvwxyz0123456789", SECRET,
     "github_pat_11ABCDEFG0abcdefghij_klmnopqrstuvwxyz0123456789"),
    ("aws key id", "The id is AKIAIOSFODNN7EXAMPLE.", SECRET, "AKIAIOSFODNN7EXAMPLE"),
    ("aws secret key", "secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", SECRET,
     "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("slack", "xoxb-1234567890-0987654321-AbCdEfGhIjKl", SECRET,
     "xoxb-1234567890-0987654321-AbCdEfGhIjKl"),
    ("google", "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q", SECRET,
     "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"),
    ("jwt", f"Send {JWT} now", SECRET, JWT),
    ("bearer: the token only", "Authorization: Bearer 4fd2c9b1aa07e3d5c8f1", SECRET,
     "4fd2c9b1aa07e3d5c8f1"),
    ("hex key", "API_KEY=3f7a9c2e1b4d6f8a0c2e4b6d8f0a1c3e", SECRET,
     "3f7a9c2e1b4d6f8a0c2e4b6d8f0a1c3e"),
    ("full git sha (indistinguishable from a hex key)",
     "commit 9fceb02d0ae598e95dc970b74767f19372d61af8", SECRET,
     "9fceb02d0ae598e95dc970b74767f19372d61af8"),
    ("base64 key", "c2VjcmV0LWtleS1mb3ItdGVzdGluZzEyMzQ1Ng== is set", SECRET,
     "c2VjcmV0LWtleS1mb3ItdGVzdGluZzEyMzQ1Ng=="),
]

KEPT = [
    ("ordinary words", "The quick brown fox jumps over the lazy dog; e-mail me later!"),
    ("long words", "Supercalifragilisticexpialidocious antidisestablishmentarianism."),
    ("version numbers", "Upgrade from v1.2.3 to 2.10.0-rc.1 (build 20240101)."),
    ("plain url", "See https://example.com/Docs/Reports/Q3/2024/AnnualSummary0123456789abcdef."),
    ("url with a user only", "Clone ssh://git.example.com/repo and https://bob@example.com/x."),
    ("hex colour", "The brand colour is #ff00aa, not #FF00AA."),
    ("git short sha", "Fixed in 9fceb02 and in 1a2b3c4d5e6f."),
    ("uuid", "Request 123e4567-e89b-12d3-a456-426614174000 failed."),
    ("snake_case name", "Call test_round_trip_with_32_characters_long_name2 again."),
    ("bearer in prose", "Bearer tokens go in a header; the bearer of this letter."),
    ("at sign without a domain", "Meet @alice at 5pm; price 3@ea."),
    ("sk- as a word part", "A task-list and a risk-assessment-document-for-2024."),
]


@pytest.mark.parametrize(("name", "text", "kind", "value"), REDACTED, ids=[c[0] for c in REDACTED])
def test_each_pattern_is_redacted(name: str, text: str, kind: str, value: str) -> None:
    r = redact(text)
    assert [(p.kind, text[p.start:p.end]) for p in r.placeholders] == [(kind, value)]
    assert value not in r.text
    assert r.text == text.replace(value, r.text[r.placeholders[0].sent_start:
                                                r.placeholders[0].sent_end])


@pytest.mark.parametrize(("name", "text"), KEPT, ids=[c[0] for c in KEPT])
def test_non_examples_stay(name: str, text: str) -> None:
    r = redact(text)
    assert r.text == text and r.placeholders == ()


def test_placeholders_are_numbered_per_kind_and_reused_for_the_same_value() -> None:
    text = "a@x.org, b@x.org, a@x.org; AKIAIOSFODNN7EXAMPLE"
    r = redact(text)
    assert r.text == "[email-1], [email-2], [email-1]; [secret-1]"
    for p in r.placeholders:
        assert r.text[p.sent_start:p.sent_end].startswith("[")
        assert text[p.start:p.end] in {"a@x.org", "b@x.org", "AKIAIOSFODNN7EXAMPLE"}


def test_a_placeholder_already_in_the_text_is_skipped() -> None:
    r = redact("Literally [email-1], then a@x.org")
    assert r.text == "Literally [email-1], then [email-2]"


def test_a_url_with_credentials_is_one_placeholder_not_an_email_too() -> None:
    r = redact("at https://user:pw@mail.example.com/inbox.")
    assert r.text == "at [url-1]."
    assert [p.kind for p in r.placeholders] == [URL_CREDENTIALS]


def test_kinds_select_what_is_redacted() -> None:
    text = "a@x.org uses AKIAIOSFODNN7EXAMPLE"
    assert redact(text, frozenset({EMAIL})).text == "[email-1] uses AKIAIOSFODNN7EXAMPLE"
    assert redact(text, frozenset({SECRET})).text == "a@x.org uses [secret-1]"
    assert redact(text, frozenset()).text == text
    assert frozenset({EMAIL, URL_CREDENTIALS, SECRET}) == KINDS
    with pytest.raises(ValueError, match="phone"):
        redact(text, frozenset({"phone"}))


def test_offsets_are_code_points_around_emoji() -> None:
    text = "😀 a@x.org 👍🏽 b@y.org 🎉"
    r = redact(text)
    assert r.text == "😀 [email-1] 👍🏽 [email-2] 🎉"
    assert [(p.start, p.end) for p in r.placeholders] == [(2, 9), (13, 20)]
    assert [(p.sent_start, p.sent_end) for p in r.placeholders] == [(2, 11), (15, 24)]
    assert [text[p.start:p.end] for p in r.placeholders] == ["a@x.org", "b@y.org"]


def span_of(sent: str, word: str) -> tuple[int, int]:
    start = sent.index(word)
    return start, start + len(word)


@pytest.mark.parametrize(("where", "word", "expected"), [
    ("before", "😀 Hi", "😀 Hi"),
    ("between", "and 🎉 then", "and 🎉 then"),
    ("after", "done.", "done."),
    ("empty span, after", "", ""),
])
def test_to_original_maps_spans_away_from_placeholders(
    where: str, word: str, expected: str
) -> None:
    text = "😀 Hi a.very.long.address@example.com and 🎉 then AKIAIOSFODNN7EXAMPLE done."
    r = redact(text)
    start, end = (len(r.text), len(r.text)) if not word else span_of(r.text, word)
    mapped = r.to_original(start, end)
    assert mapped is not None
    assert text[mapped[0]:mapped[1]] == expected


@pytest.mark.parametrize(("span", "why"), [
    ((0, 4), "ends where the placeholder starts"),
    ((13, 16), "starts where the placeholder ends"),
    ((2, 6), "overlaps its start"),
    ((10, 16), "overlaps its end"),
    ((6, 8), "inside it"),
    ((0, 20), "contains it"),
    ((4, 4), "an empty span at its start"),
    ((13, 13), "an empty span at its end"),
])
def test_to_original_refuses_spans_touching_a_placeholder(
    span: tuple[int, int], why: str
) -> None:
    r = redact("Hey a@x.org hi there")
    assert r.text == "Hey [email-1] hi there"
    assert r.placeholders == (Placeholder(4, 13, 4, 11, EMAIL),)
    assert r.to_original(*span) is None, why


def test_to_original_rejects_spans_outside_the_text() -> None:
    r = redact("a@x.org")
    with pytest.raises(ValueError):
        r.to_original(0, len(r.text) + 1)


def test_nothing_to_redact_maps_spans_unchanged() -> None:
    r = redact("Plain text.")
    assert r == Redacted("Plain text.", "Plain text.", ())
    assert r.to_original(0, 5) == (0, 5)


def test_long_runs_stay_fast() -> None:
    """Lookbehinds keep each pattern linear on long runs with no match (no timing
    assertion: a quadratic pattern would take minutes here, not milliseconds)."""
    for text in ("a" * 100_000, "a@" * 50_000, "x://u:" + "p" * 100_000, "Bearer " + "a" * 100_000):
        assert redact(text).text == text


def test_a_model_s_text_gets_the_redacted_values_back() -> None:
    sent = redact("Mail ann@example.com or bob@example.org, then ann@example.com again.")
    assert sent.text == "Mail [email-1] or [email-2], then [email-1] again."
    rewrite = "Mail [email-2] first, then [email-1]; not [email-9]."
    assert sent.restored(rewrite) == (
        "Mail bob@example.org first, then ann@example.com; not [email-9].")


@pytest.mark.parametrize(("name", "text", "kind", "value"), REDACTED, ids=[c[0] for c in REDACTED])
def test_every_pattern_s_match_holds_the_cue_that_lets_a_text_be_scanned_once(
        name: str, text: str, kind: str, value: str) -> None:
    """A text without ``_CUE`` skips the patterns: each match must hold it, or a new
    pattern's values would be sent unredacted."""
    for pattern_kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            assert _CUE.search(m.group()), (pattern_kind, m.group())
    assert redact(text).placeholders  # and the cue lets it through


@pytest.mark.parametrize("value", [
    "sk-abcdefghij0123456789", "xoxb-0123456789", "eyJhbGciO.eyJzdWIiO.sig",
    "AKIA0123456789ABCDEF", "gho_" + "a1" * 15, "AIza" + "b2" * 17 + "c",
])
def test_the_shortest_prefixed_secrets_are_redacted(value: str) -> None:
    """Shorter than the generic rule's run: only their own cue lets them be scanned."""
    sent = redact(f"Paste {value} here.")
    assert value not in sent.text and sent.placeholders[0].kind == SECRET
