"""``python -m bench.evaluate --llm MODEL``: what a model adds to the grammar agent.

Every sentence is reviewed twice with the grammar agent alone: offline, and asking the
model (``grammar.llm`` merged with the engines' findings), so both columns come from
the same settings and the same engines. The model's answers go through the user's
result cache (``$PROSEWISE_CACHE_DIR``): a second run of the same slice is free. The
model is reached as the CLI reaches it: ``--api-base`` for a local or proxy server,
``--api-key-env`` naming the variable that holds a hosted provider's key.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bench.evalsets import Checked, check_texts
from prosewise.agents.engines.hub import EngineHub
from prosewise.agents.llm.cache import ResultCache
from prosewise.agents.llm.checks import LlmChecks
from prosewise.agents.llm.config import LlmSettings
from prosewise.agents.model import AgentName
from prosewise.agents.settings import Settings
from prosewise.server.cli import model_summary
from prosewise.server.pipeline import Pipeline

VIEWS = ("grammar", "grammar-raw")
"""The views that say what the grammar agent finds (the others add the other agents)."""


@dataclass(frozen=True)
class ModelRun:
    """The reviews made with the model, and the line saying what they cost."""

    reviews: dict[str, Checked]
    cost: str


def add_arguments(ap: argparse.ArgumentParser) -> None:
    """The options of the model mode."""
    ap.add_argument("--llm", metavar="MODEL",
                    help="also score the grammar agent with this litellm model, e.g."
                         " openai/gpt-4o-mini, ollama/llama3.2, openai/NAME with --api-base")
    ap.add_argument("--api-base", metavar="URL", help="the model's server (with --llm)")
    ap.add_argument("--api-key-env", metavar="NAME",
                    help="the environment variable holding the model's key (with --llm)")


def grammar_settings(settings: Settings) -> Settings:
    """The same settings with the grammar agent alone, so the two runs compare."""
    return settings.model_copy(update={"agents": {a: a is AgentName.GRAMMAR for a in AgentName}})


def model_settings(settings: Settings, args: argparse.Namespace) -> Settings:
    """``settings`` asking the model that the command line names."""
    llm = LlmSettings(model=args.llm, api_base=args.api_base, api_key_env=args.api_key_env)
    return settings.model_copy(update={"llm": llm})


def check_with_model(texts: list[str], settings: Settings,
                     args: argparse.Namespace) -> ModelRun:
    """Every text reviewed asking the model, with the user's result cache."""
    checks = LlmChecks(ResultCache())
    pipeline = Pipeline(engines=EngineHub.for_batch(lite=args.lite), llm=checks)
    try:
        reviews = check_texts(texts, model_settings(settings, args), args.concurrency,
                              pipeline=pipeline)
    finally:
        pipeline.close()
        checks.cache.close()
    return ModelRun(reviews, model_summary(checks))


def _figures(m: dict[str, Any]) -> str:
    fa = m.get("false_alarms_per_1k_words")
    cells = [m["precision"], m["recall"], m["f0.5"]]
    text = " ".join("  n/a" if x is None else f"{100 * x:5.1f}" for x in cells)
    return f"{text} {'n/a' if fa is None else f'{fa:.1f}':>6} {m['flags']:6d}"


def print_side_by_side(offline: Sequence[Any], model: Sequence[Any], cost: str) -> None:
    """Per set and view: P / R / F0.5 / false alarms per 1k words / flags, offline then
    with the model; then the model's calls, tokens and cost."""
    print(f"{'set':14} {'view':12} {'offline P/R/F0.5, FA/1k, flags':34}   with the model")
    for off, on in zip(offline, model, strict=True):
        print(f"{off.set:14} {off.view:12} {_figures(off.metrics):34}   {_figures(on.metrics)}")
    print(cost)
