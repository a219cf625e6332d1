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


def test_a_message_naming_a_day_brings_back_the_plan_stored_for_that_day() -> None:
    class Unrelated:
        """Every message is orthogonal to every stored memory (cosine 0)."""

        dim = 4

        def encode(self, texts: list[str]) -> np.ndarray:
            return np.tile(np.eye(4, dtype=np.float32)[3], (len(texts), 1))

    today = date(2026, 11, 29)  # a Sunday
    axis = np.eye(4, dtype=np.float32)
    plans = [
        StoredMemory(1, "[2026-11-30 일정: 친구랑 홍대 방탈출]", blob(axis[0]), "2026-11-30"),
        StoredMemory(2, "[2026-12-05 일정: 엄마랑 김장]", blob(axis[1]), "2026-12-05"),
        StoredMemory(3, "[반려동물: 고양이 나비]", blob(axis[2]), None),
    ]
    assert retrieve_memory(Unrelated(), "뭐 하기로 했는지 기억나?", plans, today, 0.1).memory_id is None
    assert retrieve_memory(Unrelated(), "내일 뭐 하기로 했는지 기억나?", plans, today, 0.1).memory_id == 1
    assert retrieve_memory(Unrelated(), "토요일에 뭐 하기로 했지?", plans, today, 0.1).memory_id == 2
    assert retrieve_memory(Unrelated(), "모레 뭐 하지?", plans, today, 0.1).memory_id is None


def test_the_embedder_fingerprint_follows_the_weights_not_the_metrics(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ml.embedding import PLAIN_USE, embedder_fingerprint

    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "lora.safetensors").write_bytes(b"weights-1")
    (folder / "metrics.json").write_text('{"memory_threshold": 0.2}')
    first = embedder_fingerprint(str(folder))
    assert first.startswith("my-model:") and len(first) <= 80
    (folder / "metrics.json").write_text('{"memory_threshold": 0.3}')  # a new threshold: same vectors
    assert embedder_fingerprint(str(folder)) == first
    (folder / "lora.safetensors").write_bytes(b"weights-2")  # retrained: other vectors
    assert embedder_fingerprint(str(folder)) != first
    assert embedder_fingerprint(PLAIN_USE) == PLAIN_USE
