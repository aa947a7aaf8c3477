"""What is taken out of a text before it goes to a model: e-mail addresses, URLs with
credentials, API keys and tokens.

Each is replaced by a short bracketed placeholder (``[email-1]``, ``[url-1]``,
``[secret-1]``) that models copy unchanged; the same value gets the same placeholder,
so "write to [email-1] … [email-1] answered" still reads as one person. The mapping
stays here: a span of the sent text (a model's correction, diffed locally) maps back
to the original with ``Redacted.to_original``, and one that touches a placeholder maps
to nothing, so no edit is ever made to a redacted value.

The patterns are plain regular expressions (stdlib ``re``): detect-secrets and presidio
scan files or need spaCy and return no placeholders to map back through, and the forms
worth catching here are few and documented in ``_PATTERNS``. What they leave on purpose:

- a URL with a user but no password (``https://token@host/``) stays whole, unless
  the user is a prefixed token; of ``git@github.com:org/repo``, ``git@github.com``
  goes as an e-mail address;
- secrets inside a URL other than the userinfo, unless they have a known prefix;
- UUIDs, short hex (colours, short git hashes), ``Basic`` auth headers, passwords in
  prose ("the password is hunter2").

Full git hashes and other digests of 32+ hex characters are redacted: they cannot be
told apart from hex keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EMAIL = "email"
URL_CREDENTIALS = "url-credentials"
SECRET = "secret"
KINDS: frozenset[str] = frozenset({EMAIL, URL_CREDENTIALS, SECRET})
"""Every kind; all are redacted unless the caller asks for fewer."""

_LABEL = {EMAIL: "email", URL_CREDENTIALS: "url", SECRET: "secret"}
"""The word in a kind's placeholder: short, so a model leaves it alone."""
PLACEHOLDER = re.compile(r"\[(?:" + "|".join(_LABEL.values()) + r")-\d+\]")
"""What a placeholder looks like, in a model's answer as in the sent text."""
_PRIORITY = (URL_CREDENTIALS, SECRET, EMAIL)
"""Which kind wins a tie (same start, same length): a whole URL over what is in it."""

MIN_GENERIC = 32
"""Characters a run needs before the generic secret rule looks at it: shorter than any
key worth the name, longer than words, version numbers, colours and short hashes."""
_TRAILING = ".,;:!?"
"""Sentence punctuation after a URL belongs to the sentence."""
_URL_START = r"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # scheme://user:password@host…: the whole URL goes, not only the userinfo: the host
    # and path of a URL that needs a password are often private too.
    (URL_CREDENTIALS, re.compile(_URL_START + r"[^\s/?#@:]+:[^\s/?#@]*@[^\s<>\"'`)\]]*")),
    # A dotted domain that ends in two or more letters; Unicode letters allowed. Not
    # after "/": the user of a URL (https://bob@host/) is no address.
    (EMAIL, re.compile(r"(?<![\w.%+/-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")),
    # OpenAI (sk-, sk-proj-…) and Anthropic (sk-ant-…).
    (SECRET, re.compile(r"(?<![\w-])sk-[A-Za-z0-9_-]{20,}")),
    # GitHub: personal, OAuth, user-to-server, server-to-server, refresh; fine-grained.
    (SECRET, re.compile(r"(?<!\w)(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})")),
    # AWS access key ids (long-term AKIA, temporary ASIA).
    (SECRET, re.compile(r"(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])")),
    # Slack bot, app, user and refresh tokens.
    (SECRET, re.compile(r"(?<![\w-])xox[abpr]-[A-Za-z0-9-]{10,}")),
    # Google API keys.
    (SECRET, re.compile(r"(?<![\w-])AIza[0-9A-Za-z_-]{35}")),
    # JWTs: base64url header and payload of JSON objects ('{"' is 'eyJ'), a signature.
    (SECRET, re.compile(r"(?<![\w-])eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")),
    # The token after "Bearer" (the word stays); a digit in it, so "Bearer tokens" stays.
    (SECRET, re.compile(r"(?i:\bbearer)\s+(?=[A-Za-z0-9._~+/-]*[0-9])([A-Za-z0-9._~+/-]{12,}=*)")),
    # Generic: see _looks_random.
    (SECRET, re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{" + str(MIN_GENERIC)
                        + r",}={0,2}(?![A-Za-z0-9+/_=-])")),
)
_GENERIC = _PATTERNS[-1][1]
_CUE = re.compile(r"@|sk-|AKIA|ASIA|xox[abpr]-|eyJ|(?i:bearer)|[A-Za-z0-9+/_-]{"
                  + str(MIN_GENERIC) + "}")
