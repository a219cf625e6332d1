"""Topic change: cue words, continuations that start with 근데, and the cosine-only case."""

from __future__ import annotations

import numpy as np
import pytest

from ml.embedding import USEEmbedder
from ml.memory.retrieve import load_topic_rule, topic_change_probability, topic_changed
from ml.memory.topic import FEATURES, TopicRule, fit_topic_rule, topic_features
from tests.ml.memory_doubles import HashEmbedder

SUMMARY = "사용자가 이번 주말에 친구랑 부산 여행 간다고 했고 로라가 맛집을 추천함"
THRESHOLD = 0.34  # the committed default (EngineConfig.topic_threshold)


@pytest.fixture(scope="module")
def use() -> USEEmbedder:
    return USEEmbedder(threads=1)


@pytest.mark.parametrize(
    "message",
    ["그건 그렇고 나 요즘 허리가 너무 아파", "아 맞다 나 다음 주에 면접 있어", "다른 얘긴데 카드값 폭탄이야"],
)
def test_a_shift_cue_changes_the_topic(use: USEEmbedder, message: str) -> None:
    assert topic_changed(use, message, SUMMARY, THRESHOLD)


@pytest.mark.parametrize("message", ["근데 거기 숙소는 어디가 좋을까?", "그래서 해운대 근처로 잡으려고"])
def test_a_continuation_keeps_the_topic_even_after_geunde(use: USEEmbedder, message: str) -> None:
    assert not topic_changed(use, message, SUMMARY, THRESHOLD)


def test_without_cue_words_an_unrelated_message_scores_higher_than_a_related_one(use: USEEmbedder) -> None:
    unrelated = topic_change_probability(use, "회사 프린터가 또 고장났어", SUMMARY)
    related = topic_change_probability(use, "부산 가면 돼지국밥 꼭 먹어야겠다", SUMMARY)
    assert unrelated > related


def test_without_cue_words_low_cosine_decides() -> None:
    cosine_only = TopicRule(weights=(-10.0, 0, 0, 0, 0, 0, 0), bias=2.0)  # change when cosine < 0.2
    embedder = HashEmbedder()
    assert topic_changed(embedder, "프린터 고장", "부산 여행 맛집", 0.5, rule=cosine_only)
    assert not topic_changed(embedder, "부산 여행 맛집 추천", "부산 여행 맛집", 0.5, rule=cosine_only)


def test_an_empty_message_changes_nothing() -> None:
    assert not topic_changed(HashEmbedder(), "  ", SUMMARY, 0.0)


def test_features_flag_cues_and_anaphora() -> None:
    names = dict(zip(FEATURES, topic_features("근데 걔가 그거 또 샀대", "친구 얘기", 0.3), strict=True))
    assert names["but_cue"] == 1.0 and names["anaphora"] == 1.0 and names["shift_cue"] == 0.0
    assert names["cosine"] == pytest.approx(0.3)


def test_the_fitted_rule_separates_its_training_data_and_round_trips(tmp_path) -> None:  # type: ignore[no-untyped-def]
    x = np.array([[0.9, 0.5, 0, 0, 1, 1, 0], [0.1, 0.0, 1, 0, 0, 0, 0]] * 20, dtype=np.float32)
    y = [False, True] * 20
    rule = fit_topic_rule(x, y)
    assert rule.probability(x[1]) > 0.5 > rule.probability(x[0])
    rule.save(tmp_path / "rule.json")
    assert TopicRule.load(tmp_path / "rule.json") == rule


def test_the_committed_rule_has_every_feature() -> None:
    assert len(load_topic_rule().weights) == len(FEATURES)
