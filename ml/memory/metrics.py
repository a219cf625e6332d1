"""Scores for the memory model: pair MSE / Pearson (as the reference reported) and retrieval
top-1 with abstention, plus the threshold choice that trades one against the other."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from ml.embedding import SentenceEmbedder, to_blob
from ml.memory.cues import CueBonus
from ml.memory.rerank import Reranker
from ml.memory.retrieve import StoredMemory, retrieve_memory


@dataclass(frozen=True)
class Outcome:
    """One answered case: the best memory and its score before any threshold, and what was expected."""

    best: str | None  # None only when the store was empty
    score: float
    expect: str | None


def answer_cases(
    embedder: SentenceEmbedder,
    stores: Sequence[Sequence[str]],
    cases: Sequence[tuple[str, str | None, int]],
    today: date,
    reranker: Reranker | None = None,
    cues: CueBonus | None = None,
) -> tuple[list[Outcome], list[float]]:
    """Answer (query, expect, store) cases with `retrieve_memory`, as production does.

    Each store's memories are embedded once, as when they are stored; each query is then
    retrieved with no threshold so one run serves every threshold (a cosine, or the reranker's
    probability when one is given). Returns the outcomes and
    the milliseconds each retrieval took (query embedding included).
    """
    stored = []
    for memories in stores:
        blobs = [to_blob(v) for v in embedder.encode(list(memories))]
        stored.append(
            [StoredMemory(i, text, blob) for i, (text, blob) in enumerate(zip(memories, blobs, strict=True))]
        )
    outcomes, millis = [], []
    for query, expect, store in cases:
        start = time.perf_counter()
        found = retrieve_memory(embedder, query, stored[store], today, float("-inf"), reranker, cues)
        millis.append((time.perf_counter() - start) * 1000)
        outcomes.append(Outcome(found.text, found.score, expect))
    return outcomes, millis


def pair_metrics(cosines: Sequence[float], labels: Sequence[int]) -> dict[str, float]:
    """MSE of cosine against the 0/1 label, Pearson correlation, and ROC AUC."""
    c = np.asarray(cosines, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    pearson = float(np.corrcoef(c, y)[0, 1]) if c.std() > 0 and y.std() > 0 else 0.0
    return {"mse": float(np.mean((c - y) ** 2)), "pearson": pearson, "auc": roc_auc(c, y)}


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Probability that a random positive outscores a random negative (ties count half)."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).mean()
    ties = (pos[:, None] == neg[None, :]).mean()
    return float(greater + 0.5 * ties)


def retrieval_report(outcomes: Sequence[Outcome], threshold: float) -> dict[str, float]:
    """top1_accuracy on cases expecting a memory (abstaining counts as wrong), abstain P/R on the rest,
    and pick_precision: of every case where a memory was picked, the share picked right."""
    picked = [o.best if o.score >= threshold else None for o in outcomes]
    expecting = [(p, o) for p, o in zip(picked, outcomes, strict=True) if o.expect is not None]
    nothing = [(p, o) for p, o in zip(picked, outcomes, strict=True) if o.expect is None]
    abstained = [o for p, o in zip(picked, outcomes, strict=True) if p is None]
    chosen = [(p, o) for p, o in zip(picked, outcomes, strict=True) if p is not None]
    return {
        "top1_accuracy": _ratio(sum(p == o.expect for p, o in expecting), len(expecting)),
        "abstain_precision": _ratio(sum(o.expect is None for o in abstained), len(abstained)),
        "abstain_recall": _ratio(sum(p is None for p, _ in nothing), len(nothing)),
        "rank1_no_threshold": _ratio(sum(o.best == o.expect for _, o in expecting), len(expecting)),
        # of the memories she was handed, the share that was the one expected (a wrong one she may voice)
        "pick_precision": _ratio(sum(p == o.expect for p, o in chosen), len(chosen)),
        "n": len(outcomes),
    }


def selection_key(report: dict[str, float], abstain_target: float | None = None) -> tuple[float, ...]:
    """How a threshold (or a weight with its threshold) is ranked: without a target, by the worse of
    top-1 and abstain recall (then their sum); with one, any point abstaining on at least
    `abstain_target` of the no-memory cases beats every point that does not, and among those top-1
    decides (then abstain recall)."""
    top1, recall = report["top1_accuracy"], report["abstain_recall"]
    if abstain_target is not None and recall >= abstain_target:
        return (1.0, top1, recall)
    return (0.0, min(top1, recall), top1 + recall)


def choose_threshold(
    outcomes: Sequence[Outcome], grid: np.ndarray | None = None, abstain_target: float | None = None
) -> float:
    """The threshold with the best `selection_key` on `grid` (the lowest of equals)."""
    grid = np.round(np.arange(-0.2, 1.0, 0.005), 3) if grid is None else grid
    best = float(grid[0])
    best_key: tuple[float, ...] = (-1.0,)
    for threshold in grid:
        key = selection_key(retrieval_report(outcomes, float(threshold)), abstain_target)
        if key > best_key:
            best, best_key = float(threshold), key
    return best


def _ratio(hits: int, total: int) -> float:
    return hits / total if total else 0.0
