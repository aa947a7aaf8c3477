"""The routing table: every engine rule goes to one agent under a stable Prosewise id."""

from __future__ import annotations

import pytest

from prosewise.agents.engines.hub import EngineHit
from prosewise.agents.model import AgentName, Category, Replacement, Severity
from prosewise.agents.routing import (
    clean_message,
    parse_table,
    route,
    routing_table,
    strip_markdown,
    to_finding,
)

# Harper's lint kinds (harper-py 0.2.0) and lingotweaker's categories seen on the eval sets.
HARPER_KINDS = [
    "Agreement", "BoundaryError", "Capitalization", "Eggcorn", "Enhancement", "Formatting",
    "Grammar", "Malapropism", "Miscellaneous", "Nonstandard", "Punctuation", "Readability",
    "Redundancy", "Regionalism", "Repetition", "Spelling", "Style", "Typo", "Usage", "WordChoice",
]
LINGO_CATEGORIES = [
    "GRAMMAR", "TYPOS", "PUNCTUATION", "CASING", "STYLE", "REDUNDANCY", "PLAIN_ENGLISH",
    "CONFUSED_WORDS", "COLLOCATIONS", "TYPOGRAPHY", "SEMANTICS", "MISC", "COMPOUNDING",
    "NONSTANDARD_PHRASES", "PROPER_NOUNS", "MULTITOKEN_SPELLING", "BRITISH_ENGLISH",
    "AMERICAN_ENGLISH_STYLE", "REPETITIONS_STYLE",
]


def hit(engine: str, rule: str, kind: str, message: str = "msg") -> EngineHit:
    return EngineHit(engine=engine, rule=rule, kind=kind, start=0, end=1, message=message)


@pytest.mark.parametrize(("engine", "rule", "kind", "expected"), [
    ("harper", "SpellCheck", "Spelling", "grammar.spelling"),
    ("harper", "AnA", "Miscellaneous", "grammar.article"),
    ("harper", "PronounVerbAgreement", "Agreement", "grammar.agreement"),
    ("harper", "RepeatedWords", "Repetition", "grammar.repeated-word"),
    ("harper", "SentenceCapitalization", "Capitalization", "grammar.capitalization"),
    ("harper", "TheirToThere", "Grammar", "grammar.confused-words"),
    ("harper", "SimplePastToPastParticiple", "Grammar", "grammar.verb-form"),
    ("harper", "UseEllipsisCharacter", "Formatting", "grammar.typography"),
    ("harper", "Regionalisms", "Regionalism", "grammar.dialect"),
    ("harper", "AvoidAndAlso", "Redundancy", "style.redundancy"),
    ("harper", "ExpandBecause", "Style", "style.phrasing"),
    ("harper", "SomeNewRule", "Readability", "clarity.readability"),
    ("harper", "SomeNewRule", "NoSuchKind", "grammar.usage"),
    ("lingotweaker", "MORFOLOGIK_RULE_EN_US", "TYPOS/misspelling", "grammar.spelling"),
    ("lingotweaker", "MORFOLOGIK_RULE_EN_US", "TYPOS/locale-violation", "grammar.dialect"),
    ("lingotweaker", "EN_A_VS_AN", "MISC/misspelling", "grammar.article"),
    ("lingotweaker", "ENGLISH_WORD_REPEAT_RULE", "MISC/duplication", "grammar.repeated-word"),
    ("lingotweaker", "HE_VERB_AGR", "GRAMMAR/grammar", "grammar.agreement"),
    ("lingotweaker", "MD_BASEFORM", "GRAMMAR/grammar", "grammar.verb-form"),
    ("lingotweaker", "THEIR_IS", "CONFUSED_WORDS/misspelling", "grammar.confused-words"),
    ("lingotweaker", "COMMA_COMPOUND_SENTENCE", "PUNCTUATION/Other", "grammar.comma"),
    ("lingotweaker", "EN_UNPAIRED_QUOTES", "PUNCTUATION/typographical", "grammar.punctuation"),
    ("lingotweaker", "EN_ELLIPSIS", "TYPOGRAPHY/typographical", "grammar.typography"),
    ("lingotweaker", "ALL_OF_THE", "REDUNDANCY/style", "style.redundancy"),
    ("lingotweaker", "SOME_RULE", "PLAIN_ENGLISH/style", "style.wordiness"),
    ("lingotweaker", "GONNA", "STYLE/style", "style.phrasing"),
    ("lingotweaker", "NEW_RULE", "NEW_CATEGORY/other", "grammar.usage"),
])
def test_rule_routes_to_one_id(engine: str, rule: str, kind: str, expected: str) -> None:
    h = hit(engine, rule, kind)
    assert routing_table().spec(h).id == expected
    assert route(h) is AgentName(expected.split(".")[0])
    assert to_finding(h, "x").rule == expected


