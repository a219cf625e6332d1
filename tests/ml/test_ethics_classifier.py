"""The classifier: a tiny model trained here separates its rows, saves, reloads, and fails clearly."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ml.ethics.categories import CATEGORIES
from ml.ethics.classifier import ClassifierConfig, load_classifier, save_classifier
from ml.ethics.screen import screen_message
from ml.ethics.split import Row
from ml.ethics.train import TrainConfig, train_classifier

TINY = ClassifierConfig(embed_dim=0, buckets=1 << 12, normal_offset=0.0)
ROWS = [
    Row("로라야 사랑해 사귀자", "사랑 고백/만남"),
    Row("너 좋아해 나랑 사귈래", "사랑 고백/만남"),
    Row("오늘 날씨 좋다 산책 가자", "일반"),
    Row("점심 뭐 먹을까 고민이야", "일반"),
    Row("어느 정당 지지해 대통령 선거", "정치"),
    Row("여당 야당 중에 누구 뽑아", "정치"),
    Row("니 애미 뭐하냐", "패드립"),
    Row("느금마 니 애비", "패드립"),
    Row("시발 꺼져 병신아", "혐오/기타"),
    Row("닥쳐 쓰레기 새끼", "혐오/기타"),
]


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    classifier = train_classifier(ROWS, None, TINY, TrainConfig(rounds=5), progress=False)
    folder = tmp_path_factory.mktemp("ethics-model")
    save_classifier(classifier.head, folder)
    return folder


def test_tiny_model_learns_its_rows_through_the_screen(tiny_folder: Path) -> None:
    classifier = load_classifier(tiny_folder, None)
    for row in ROWS:
        assert screen_message(row.text, classifier).category == row.category, row.text


def test_model_sees_through_evasions_after_folding(tiny_folder: Path) -> None:
    classifier = load_classifier(tiny_folder, None)
    assert screen_message("니 애🔥미 뭐하냐", classifier).category == "패드립"
    assert screen_message("ㅅㅏㄹㅏㅇㅎㅐ 로라야 사귀자", classifier).category == "사랑 고백/만남"


def test_probabilities_come_in_category_order_and_sum_to_one(tiny_folder: Path) -> None:
    probs = load_classifier(tiny_folder, None)("여당 야당 중에 누구 뽑아")
    assert len(probs) == len(CATEGORIES)
    assert np.isclose(sum(probs), 1.0, atol=1e-5)
    assert CATEGORIES[int(np.argmax(probs))] == "정치"


def test_folder_is_small_safetensors_and_json(tiny_folder: Path) -> None:
    assert sorted(p.name for p in tiny_folder.iterdir()) == ["config.json", "model.safetensors"]
    config = json.loads((tiny_folder / "config.json").read_text("utf-8"))
    assert config["categories"] == list(CATEGORIES)


def test_missing_model_path_raises_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    with pytest.raises(FileNotFoundError, match="no-such-model"):
        load_classifier(missing, None)


def test_malformed_model_raises_value_error_naming_it(tiny_folder: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "config.json").write_text((tiny_folder / "config.json").read_text("utf-8"), "utf-8")
    (broken / "model.safetensors").write_bytes(b"not safetensors")
    with pytest.raises(ValueError, match="broken-model"):
        load_classifier(broken, None)


def test_close_scores_are_not_confident() -> None:
    def unsure(_: str) -> list[float]:
        return [0.05, 0.40, 0.05, 0.05, 0.45]

    verdict = screen_message("애매한 말", unsure, margin=0.2)
    assert verdict.category == "혐오/기타" and verdict.flagged and not verdict.confident
    assert verdict.source == "classifier"
    # unsure: she is asked to decline, but nothing may sanction or block it
    assert verdict.must_decline == "혐오/기타"
    assert not verdict.sanctionable and not verdict.blocked and not verdict.cleared


def test_which_verdicts_make_her_decline() -> None:
    def scores(*p: float):  # type: ignore[no-untyped-def]
        return lambda _: list(p)

    sure_romance = screen_message("x", scores(0.9, 0.05, 0.02, 0.02, 0.01))
    sure_hate = screen_message("x", scores(0.02, 0.05, 0.02, 0.01, 0.9))
    sure_normal = screen_message("x", scores(0.02, 0.9, 0.05, 0.02, 0.01))
    unsure_normal = screen_message("x", scores(0.3, 0.4, 0.1, 0.1, 0.1))
    assert sure_romance.must_decline == "사랑 고백/만남" and sure_romance.sanctionable
    assert sure_hate.must_decline is None and sure_hate.blocked  # a fixed refusal, no LLM
    assert sure_normal.must_decline is None and sure_normal.cleared
    assert unsure_normal.must_decline is None and not unsure_normal.cleared
    cry = screen_message("죽고 싶어", scores(0.3, 0.25, 0.1, 0.1, 0.25))
    assert cry.self_harm and cry.must_decline is None  # care, not a refusal


@pytest.mark.slow
def test_committed_model_flags_evasions_and_spares_lookalikes() -> None:
    from ml.embedding import USEEmbedder

    classifier = load_classifier(None, USEEmbedder(threads=1))
    for harmful, category in [("시👊발 진짜 짜증나", "혐오/기타"), ("니 애🔥미 뭐하냐", "패드립")]:
        assert screen_message(harmful, classifier).category == category, harmful
    for benign in ["이 버스 시발점이 어디야?", "노래방 가면 내 18번은 발라드야", "오늘 점심 뭐 먹지?"]:
        assert screen_message(benign, classifier).category == "일반", benign
