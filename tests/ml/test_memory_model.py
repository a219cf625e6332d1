"""The memory S-BERT: the torch port matches USE, a saved model reloads to identical vectors."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import torch

from ml.embedding import USEEmbedder, base_embedder, load_embedder, to_blob
from ml.memory.rerank import load_reranker, retrieval_threshold
from ml.memory.retrieve import StoredMemory, retrieve_memory
from ml.memory.sbert import MODEL_DIR, MemoryEmbedder, build_memory_sbert
from ml.memory.use_torch import UseTop

TEXTS = [
    "나 내일 뭐 한다고 했지?",
    "[내일 일정: 친구랑 카페 방문]",
    "표고 잔뜩 올라간 덮밥 나왔어 ㅠㅠ",
    "ok",
]


@pytest.fixture(scope="module")
def untrained() -> MemoryEmbedder:
    torch.set_num_threads(1)
    return MemoryEmbedder(build_memory_sbert())


def test_the_untrained_model_is_exactly_the_packaged_use(untrained: MemoryEmbedder) -> None:
    expected = USEEmbedder(threads=1).encode(TEXTS)
    np.testing.assert_allclose(untrained.encode(TEXTS), expected, atol=1e-5)
    np.testing.assert_allclose(untrained.base.encode(TEXTS), expected, atol=1e-5)


def test_a_saved_model_reloads_to_identical_embeddings(untrained: MemoryEmbedder, tmp_path: Path) -> None:
    top = UseTop(untrained.model[0].use.top_weights)
    with torch.no_grad():
        for p in top.parameters():
            p.add_(0.05 * torch.randn_like(p))
    model = build_memory_sbert(top)
    before = MemoryEmbedder(model).encode(TEXTS)
    model.save(str(tmp_path / "m"))
    after = MemoryEmbedder.load(tmp_path / "m").encode(TEXTS)
    np.testing.assert_array_equal(before, after)
    assert not np.allclose(before, untrained.encode(TEXTS), atol=1e-3)  # the change did survive
    assert (tmp_path / "m" / "1_UseTopLayers" / "model.safetensors").exists()
    assert not list((tmp_path / "m").rglob("*.bin")) and not list((tmp_path / "m").rglob("*.pkl"))


def test_rows_are_unit_length_and_empty_input_is_empty(untrained: MemoryEmbedder) -> None:
    vectors = untrained.encode(TEXTS)
    assert vectors.shape == (len(TEXTS), 512) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert untrained.encode([]).shape == (0, 512)


def test_a_folder_naming_foreign_classes_is_refused(tmp_path: Path) -> None:
    (tmp_path / "modules.json").write_text(
        json.dumps([{"idx": 0, "name": "0", "path": "", "type": "os.system"}])
    )
    with pytest.raises(ValueError, match="not a memory-model class"):
        MemoryEmbedder.load(tmp_path)


def test_base_embedder_falls_back_to_the_embedder_itself() -> None:
    plain = USEEmbedder(threads=1)
    assert base_embedder(plain) is plain


@pytest.mark.slow
def test_the_committed_model_finds_one_memory_among_1000() -> None:
    """Speed is `ohlora bench`'s job (retrieve_ms); this checks the committed parts work together."""
    torch.set_num_threads(1)
    embedder = load_embedder("memory-sbert")
    reranker = load_reranker("memory-sbert")  # kept only when it beat the cosine on validation
    threshold = retrieval_threshold("memory-sbert", reranker, None)
    assert isinstance(embedder, MemoryEmbedder)
    assert sum(f.stat().st_size for f in MODEL_DIR.rglob("*") if f.is_file()) < 5 * 2**20
    rng = np.random.default_rng(0)
    noise = rng.normal(size=(999, embedder.dim)).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    memories = [StoredMemory(i, f"[메모 {i}: 값 {i}]", to_blob(v)) for i, v in enumerate(noise)]
    real = "[싫어하는 음식: 버섯 (식감 때문에)]"
    memories.append(StoredMemory(999, real, to_blob(embedder.encode([real])[0])))
    found = retrieve_memory(
        embedder, "나 버섯 싫어한다고 했던 거 기억나?", memories, date(2025, 6, 4), threshold, reranker
    )
    assert found.memory_id == 999
    nothing = retrieve_memory(
        embedder, "로라는 MBTI가 뭐야?", memories[-1:], date(2025, 6, 4), threshold, reranker
    )
    assert nothing.memory_id is None  # a question about her is not about the user's dislikes


@pytest.mark.slow
def test_the_committed_model_brings_back_tomorrows_plan_when_asked_about_tomorrow() -> None:
    """The day bonus must clear the committed threshold on its own: the question shares no words
    with the dated memory."""
    from ml.memory.rerank import load_cue_bonus

    embedder = load_embedder("memory-sbert")
    threshold = retrieval_threshold("memory-sbert", None, None)
    texts = ["[반려동물: 고양이 치즈]", "[알레르기: 새우]", "[2026-12-01 일정: 친구랑 홍대에서 방탈출]"]
    dated = [None, None, "2026-12-01"]
    memories = [
        StoredMemory(i, t, to_blob(v), d)
        for i, (t, v, d) in enumerate(zip(texts, embedder.encode(texts), dated, strict=True))
    ]
    cues, today = load_cue_bonus("memory-sbert"), date(2026, 11, 30)
    asked = retrieve_memory(embedder, "내일 뭐 하기로 했더라?", memories, today, threshold, None, cues)
    assert asked.memory_id == 2
    other_day = retrieve_memory(embedder, "모레 뭐 하지?", memories, today, threshold, None, cues)
    assert other_day.memory_id is None
