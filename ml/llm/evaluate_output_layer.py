"""`ohlora eval output-layer`: does the trimmed output layer change what she writes, and what does it save?

The served adapter scores only its output vocabulary (`ml.llm.output_vocab`). This loads the tuned
model twice in one process, once with the trimmed layer and once with the full 262k-token layer, and
runs the same greedy reply and the same analysis (as serving calls `analyze_turn`) through both on
the persona validation split, alternating which goes first so that neither is favoured by a warm
cache. It prints how many outputs are identical and both latencies; the last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ml.llm.dataset import is_validation, load_rows
from ml.llm.generate import analyze_turn, clean_reply, generate
from ml.llm.loader import LoadedLLM, load_llm
from ml.llm.prompts import MARKER, TurnContext, reply_prompt

REPLY_TOKENS = 48  # what `write_reply` allows


def reply_of(llm: LoadedLLM, row: dict[str, Any]) -> str:
    """Her first, greedy reply to the row's message (no screen, no fact line: the layer is what differs)."""
    ctx = TurnContext(row["message"], row["now"], memory=row.get("memory"), summary=row.get("summary"))
    gen = generate(llm, reply_prompt(ctx, tuned=True), REPLY_TOKENS, stops=(MARKER, "\n\n"))
    return clean_reply(gen.text)


def analysis_of(llm: LoadedLLM, row: dict[str, Any]) -> str:
    result = analyze_turn(llm, row["message"], row["reply"], row["now"])
    return repr((result.memories, result.summary, result.expression))


Task = Callable[[LoadedLLM, dict[str, Any]], str]
TASKS: dict[str, Task] = {"reply": reply_of, "analysis": analysis_of}


def compare(
    trimmed: LoadedLLM, full: LoadedLLM, rows: list[dict[str, Any]], show: bool = False
) -> dict[str, Any]:
    """Same-row outputs and seconds of both layers, for the reply and for the analysis."""
    same = {"reply": 0, "analysis": 0}
    seconds: dict[str, dict[str, list[float]]] = {
        task: {"trimmed": [], "full": []} for task in ("reply", "analysis")
    }
    for i, row in enumerate(rows):
        order = [("trimmed", trimmed), ("full", full)]
        if i % 2:
            order.reverse()
        for task, run in TASKS.items():
            outputs: dict[str, str] = {}
            for name, llm in order:
                started = time.perf_counter()
                outputs[name] = run(llm, row)
                seconds[task][name].append(time.perf_counter() - started)
            same[task] += outputs["trimmed"] == outputs["full"]
            if show and outputs["trimmed"] != outputs["full"]:
                print(f"[{task}] {row['message']}")
                print(f"  trimmed: {outputs['trimmed']}\n  full:    {outputs['full']}")
    result: dict[str, Any] = {"n": len(rows)}
    for task in ("reply", "analysis"):
        trimmed_p50 = statistics.median(seconds[task]["trimmed"])
        full_p50 = statistics.median(seconds[task]["full"])
        result[f"{task}_identical"] = same[task]
        result[f"{task}_trimmed_p50_s"] = round(trimmed_p50, 3)
        result[f"{task}_full_p50_s"] = round(full_p50, 3)
        result[f"{task}_speedup"] = round(full_p50 / trimmed_p50, 2)
    return result


def run_eval(args: argparse.Namespace) -> int:
    from ml.engine import EngineConfig

    config: EngineConfig = args.engine_config
    rows = [r for r in load_rows() if is_validation(r)][: args.limit]
    trimmed = load_llm(replace(config.llm, use_adapter=True, trim_output=True))
    if trimmed.adapter is None:
        print("no adapter is configured: the prompted base model always keeps its whole output layer")
        return 2
    full = load_llm(replace(config.llm, use_adapter=True, trim_output=False))
    result = compare(trimmed, full, rows, show=args.show)
    print(f"adapter: {trimmed.adapter}; validation rows: {result['n']}, alternating which layer goes first")
    for task in ("reply", "analysis"):
        print(
            f"{task:9} identical {result[f'{task}_identical']}/{result['n']}, p50 trimmed "
            f"{result[f'{task}_trimmed_p50_s']} s, full {result[f'{task}_full_p50_s']} s "
            f"({result[f'{task}_speedup']}x)"
        )
    print(json.dumps(result, ensure_ascii=False))
    return 0
