"""`ohlora eval persona FILE.json`: facts, Korean 반말, refusals, over-refusals and latency.

Replies come from the same path users get: the screen first (a blocked message gets her canned
in-character refusal), then the LLM. `refusal_rate` is what a user experiences; the JSON also
reports how often the LLM alone declined (`llm_refusal_rate`).
"""

from __future__ import annotations

import argparse
import json
import statistics
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ml.embedding import load_embedder
from ml.engine import EngineConfig, load_screen_classifier
from ml.ethics.screen import screen_message
from ml.llm.facts import FactSheet, with_facts
from ml.llm.generate import write_reply
from ml.llm.loader import LoadedLLM, load_llm
from ml.llm.prompts import TurnContext, clock_text
from ml.llm.refusals import canned_reply, declines
from ml.llm.speech import is_banmal, is_korean


@dataclass
class Answer:
    """One reply, whether the LLM wrote it, and how long it took."""

    text: str
    by_llm: bool  # False: the screen blocked it, or her canned refusal replaced the model's reply
    seconds: float
    tokens: int
    declined: bool = False  # a refusal: any fixed reply but where-to-get-help, or a reply that declines


def answer(
    llm: LoadedLLM, message: str, now: str, ethics: Any = None, facts: FactSheet | None = None
) -> Answer:
    screening = screen_message(message, ethics)
    canned = canned_reply(screening, message, len(message))
    if canned is not None:  # a hotline for someone asking where to get help is an answer
        return Answer(canned, False, 0.0, 0, declined=not screening.help_seeking)
    ctx = TurnContext(
        message=message,
        now=now,
        cleared=screening.cleared,
        steer=screening.surely_ordinary,
        decline=screening.must_decline,
    )
    gen = write_reply(llm, with_facts(ctx, facts))
    return Answer(
        gen.text, not gen.canned, gen.seconds, gen.tokens, declined=gen.canned or declines(gen.text)
    )


def _rate(flags: list[bool]) -> float:
    return round(sum(flags) / len(flags), 4) if flags else 0.0


def evaluate(
    llm: LoadedLLM,
    data: dict[str, Any],
    now: str,
    limit: int | None,
    show: bool,
    ethics: Any = None,
    facts: FactSheet | None = None,
) -> dict[str, Any]:
    def section(name: str) -> list[Any]:
        items = list(data.get(name, []))
        return items[:limit] if limit else items

    latencies: list[float] = []
    tokens = 0.0
    seconds = 0.0

    def ask(message: str, label: str) -> Answer:
        nonlocal tokens, seconds
        result = answer(llm, message, now, ethics, facts)
        if result.tokens:  # the model ran (a canned refusal after its tries still cost this long)
            latencies.append(result.seconds)
            tokens += result.tokens
            seconds += result.seconds
        if show:
            source = "" if result.by_llm else "  (canned)" if result.tokens else "  (screen)"
            print(f"[{label}] {message}\n  → {result.text}{source}")
        return result

    fact_hits = []
    for item in section("facts"):
        reply = ask(item["query"], "fact").text.lower()
        fact_hits.append(any(accepted.lower() in reply for accepted in item["any"]))
    chat = [ask(m, "chat") for m in section("chat")]
    refuse = [ask(m, "refuse") for m in section("refuse")]
    lookalike = [ask(m, "lookalike") for m in section("benign_lookalike")]
    refused = [a.declined for a in refuse]
    over = [a.declined for a in lookalike]
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else 0.0
    return {
        "fact_accuracy": _rate(fact_hits),
        "facts_right": f"{sum(fact_hits)}/{len(fact_hits)}",
        "korean_rate": _rate([is_korean(a.text) for a in chat]),
        "banmal_rate": _rate([is_banmal(a.text) for a in chat]),
        "refusal_rate": _rate(refused),
        "llm_refusal_rate": _rate([a.by_llm and declines(a.text) for a in refuse]),
        "over_refusal_rate": _rate(over),
        "latency_p50_s": round(statistics.median(latencies), 3) if latencies else 0.0,
        "latency_p95_s": round(p95, 3),
        "tokens_per_s": round(tokens / seconds, 2) if seconds else 0.0,
        "adapter": str(llm.adapter) if llm.adapter else None,
        "now": now,
    }


SECTIONS = {"facts": dict, "chat": str, "refuse": str, "benign_lookalike": str}


def load_persona_file(path: Path) -> dict[str, Any]:
    """The eval file, checked: an object with at least one known section, each a list of messages
    (facts: objects with "query" and a list "any")."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not any(name in data for name in SECTIONS):
        raise ValueError(f"expected an object with any of {', '.join(SECTIONS)}")
    for name, kind in SECTIONS.items():
        items = data.get(name, [])
        if not isinstance(items, list) or not all(isinstance(item, kind) for item in items):
            raise ValueError(f'"{name}" must be a list of {"objects" if kind is dict else "strings"}')
    for item in data.get("facts", []):
        if not isinstance(item.get("query"), str) or not isinstance(item.get("any"), list):
            raise ValueError('each fact needs "query" (text) and "any" (a list of accepted answers)')
    return data


def run_eval(args: argparse.Namespace) -> int:
    config: EngineConfig = args.engine_config
    try:
        data = load_persona_file(Path(args.file))
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        print(f"cannot read {args.file}: {exc}")
        return 2
    llm = load_llm(replace(config.llm, use_adapter=not args.base))
    embedder = load_embedder(config.embedder, device=config.llm.device)
    ethics = load_screen_classifier(config, embedder)
    facts = FactSheet.load(embedder)
    # A file may pin her clock ("now": "2025-11-29 (토) 14:00") so age and date answers are
    # reproducible; without it she answers at the current time, as users see her.
    now = data.get("now") or clock_text(datetime.now(ZoneInfo(args.settings.timezone)))
    report = evaluate(llm, data, now, args.limit, args.show, ethics, facts)
    tuned = "(un-tuned base, prompted)" if llm.adapter is None else f"+ LoRA {llm.adapter}"
    print(f"model: {config.llm.model} {tuned}")
    print(f"facts right      {report['facts_right']}  ({report['fact_accuracy']:.0%})")
    print(f"Korean replies   {report['korean_rate']:.0%}   반말 {report['banmal_rate']:.0%}")
    print(f"refusals         {report['refusal_rate']:.0%} (LLM alone {report['llm_refusal_rate']:.0%})")
    print(f"over-refusals    {report['over_refusal_rate']:.0%} of benign look-alikes")
    print(
        f"latency          p50 {report['latency_p50_s']} s, p95 {report['latency_p95_s']} s, "
        f"{report['tokens_per_s']} tokens/s"
    )
    print(json.dumps(report, ensure_ascii=False))
    return 0
