"""The memory threshold chosen on validation users and recorded beside the model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ml.memory.train_threshold import VALIDATION_DIR, calibrate, load_users, record
from tests.ml.memory_doubles import HashEmbedder

MEMORIES = ["[반려동물: 고양이 나비]", "[직장: 카페 알바]", "[취미: 보컬 학원]"]


def _user(folder: Path, name: str, cases: list[tuple[str, str | None]]) -> None:
    payload = {"memories": MEMORIES, "cases": [{"query": q, "expect": e} for q, e in cases]}
    (folder / f"{name}.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")


def test_the_threshold_separates_messages_that_share_a_memory_from_those_that_do_not(tmp_path: Path) -> None:
    _user(
        tmp_path,
        "a",
        [
            ("반려동물: 고양이 나비 밥", MEMORIES[0]),
            ("직장: 카페 알바 힘들어", MEMORIES[1]),
            ("오늘 날씨 좋다", None),
            ("점심 뭐 먹지", None),
        ],
    )
    _user(tmp_path, "b", [("취미: 보컬 학원 가는 길", MEMORIES[2]), ("로라는 뭐 해?", None)])
    result = calibrate(HashEmbedder(), tmp_path)
    pooled = result["validation_users"]["pooled"]
    assert pooled["top1_accuracy"] == 1.0 and pooled["abstain_recall"] == 1.0
    assert set(result["validation_users"]) == {"pooled", "a", "b"}


def test_recording_replaces_only_the_threshold(tmp_path: Path) -> None:
    metrics = tmp_path / "metrics.json"
    metrics.write_text(json.dumps({"memory_threshold": 0.1, "best_epoch": 6}), encoding="utf-8")
    record(metrics, {"threshold": 0.3, "cue_weight": 0.2, "validation_users": {}})
    saved = json.loads(metrics.read_text(encoding="utf-8"))
    assert saved["memory_threshold"] == 0.3 and saved["memory_cue_weight"] == 0.2 and saved["best_epoch"] == 6
    assert saved["calibration"]["replaced"] == 0.1


def test_no_users_is_an_error_not_a_silent_default(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no validation users"):
        calibrate(HashEmbedder(), tmp_path)


def test_the_committed_validation_users_are_whole_users_apart_from_the_held_out_file() -> None:
    users = load_users(VALIDATION_DIR)
    assert len(users) >= 3
    held_out = json.loads((VALIDATION_DIR.parent / "eval_memory.json").read_text(encoding="utf-8"))
    held_out_queries = {c["query"] for c in held_out["cases"]}
    for memories, cases in users.values():
        assert len(memories) == len({m.split(":")[0] for m in memories}) == 40
        nothing = sum(e is None for _, e in cases)
        assert 0.3 < nothing / len(cases) < 0.6
        assert not held_out_queries & {q for q, _ in cases}
