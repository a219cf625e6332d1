"""`ohlora eval analysis [FILE.jsonl]`: how well the analysis of a turn extracts memories, and its
summary and expression.

Rows have the persona data's format (`message`, `reply`, `now`, `memories`, `turn_summary`, `eyes`,
`mouth`, `pose`); without a file the persona data's own validation split is used, which the
adapter never trained on. Each row goes through `analyze_turn` exactly as serving calls it, with the
row's written reply as her reply.

A stored memory matches a written one when their character bigrams overlap by Dice ≥ `MATCH`
(the same fact in other words: `[취미: 보컬 학원]` / `[취미: 보컬 학원 다니기]`). A matched memory
with a day word (내일, 이번 주 금요일) must also resolve to the same date.

`--sweep` also times the cost of the list-opening rule: for each `open_ratio` on a grid it prints
memory recall and the share of memory-free turns that stored something anyway.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from ml.llm.analysis import TurnAnalysis
from ml.llm.dataset import is_validation, load_rows
from ml.llm.generate import MEMORY_OPEN_RATIO, analyze_turn, memory_open_probability
from ml.llm.loader import LoadedLLM, load_llm
from ml.llm.prompts import analysis_prompt
from ml.llm.speech import is_korean
from ml.memory.dates import resolve_relative_dates
from ml.memory.records import MemoryFact, parse_memories
from ml.text.normalize import letter_bigrams

MATCH = 0.4
SWEEP = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5)


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the two texts' character bigrams (letters and digits only)."""
    x, y = letter_bigrams(a), letter_bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


@dataclass(frozen=True)
class MemoryScore:
    """Counts for one row's stored memories against the written ones."""

    gold: int
    stored: int
    found: int  # written memories some stored memory matches
    correct: int  # stored memories that match a written one
    dated: int  # found written memories that name a day
    dated_right: int  # ... whose stored match resolves to the same date


def score_memories(stored: list[MemoryFact], gold: list[MemoryFact], today: date) -> MemoryScore:
    found = dated = dated_right = 0
    for g in gold:
        best = max(stored, key=lambda s: similarity(s.text, g.text), default=None)
        if best is None or similarity(best.text, g.text) < MATCH:
            continue
        found += 1
        day = resolve_relative_dates(g, today).valid_on
        if day is not None:
            dated += 1
            dated_right += resolve_relative_dates(best, today).valid_on == day
    correct = sum(any(similarity(s.text, g.text) >= MATCH for g in gold) for s in stored)
    return MemoryScore(len(gold), len(stored), found, correct, dated, dated_right)


@dataclass
class Row:
    """One analysed row: what was written, what the production path stored, and for the sweep the
    open probability with the analysis the model gives with the list opened and with it closed."""

    data: dict[str, Any]
    analysis: TurnAnalysis
    seconds: float
    p_open: float
    opened: TurnAnalysis | None = None
    closed: TurnAnalysis | None = None

    @property
    def gold(self) -> list[MemoryFact]:
        return parse_memories(" ".join(self.data["memories"]))

    @property
    def today(self) -> date:
        return date.fromisoformat(self.data["now"][:10])


def analyse_rows(llm: LoadedLLM, rows: list[dict[str, Any]], sweep: bool, show: bool) -> list[Row]:
    done = []
    for i, data in enumerate(rows, 1):
        prompt = analysis_prompt(data["message"], data["reply"], data["now"], few_shot=llm.adapter is None)
        # Computed again inside analyze_turn, on purpose: the timed call is exactly what serving pays.
        p_open = memory_open_probability(llm, prompt) if llm.adapter is not None else 0.0
        started = time.perf_counter()
        analysis = analyze_turn(llm, data["message"], data["reply"], data["now"])
        row = Row(data, analysis, time.perf_counter() - started, p_open)
        if sweep and llm.adapter is not None:
            production_opened = p_open >= MEMORY_OPEN_RATIO
            row.opened = analysis if production_opened else None
            row.closed = None if production_opened else analysis
            if row.opened is None and p_open >= min(SWEEP):
                row.opened = analyze_turn(llm, data["message"], data["reply"], data["now"], open_ratio=0.0)
        if show:
            stored = " ".join(f.text for f in analysis.memories) or "없음"
            written = " ".join(data["memories"]) or "없음"
            e = analysis.expression
            print(
                f"[{i}/{len(rows)}] {data['message']}\n"
                f"  기억 {stored}  (written: {written}, p_open {p_open:.2f})"
                f"\n  요약 {analysis.summary}\n  표정 눈 {e.eyes}, 입 {e.mouth}, 고개 {e.pose}"
                f"  (written: 눈 {data['eyes']}, 입 {data['mouth']}, 고개 {data['pose']})",
                flush=True,
            )
        done.append(row)
    return done


def _ratio(hits: float, total: float) -> float:
    return round(hits / total, 4) if total else 0.0


