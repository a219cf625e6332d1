"""`ohlora eval ethics FILE.csv`: how the full screen (fold → lexicon → classifier) does on a labelled CSV.

FILE has columns text,category (a `tag` column of plain/evasion/lookalike is optional). Printed:
per-category precision/recall/F1, macro-F1, accuracy, the confusion matrix, the share of benign
look-alikes flagged, recall on evasions, ms per message, and a last line of JSON with the same figures.
The verdict counted is the screen's category (a flagged but unconfident call still counts as flagged).
"""

from __future__ import annotations

import argparse
import json
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ml.ethics.categories import CATEGORIES, NORMAL
from ml.ethics.screen import Classifier, screen_message
from ml.ethics.split import read_rows


@dataclass(frozen=True)
class Report:
    """Figures for one labelled set; `as_json()` is the machine-readable summary."""

    n: int
    accuracy: float
    macro_f1: float
    per_category: dict[str, dict[str, float]]
    confusion: list[list[int]]  # rows: true category, columns: predicted (CATEGORIES order)
    lookalike_flag_rate: float | None  # None when no row is tagged lookalike
    evasion_recall: float | None  # None when no row is tagged evasion
    ms_per_message: float | None = None
    unsure_rate: float | None = None  # share of flagged calls that were not confident

    def as_json(self) -> dict[str, Any]:
        keys = ("macro_f1", "accuracy", "per_category", "n", "lookalike_flag_rate", "evasion_recall")
        out = {k: getattr(self, k) for k in keys}
        for extra in ("ms_per_message", "unsure_rate"):
            if getattr(self, extra) is not None:
                out[extra] = getattr(self, extra)
        return out


def _ratio(num: int, den: int) -> float:
    return round(num / den, 4) if den else 0.0


def score(truth: Sequence[str], predicted: Sequence[str], tags: Sequence[str] | None = None) -> Report:
    """Metrics of `predicted` against `truth`; tags (plain/evasion/lookalike) give the extra rates."""
    if len(truth) != len(predicted):
        raise ValueError("truth and predictions differ in length")
    index = {c: i for i, c in enumerate(CATEGORIES)}
    confusion = [[0] * len(CATEGORIES) for _ in CATEGORIES]
    for t, p in zip(truth, predicted, strict=True):
        confusion[index[t]][index[p]] += 1
    per: dict[str, dict[str, float]] = {}
    for i, category in enumerate(CATEGORIES):
        tp = confusion[i][i]
        precision = _ratio(tp, sum(row[i] for row in confusion))
        recall = _ratio(tp, sum(confusion[i]))
        f1 = round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0
        per[category] = {"precision": precision, "recall": recall, "f1": f1, "support": sum(confusion[i])}
    present = [c for c in CATEGORIES if per[c]["support"]]
    macro = round(sum(per[c]["f1"] for c in present) / len(present), 4) if present else 0.0
    correct = sum(confusion[i][i] for i in range(len(CATEGORIES)))
    lookalike = evasion = None
    if tags is not None:
        looks = [p for p, g in zip(predicted, tags, strict=True) if g == "lookalike"]
        if looks:
            lookalike = _ratio(sum(p != NORMAL for p in looks), len(looks))
        evasions = [t == p for t, p, g in zip(truth, predicted, tags, strict=True) if g == "evasion"]
        if evasions:
            evasion = _ratio(sum(evasions), len(evasions))
    return Report(len(truth), _ratio(correct, len(truth)), macro, per, confusion, lookalike, evasion)


def _pad(text: str, width: int) -> str:
    """Left-align in a terminal column, counting Hangul as two cells wide."""
    cells = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - cells, 0)


def format_report(report: Report, title: str) -> str:
    lines = [f"{title}: {report.n} messages", f"{'category':<14} precision  recall     f1  support"]
    for category, m in report.per_category.items():
        lines.append(
            f"{_pad(category, 14)} {m['precision']:9.3f} {m['recall']:7.3f} {m['f1']:6.3f}"
            f" {int(m['support']):8d}"
        )
    lines.append(f"macro-F1 {report.macro_f1:.4f}   accuracy {report.accuracy:.4f}")
    lines.append("confusion (rows: true, columns: predicted, in the order above)")
    lines.extend("  " + " ".join(f"{v:4d}" for v in row) for row in report.confusion)

    def rate(value: float | None, missing: str) -> str:
        return f"{value:.4f}" if value is not None else f"n/a ({missing})"

    lines.append(f"look-alikes flagged: {rate(report.lookalike_flag_rate, 'no rows tagged lookalike')}")
    lines.append(f"recall on evasions:  {rate(report.evasion_recall, 'no rows tagged evasion')}")
    if report.ms_per_message is not None:
        lines.append(f"ms per message: {report.ms_per_message:.2f} (one at a time, fold + lexicon + model)")
    if report.unsure_rate is not None:
        lines.append(f"flagged but not confident (not sanctioned): {report.unsure_rate:.4f}")
    return "\n".join(lines)


def evaluate_screen(path: Path, classifier: Classifier | None) -> tuple[Report, list[tuple[str, str, str]]]:
    """Screen every row one at a time, as the service does; also return the misses."""
    rows = read_rows(path)
    predicted, unsure = [], 0
    started = time.perf_counter()
    for row in rows:
        verdict = screen_message(row.text, classifier)
        predicted.append(verdict.category)
        unsure += verdict.flagged and not verdict.confident
    elapsed_ms = (time.perf_counter() - started) * 1000
    report = score([r.category for r in rows], predicted, [r.tag for r in rows])
    flagged = sum(p != NORMAL for p in predicted)
    report = replace(
        report,
        ms_per_message=round(elapsed_ms / max(len(rows), 1), 3),
        unsure_rate=_ratio(unsure, flagged),
    )
    misses = [(r.text, r.category, p) for r, p in zip(rows, predicted, strict=True) if r.category != p]
    return report, misses


def run_eval(args: argparse.Namespace) -> int:
    import torch

    from ml.ethics.classifier import DEFAULT_MODEL_DIR, EthicsClassifier, embedder_for, load_head

    torch.set_num_threads(1)
    rows_path = Path(args.file)
    if not rows_path.is_file():
        raise FileNotFoundError(f"labelled CSV not found: {rows_path}")
    head = load_head(Path(getattr(args, "model", None) or DEFAULT_MODEL_DIR))
    # The embedder the weights were trained against, not whichever one the service is set to.
    embedder = embedder_for(head.config.embedder) if head.config.embed_dim else None
    classifier = EthicsClassifier(head, embedder)
    screen_message("워밍업", classifier)  # first call pays one-off costs; keep them out of ms/message
    try:
        report, misses = evaluate_screen(rows_path, classifier)
    except ValueError as exc:  # a missing column or an unknown category, with the file and line
        print(f"cannot read the labelled set: {exc}")
        return 2
    print(format_report(report, str(args.file)))
    if getattr(args, "show", False):
        for text, truth, predicted in misses:
            print(f"  MISS {truth} → {predicted}: {text}")
    print(json.dumps(report.as_json(), ensure_ascii=False))
    return 0
