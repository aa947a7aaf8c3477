"""Which agent owns each engine rule, under which stable Prosewise rule id.

The table is data (``agents/data/routing.toml``): every harper / lingotweaker rule
goes to exactly one agent, so a style rule of harper is never also a grammar finding.
Engine rule names stay visible in ``Finding.sources`` ("harper:AnA"); users switch
the grouped Prosewise ids ("grammar.article") on and off.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from prosewise.agents.engines.hub import EngineHit
from prosewise.agents.model import AgentName, Category, Finding, Severity, Source


@dataclass(frozen=True)
class RuleSpec:
    """One user-facing rule id that engine rules are grouped into."""

    id: str
    category: Category
    severity: Severity
    confidence: float
    title: str = ""
    message: str = ""
    """Message for every hit of the id (``{match}`` = quoted text), when the engines'
    own messages are too generic ("Possible spelling mistake found.")."""

    @property
    def agent(self) -> AgentName:
        """The owning agent, from the id prefix."""
        return AgentName(self.id.split(".", 1)[0])


@dataclass(frozen=True)
class RoutingTable:
    """The parsed routing table; see the TOML file's header for the lookup order."""

    ids: dict[str, RuleSpec]
    default: str
    kinds: dict[str, dict[str, str]] = field(default_factory=dict)
    rules: dict[str, dict[str, str]] = field(default_factory=dict)
    off: dict[str, frozenset[str]] = field(default_factory=dict)
    priors: dict[str, dict[str, float]] = field(default_factory=dict)
    same: dict[str, str] = field(default_factory=dict)
    """Engines whose rules are another's, routed as that one's: [same_rules]."""

    def _engine(self, hit: EngineHit) -> str:
        return self.same.get(hit.engine, hit.engine)

    def is_off(self, hit: EngineHit) -> bool:
        """Whether the engine rule is switched off for everyone."""
        return hit.rule in self.off.get(self._engine(hit), frozenset())

    def spec(self, hit: EngineHit) -> RuleSpec:
        """The Prosewise rule an engine hit is reported under (ignoring [off])."""
        engine = self._engine(hit)
        rule_id = self.rules.get(engine, {}).get(hit.rule)
        if rule_id is None:
            kinds = self.kinds.get(engine, {})
            rule_id = kinds.get(hit.kind) or kinds.get(hit.kind.split("/")[0]) or self.default
        return self.ids[rule_id]

    def prior(self, hit: EngineHit) -> float:
        """Confidence before context: the id's prior, lowered by the engine rule's own.

        Only lowered: an engine rule known to be noisy stays below its group, and a hit
        re-filed under another id by its kind (a speller's dialect hint) gets that id's.
        """
        spec = self.spec(hit)
        own = self.priors.get(self._engine(hit), {}).get(hit.rule, spec.confidence)
        return min(own, spec.confidence)


def parse_table(data: dict[str, Any]) -> RoutingTable:
    """Build the table from parsed TOML; raises ValueError when an id is unknown."""
    ids = {
        key: RuleSpec(id=key, category=Category(v["category"]), severity=Severity(v["severity"]),
                      confidence=float(v["confidence"]), title=v.get("title", ""),
                      message=v.get("message", ""))
        for key, v in data.get("ids", {}).items()
    }
    table = RoutingTable(
        ids=ids, default=data["default"], kinds=data.get("kinds", {}), rules=data.get("rules", {}),
        off={k: frozenset(v) for k, v in data.get("off", {}).items()},
        priors={k: {r: float(c) for r, c in v.items()} for k, v in data.get("prior", {}).items()},
        same=dict(data.get("same_rules", {})),
    )
    named = [table.default] + [i for t in (*table.kinds.values(), *table.rules.values())
                               for i in t.values()]
    unknown = sorted(set(named) - set(ids))
    if unknown:
        raise ValueError(f"routing.toml: ids used but not declared: {unknown}")
    return table


@lru_cache(maxsize=1)
def routing_table() -> RoutingTable:
    """The shipped routing table (read once)."""
    text = resources.files("prosewise.agents").joinpath("data", "routing.toml").read_text("utf-8")
    return parse_table(tomllib.loads(text))


def route(hit: EngineHit) -> AgentName | None:
    """The one agent an engine hit belongs to; None when the engine rule is switched off."""
    table = routing_table()
    return None if table.is_off(hit) else table.spec(hit).agent


def to_finding(hit: EngineHit, text: str) -> Finding:
    """An engine hit as a finding of its agent, under its Prosewise rule id."""
    table = routing_table()
    spec = table.spec(hit)
    quoted = text[hit.start:hit.end]
    message = spec.message.format(match=quoted) if spec.message else clean_message(hit.message)
    return Finding(
        agent=spec.agent, rule=spec.id, category=spec.category,
        start=hit.start, end=hit.end, text=quoted, message=message,
        replacements=hit.replacements, severity=spec.severity, confidence=table.prior(hit),
        explanation=strip_markdown(hit.explanation) or clean_message(hit.message),
        sources=(Source.of(hit.engine, hit.rule),),
    )


_SUGGESTION = re.compile(r"<suggestion>(.*?)</suggestion>", re.DOTALL)
_TAG = re.compile(r"</?[a-z]+>")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_CODE = re.compile(r"`([^`]+)`")
_EMPHASIS = re.compile(r"(\*\*|__|\*)(\S(?:.*?\S)?)\1")


def clean_message(message: str) -> str:
    """An engine message for people: lingotweaker's ``<suggestion>x</suggestion>`` and
    harper's ```x``` both become “x”."""
    out = _TAG.sub("", _SUGGESTION.sub(r"“\1”", message))
    return strip_markdown(out)


def strip_markdown(text: str) -> str:
    """Harper's Markdown rule descriptions as plain text (code spans become quotes)."""
    out = _LINK.sub(r"\1", text)
    out = _CODE.sub(r"“\1”", out)
    out = _EMPHASIS.sub(r"\2", out)
    return " ".join(out.split())
