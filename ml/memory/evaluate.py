"""`ohlora eval memory FILE.json [--threshold T]`: top-1 retrieval and abstention on a held-out file.

The file is `{"memories": ["[key: value]", …], "cases": [{"query": …, "expect": memory or null}]}`,
all memories belonging to one user. The embedder is loaded by `ml.embedding.load_embedder` from the
same setting production reads, every memory is embedded once (as when it is stored), and each case
is answered by `ml.memory.retrieve.retrieve_memory`. Memories are stored as written, without date
resolution, so the expected texts match. The last line printed is JSON:
{"top1_accuracy", "abstain_precision", "abstain_recall", "n", …}.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

import numpy as np

from ml.embedding import load_embedder
from ml.engine import EngineConfig
from ml.memory.metrics import answer_cases, retrieval_report
from ml.memory.rerank import load_cue_bonus, load_reranker, retrieval_threshold


def load_eval_file(path: Path) -> tuple[list[str], list[tuple[str, str | None]]]:
    """Memories and (query, expected memory or None) cases; every expected memory must be listed."""
    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    memories = [str(m) for m in payload["memories"]]
    cases = [
        (str(c["query"]), None if c.get("expect") is None else str(c["expect"])) for c in payload["cases"]
    ]
    unknown = {e for _, e in cases if e is not None and e not in memories}
    if unknown:
        raise ValueError(f"{path}: expected memories missing from 'memories': {sorted(unknown)[:3]}")
    return memories, cases


def run_eval(args: argparse.Namespace) -> int:
    # torch's own thread count, as the bot and `ohlora bench` run it, so the retrieval times agree.
    settings = getattr(args, "settings", None)  # the CLI's Settings; absent when called directly
    defaults = EngineConfig()
    name = getattr(settings, "embedder", defaults.embedder)
    reranker = load_reranker(name)
    cues = load_cue_bonus(name)
    configured = getattr(settings, "memory_threshold", defaults.memory_threshold)
    default = retrieval_threshold(name, reranker, configured)
    threshold = float(args.threshold) if getattr(args, "threshold", None) is not None else float(default)
    device = getattr(settings, "device", "cpu")
    try:
        memories, cases = load_eval_file(Path(args.file))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"cannot read {args.file}: {exc}")
        return 2

    embedder = load_embedder(name, device=device)
    embedder.encode(["warm-up"])  # first call pays one-off allocation; keep it out of the timings
    outcomes, millis = answer_cases(
        embedder, [memories], [(q, e, 0) for q, e in cases], date.today(), reranker, cues
    )
    report = retrieval_report(outcomes, threshold)
    expecting = sum(e is not None for _, e in cases)
    kind = "reranker probability" if reranker is not None else "cosine"
    cue_note = f", association cues +{cues.weight:.2f}" if cues is not None else ""
    print(
        f"embedder {name}, {kind} threshold {threshold:.3f}{cue_note}, "
        f"{len(memories)} memories, {len(cases)} cases"
    )
    print(f"top-1 accuracy where a memory applies: {report['top1_accuracy']:.3f} ({expecting} cases)")
    print(
        f"abstention where none applies: precision {report['abstain_precision']:.3f}, "
        f"recall {report['abstain_recall']:.3f} ({len(cases) - expecting} cases)"
    )
    print(f"top-1 before the threshold: {report['rank1_no_threshold']:.3f}")
    print(f"memories handed to her that were the expected one: {report['pick_precision']:.3f}")
    median, p95 = float(np.median(millis)), float(np.percentile(millis, 95))
    print(f"retrieval time per message: median {median:.2f} ms, p95 {p95:.2f} ms")
    summary = {
        "top1_accuracy": round(report["top1_accuracy"], 4),
        "abstain_precision": round(report["abstain_precision"], 4),
        "abstain_recall": round(report["abstain_recall"], 4),
        "n": len(cases),
        "n_expect_memory": expecting,
        "rank1_no_threshold": round(report["rank1_no_threshold"], 4),
        "pick_precision": round(report["pick_precision"], 4),
        "threshold": threshold,
        "embedder": name,
        "reranker": reranker is not None,
        "cue_weight": cues.weight if cues is not None else 0.0,
        "median_ms": round(median, 3),
        "p95_ms": round(p95, 3),
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0
