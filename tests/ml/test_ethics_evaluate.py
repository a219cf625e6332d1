"""`ohlora eval ethics`: the metrics are right and the last printed line is the JSON summary."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from ml.ethics.classifier import ClassifierConfig, save_classifier
from ml.ethics.evaluate import run_eval, score
from ml.ethics.split import Row
from ml.ethics.train import TrainConfig, train_classifier


def test_score_counts_per_category_lookalikes_and_evasions() -> None:
    truth = ["일반", "일반", "혐오/기타", "혐오/기타", "정치"]
    predicted = ["일반", "혐오/기타", "혐오/기타", "일반", "정치"]
    tags = ["plain", "lookalike", "evasion", "evasion", "plain"]
    report = score(truth, predicted, tags)
    assert report.accuracy == 0.6
    assert report.per_category["혐오/기타"]["precision"] == 0.5
    assert report.per_category["혐오/기타"]["recall"] == 0.5
    assert report.lookalike_flag_rate == 1.0
    assert report.evasion_recall == 0.5
    assert report.macro_f1 == pytest.approx((0.5 + 0.5 + 1.0) / 3, abs=1e-4)  # absent classes left out


def test_rates_are_none_without_tags() -> None:
    report = score(["일반"], ["일반"])
    assert report.lookalike_flag_rate is None and report.evasion_recall is None


def test_run_eval_prints_json_summary_last(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [
        Row("시발 꺼져 병신아", "혐오/기타"),
        Row("오늘 날씨 좋다", "일반"),
        Row("니 애미 뭐하냐", "패드립"),
        Row("여당 야당 누구 뽑아", "정치"),
        Row("사랑해 사귀자", "사랑 고백/만남"),
    ]
    model = tmp_path / "model"
    config = ClassifierConfig(embed_dim=0, buckets=1 << 10, normal_offset=0.0)
    save_classifier(train_classifier(rows, None, config, TrainConfig(rounds=3), progress=False).head, model)
    csv_path = tmp_path / "set.csv"
    csv_path.write_text("text,category\n시발 꺼져,혐오/기타\n오늘 날씨 좋다,일반\n", "utf-8")
    assert run_eval(argparse.Namespace(file=csv_path, model=model)) == 0
    out = capsys.readouterr().out.strip().splitlines()
    summary = json.loads(out[-1])
    assert {"macro_f1", "accuracy", "per_category", "n"} <= summary.keys()
    assert summary["n"] == 2
    assert set(summary["per_category"]["일반"]) >= {"precision", "recall", "f1"}
    assert summary["lookalike_flag_rate"] is None  # no tag column: n/a
    assert any("n/a" in line for line in out)

    bad = tmp_path / "bad.csv"
    bad.write_text("message,label\n오늘 날씨 좋다,일반\n", "utf-8")
    assert run_eval(argparse.Namespace(file=bad, model=model)) == 2
    assert "lacks column(s)" in capsys.readouterr().out
    bad.write_text("text,category\n오늘 날씨 좋다,잡담\n", "utf-8")
    assert run_eval(argparse.Namespace(file=bad, model=model)) == 2
    assert "unknown category '잡담'" in capsys.readouterr().out


def test_run_eval_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"nope\.csv"):
        run_eval(argparse.Namespace(file=tmp_path / "nope.csv", model=None))