"""What every pattern's match contains (GitHub's and Google's keys are runs as long as
the generic rule's): a text without any is sent as it is after one scan instead of one
per pattern (most sentences; a keystroke redacts several)."""
_URL = re.compile(_URL_START + r"\S+")
_HEX = re.compile(r"[0-9a-f]+|[0-9A-F]+")


@dataclass(frozen=True)
class Placeholder:
    """One redacted value: where its placeholder is in the sent text, and where the
    value was in the original (both in code points)."""

    sent_start: int
    sent_end: int
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Redacted:
    """A text as sent to a model, with the way back to the original."""

    original: str
    text: str
    placeholders: tuple[Placeholder, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int] | None:
        """A span of ``text`` in ``original``'s offsets; None when it touches/overlaps a
        placeholder (an edit there would change a value the model never saw)."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span {start}..{end} is outside the sent text ({len(self.text)})")
        shift = 0
        for p in self.placeholders:
            if end < p.sent_start:
                break
            if start <= p.sent_end:
                return None
            shift += (p.end - p.start) - (p.sent_end - p.sent_start)
        return start + shift, end + shift

    def restored(self, answer: str) -> str:
        """A model's text with each placeholder of ours put back to its value (a rewrite
        shown to the writer must say what they wrote, not ``[email-1]``)."""
        values = {self.text[p.sent_start:p.sent_end]: self.original[p.start:p.end]
                  for p in self.placeholders}
        if not values:
            return answer
        return PLACEHOLDER.sub(lambda m: values.get(m.group(), m.group()), answer)


def redact(text: str, kinds: frozenset[str] = KINDS) -> Redacted:
    """``text`` with every value of ``kinds`` replaced by a numbered placeholder."""
    unknown = kinds - KINDS
    if unknown:
        raise ValueError(f"unknown redaction kinds: {', '.join(sorted(unknown))}")
    parts: list[str] = []
    placeholders: list[Placeholder] = []
    names: dict[tuple[str, str], str] = {}
    counts = dict.fromkeys(KINDS, 0)
    last = sent = 0
    for kind, start, end in _spans(text, kinds):
        value = text[start:end]
        name = names.get((kind, value))
        if name is None:
            name = _next_name(kind, counts, text)
            names[kind, value] = name
        parts += [text[last:start], name]
        sent += start - last
        placeholders.append(Placeholder(sent, sent + len(name), start, end, kind))
        sent += len(name)
        last = end
    parts.append(text[last:])
    return Redacted(text, "".join(parts), tuple(placeholders))


def _next_name(kind: str, counts: dict[str, int], text: str) -> str:
    """The kind's next placeholder, skipping any the text already contains, so each
    placeholder in the sent text is one of ours."""
    while True:
        counts[kind] += 1
        name = f"[{_LABEL[kind]}-{counts[kind]}]"
        if name not in text:
            return name


def _spans(text: str, kinds: frozenset[str]) -> list[tuple[str, int, int]]:
    """Non-overlapping (kind, start, end), in order; of overlapping matches the one
    that starts first wins, then the longer, then by ``_PRIORITY``."""
    if not _CUE.search(text):
        return []
    found: list[tuple[int, int, int, str]] = []
    urls = [m.span() for m in _URL.finditer(text)] if SECRET in kinds else []
    for kind, pattern in _PATTERNS:
        if kind not in kinds:
            continue
        for m in pattern.finditer(text):
            start, end = m.span(m.lastindex or 0)
            if kind == URL_CREDENTIALS:
                end = start + len(m.group().rstrip(_TRAILING))
            if pattern is _GENERIC and not _looks_random(m.group(), start, urls):
                continue
            found.append((start, -(end - start), _PRIORITY.index(kind), kind))
    spans: list[tuple[str, int, int]] = []
    for start, negative_length, _, kind in sorted(found):
        if not spans or start >= spans[-1][2]:
            spans.append((kind, start, start - negative_length))
    return spans


def _looks_random(run: str, start: int, urls: list[tuple[int, int]]) -> bool:
    """The generic rule, for a run of at least MIN_GENERIC base64/base64url characters:
    hex in one case with letters and digits (keys, digests), or upper- and lower-case
    letters and digits together (base64 keys such as AWS secret keys). Words, snake_case
    names, UUIDs (dashes break the hex) stay; so do runs inside a URL (a path such as
    /Reports/Q3/2024/…), where only the prefixed patterns apply. A CamelCase name of 32+
    characters with a digit is redacted: a rare loss, and never a leak."""
    if any(u_start <= start < u_end for u_start, u_end in urls):
        return False
    has_digit = any(c.isdigit() for c in run)
    if _HEX.fullmatch(run):
        return has_digit and any(c.isalpha() for c in run)
    return has_digit and any(c.isupper() for c in run) and any(c.islower() for c in run)