@pytest.mark.parametrize(("engine", "rule", "kind"), [
    ("harper", "LongSentences", "Readability"),
    ("harper", "OxfordComma", "Style"),
    ("harper", "Dashes", "Formatting"),
    ("lingotweaker", "MISSING_COMMA_AFTER_YEAR", "AMERICAN_ENGLISH_STYLE/style"),
    ("lingotweaker", "OXFORD_SPELLING_Z_NOT_S", "TYPOS/misspelling"),
    ("lingotweaker", "EN_DATE_WEEKDAY_CURRENTYEAR", "SEMANTICS/inconsistency"),
])
def test_noisy_engine_rules_are_switched_off(engine: str, rule: str, kind: str) -> None:
    assert route(hit(engine, rule, kind)) is None


@pytest.mark.parametrize("kind", HARPER_KINDS)
def test_every_harper_kind_has_a_route(kind: str) -> None:
    assert kind in routing_table().kinds["harper"]


@pytest.mark.parametrize("category", LINGO_CATEGORIES)
def test_every_lingotweaker_category_has_a_route(category: str) -> None:
    assert category in routing_table().kinds["lingotweaker"]


def test_style_and_readability_rules_never_go_to_grammar() -> None:
    table = routing_table()
    for kind in ("Style", "Enhancement", "Redundancy", "Readability"):
        assert table.ids[table.kinds["harper"][kind]].agent is not AgentName.GRAMMAR


def test_errors_are_errors_and_typography_is_a_hint() -> None:
    ids = routing_table().ids
    assert ids["grammar.spelling"].severity is Severity.ERROR
    assert ids["grammar.agreement"].severity is Severity.ERROR
    assert ids["grammar.typography"].severity is Severity.HINT
    assert ids["grammar.spelling"].category is Category.SPELLING


def test_engine_rule_prior_only_lowers() -> None:
    table = routing_table()
    noisy = hit("harper", "SplitWords", "Typo")
    assert table.prior(noisy) < table.spec(noisy).confidence
    dialect = hit("lingotweaker", "MORFOLOGIK_RULE_EN_US", "TYPOS/locale-violation")
    assert table.prior(dialect) == table.ids["grammar.dialect"].confidence


def test_undeclared_id_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"grammar\.nope"):
        parse_table({"default": "grammar.nope", "ids": {}})


def test_finding_keeps_engine_rule_and_cleans_messages() -> None:
    text = "This is a apple."
    h = EngineHit(
        engine="lingotweaker", rule="EN_A_VS_AN", kind="MISC/misspelling", start=8, end=9,
        message="Use <suggestion>an</suggestion> instead of 'a'.",
        replacements=(Replacement(value="an"),),
    )
    f = to_finding(h, text)
    assert f.sources == ("lingotweaker:EN_A_VS_AN",)
    assert f.message == "Use “an” instead of 'a'."
    assert f.explanation == f.message
    assert f.text == "a"
    assert f.severity is Severity.ERROR


def test_harper_description_becomes_plain_explanation() -> None:
    h = EngineHit(engine="harper", rule="AnA", kind="Miscellaneous", start=0, end=1,
                  message="Use `an`.", explanation="Looks for **wrong** articles: `a` vs `an`.")
    f = to_finding(h, "a")
    assert f.message == "Use “an”."
    assert f.explanation == "Looks for wrong articles: “a” vs “an”."


@pytest.mark.parametrize(("raw", "clean"), [
    ("Did you mean <suggestion>there</suggestion>?", "Did you mean “there”?"),
    ("Did you mean `there`?", "Did you mean “there”?"),
    ("See [the guide](https://example.org) for *more*.", "See the guide for more."),
    ("Plain   text\nwith breaks", "Plain text with breaks"),
])
def test_clean_message(raw: str, clean: str) -> None:
    assert clean_message(raw) == clean
    assert strip_markdown(clean) == clean
