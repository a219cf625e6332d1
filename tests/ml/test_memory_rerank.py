"""The reranker: features of the top cosines, its pick, and how retrieval uses it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from ml.memory.rerank import CANDIDATES, FEATURES, Reranker, candidate_features, fit_reranker, load_reranker
from ml.memory.retrieve import StoredMemory, retrieve_memory
from tests.doubles import hash_vector
from tests.ml.memory_doubles import HashEmbedder, blob

MEMORIES = [
    "[내일 일정: 오후 2시 치과 예약]",
    "[반려동물: 시바견 두부 (3살)]",
    "[싫어하는 음식: 버섯]",
    "[친구: 대학 동기 예린 (캐나다 이민 준비 중)]",
    "[취미: 마라톤]",
    "[가족: 여동생 (고3)]",
    "[좋아하는 가수: 아이유]",
]


def _lexical_reranker(threshold: float = 0.5) -> Reranker:
    """Trusts shared syllables with the value (weight on value_syllable_share) and nothing else."""
    weights = np.zeros(len(FEATURES), dtype=np.float32)
    weights[FEATURES.index("value_syllable_share")] = 6.0
    return Reranker(weights, -2.0, np.zeros(len(FEATURES)), np.ones(len(FEATURES)), threshold)


def test_features_cover_the_top_candidates_in_cosine_order() -> None:
    scores = np.linspace(0.9, 0.3, len(MEMORIES)).astype(np.float32)
    order, features = candidate_features("내일 치과 무서워", MEMORIES, scores)
    assert order == list(range(CANDIDATES))
    assert features.shape == (CANDIDATES, len(FEATURES))
    first = dict(zip(FEATURES, features[0], strict=True))
    assert first["is_first"] == 1.0 and first["same_day_word"] == 1.0 and first["value_bigram_shared"] == 1.0
    assert dict(zip(FEATURES, features[1], strict=True))["same_day_word"] == 0.0


def test_the_reranker_can_overrule_the_cosine_and_abstain() -> None:
    scores = np.array([0.9, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0], dtype=np.float32)
    index, probability = _lexical_reranker().pick("예린이 캐나다 가기 전에 선물", MEMORIES, scores, 0.5)
    assert index == 3 and probability > 0.5
    index, probability = _lexical_reranker().pick("오늘 점심 뭐 먹지", MEMORIES, scores, 0.5)
    assert index is None and probability < 0.5


def test_retrieval_with_a_reranker_reports_its_probability_and_skips_past_days() -> None:
    stored = [
        StoredMemory(i + 1, t, blob(hash_vector(t)), "2025-06-01" if i == 3 else None)
        for i, t in enumerate(MEMORIES)
    ]
    found = retrieve_memory(
        HashEmbedder(), "예린이 캐나다 선물", stored, date(2025, 6, 4), 0.5, _lexical_reranker()
    )
    assert found.memory_id != 4  # that memory is about a day that has passed
    found = retrieve_memory(
        HashEmbedder(), "두부 산책 시켰어", stored, date(2025, 6, 4), 0.5, _lexical_reranker()
    )
    assert found.memory_id == 2 and 0.5 <= found.score <= 1.0


def test_fitting_separates_helpful_from_unhelpful_and_round_trips(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    good = rng.normal(1.0, 0.3, (60, len(FEATURES)))
    bad = rng.normal(-1.0, 0.3, (60, len(FEATURES)))
    fitted = fit_reranker(np.concatenate([good, bad]).astype(np.float32), np.r_[np.ones(60), np.zeros(60)])
    assert fitted.probabilities(good.astype(np.float32)).mean() > 0.9
    assert fitted.probabilities(bad.astype(np.float32)).mean() < 0.1
    fitted.save(tmp_path / "rerank.json", {"note": "test"})
    again = Reranker.load(tmp_path / "rerank.json")
    np.testing.assert_allclose(again.probabilities(good[:3]), fitted.probabilities(good[:3]), atol=1e-4)
    assert load_reranker(str(tmp_path)) is not None
    assert load_reranker(str(tmp_path / "elsewhere")) is None