def memory_report(scored: list[tuple[MemoryScore, bool]]) -> dict[str, float]:
    """`scored`: each row's counts and whether it has written memories."""
    gold = sum(s.gold for s, _ in scored)
    stored = sum(s.stored for s, _ in scored)
    empty_rows = [s for s, has in scored if not has]
    return {
        "memory_recall": _ratio(sum(s.found for s, _ in scored), gold),
        "memory_precision": _ratio(sum(s.correct for s, _ in scored), stored),
        "spurious_rate": _ratio(sum(s.stored > 0 for s in empty_rows), len(empty_rows)),
        "date_accuracy": _ratio(sum(s.dated_right for s, _ in scored), sum(s.dated for s, _ in scored)),
    }


def report(rows: list[Row]) -> dict[str, Any]:
    scored = [(score_memories(r.analysis.memories, r.gold, r.today), bool(r.gold)) for r in rows]

    def axis(name: str) -> float:
        return _ratio(sum(getattr(r.analysis.expression, name) == r.data[name] for r in rows), len(rows))

    return {
        **memory_report(scored),
        "eyes_accuracy": axis("eyes"),
        "mouth_accuracy": axis("mouth"),
        "pose_accuracy": axis("pose"),
        "summary_korean_rate": _ratio(sum(is_korean(r.analysis.summary) for r in rows), len(rows)),
        "repaired_rate": _ratio(sum(r.analysis.repaired for r in rows), len(rows)),
        "latency_p50_s": round(statistics.median(r.seconds for r in rows), 3) if rows else 0.0,
        "n": len(rows),
        "with_memories": sum(has for _, has in scored),
    }


def sweep_report(rows: list[Row]) -> list[dict[str, float]]:
    """Recall and spurious rate had the list been opened at each ratio of `SWEEP`.

    A row whose closed analysis was not computed (production opened it) counts as storing nothing
    when a higher ratio would have kept the list closed; that is what the model almost always
    writes then ("없음").
    """
    lines = []
    for ratio in SWEEP:
        scored = []
        for r in rows:
            chosen = r.opened if r.p_open >= ratio else r.closed
            stored = chosen.memories if chosen is not None else []
            scored.append((score_memories(stored, r.gold, r.today), bool(r.gold)))
        lines.append({"open_ratio": ratio, **memory_report(scored)})
    return lines


FIELDS = ("message", "reply", "now", "memories", "eyes", "mouth", "pose")


def load_analysis_rows(file: Path | None, limit: int | None) -> list[dict[str, Any]]:
    """The persona validation split, or a JSON-lines file of rows in its format (checked here, so a
    malformed file is refused before the model loads)."""
    if file is None:
        rows = [r for r in load_rows() if is_validation(r)]
    else:
        rows = []
        with file.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                row = json.loads(line)
                missing = [f for f in FIELDS if not isinstance(row, dict) or f not in row]
                if missing:
                    raise ValueError(f"line {number} lacks {', '.join(missing)}")
                rows.append(row)
    return rows[:limit] if limit else rows


def run_eval(args: argparse.Namespace) -> int:
    from ml.engine import EngineConfig  # the engine's config names the model and adapter

    config: EngineConfig = args.engine_config
    try:
        rows = load_analysis_rows(args.file, args.limit)
    except (OSError, ValueError) as exc:  # json.JSONDecodeError is a ValueError
        print(f"cannot read {args.file}: {exc}")
        return 2
    llm = load_llm(replace(config.llm, use_adapter=not args.base))
    done = analyse_rows(llm, rows, args.sweep, args.show)
    result = report(done)
    tuned = "(un-tuned base, prompted)" if llm.adapter is None else f"+ LoRA {llm.adapter}"
    print(f"model: {config.llm.model} {tuned}; rows: {result['n']} ({result['with_memories']} with memories)")
    print(
        f"memories    recall {result['memory_recall']:.0%}, precision {result['memory_precision']:.0%}, "
        f"stored on memory-free turns {result['spurious_rate']:.0%}, "
        f"dates right {result['date_accuracy']:.0%}"
    )
    print(
        f"expression  eyes {result['eyes_accuracy']:.0%}, mouth {result['mouth_accuracy']:.0%}, "
        f"pose {result['pose_accuracy']:.0%}"
    )
    print(
        f"summary     Korean {result['summary_korean_rate']:.0%}; repaired analyses "
        f"{result['repaired_rate']:.0%}; latency p50 {result['latency_p50_s']} s"
    )
    if args.sweep and llm.adapter is not None:
        print(f"open ratio  (serving uses {MEMORY_OPEN_RATIO})")
        for line in sweep_report(done):
            print(
                f"  {line['open_ratio']:.2f}  recall {line['memory_recall']:.0%}  precision "
                f"{line['memory_precision']:.0%}  spurious {line['spurious_rate']:.0%}"
            )
    print(json.dumps(result, ensure_ascii=False))
    return 0
