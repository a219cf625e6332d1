"""Retrieval picks the best memory above the threshold and abstains below it."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from ml.memory.retrieve import StoredMemory, retrieve_memory
from tests.doubles import hash_vector
from tests.ml.memory_doubles import HashEmbedder, blob

TODAY = date(2025, 6, 4)
TEXTS = ["[반려동물: 시바견 두부]", "[싫어하는 음식: 버섯]", "[취미: 마라톤 풀코스]"]


def _memories() -> list[StoredMemory]:
    return [StoredMemory(i + 1, t, blob(hash_vector(t))) for i, t in enumerate(TEXTS)]


def test_the_best_memory_above_the_threshold_is_returned() -> None:
    found = retrieve_memory(HashEmbedder(), "싫어하는 음식 버섯 나왔어", _memories(), TODAY, threshold=0.3)
    assert found.memory_id == 2
    assert found.text == TEXTS[1]
    assert found.score >= 0.3


def test_no_memory_is_offered_when_the_best_is_below_the_threshold() -> None:
    query = "싫어하는 음식 버섯 나왔어"
    best = max(float(np.frombuffer(m.embedding, np.float32) @ hash_vector(query)) for m in _memories())
    found = retrieve_memory(HashEmbedder(), query, _memories(), TODAY, threshold=best + 0.01)
    assert (found.memory_id, found.text) == (None, None)
    assert found.score == pytest.approx(best, abs=1e-6)


def test_an_empty_message_or_store_offers_nothing() -> None:
    assert retrieve_memory(HashEmbedder(), "   ", _memories(), TODAY, 0.0).memory_id is None
    assert retrieve_memory(HashEmbedder(), "버섯", [], TODAY, 0.0).memory_id is None


def test_embeddings_of_another_size_are_refused() -> None:
    stale = [StoredMemory(1, TEXTS[0], blob(np.ones(8, np.float32)))]
    with pytest.raises(ValueError, match="re-embed"):
        retrieve_memory(HashEmbedder(), "두부", stale, TODAY, 0.0)
