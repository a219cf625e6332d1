"""The trimmed output layer on a tiny random Gemma 3 built here: same scores on its vocabulary,
−inf elsewhere, the prompt's tokens allowed per call, and the vocabulary file round trip."""

from __future__ import annotations

from pathlib import Path

import torch

from ml.llm.cached_decoding import CachedDecoder
from ml.llm.output_vocab import (
    TrimmedHead,
    allow_prompt,
    build_output_vocab,
    load_output_vocab,
    save_output_vocab,
    trim_output,
)
from tests.ml.test_llm_cached_decoding import ALPHABET, EOS, CharTokenizer, _model


class PieceTokenizer(CharTokenizer):
    """The character tokenizer with the piece listing `build_output_vocab` reads."""

    pad_token_id = EOS
    bos_token_id = None

    def __len__(self) -> int:
        return EOS + 1

    def convert_ids_to_tokens(self, ids: list[int]) -> list[str]:
        return [ALPHABET[i] if i < EOS else "<eos>" for i in ids]


def test_the_vocabulary_holds_training_tokens_hangul_and_specials(tmp_path: Path) -> None:
    ids = build_output_vocab(PieceTokenizer(), ["abc"])
    assert {ALPHABET.index(c) for c in "abc"} <= set(ids)
    assert ALPHABET.index("로") in ids and EOS in ids  # Hangul always, the end token always
    save_output_vocab(tmp_path, ids)
    assert load_output_vocab(tmp_path) == ids
    assert load_output_vocab(tmp_path / "missing") is None


def test_trimmed_scores_equal_the_full_layer_on_its_vocabulary_and_minus_inf_elsewhere() -> None:
    model = _model(7)
    full = model.get_output_embeddings()
    allowed = [0, 3, 5, EOS]
    head = TrimmedHead(full, allowed)
    hidden = torch.randn(1, 2, 32)
    with torch.no_grad():
        want, got = full(hidden), head(hidden)
    assert torch.allclose(got[..., allowed], want[..., allowed], atol=1e-6)
    others = [i for i in range(EOS + 1) if i not in allowed]
    assert torch.isinf(got[..., others]).all()
    head.allow([9, 3])  # a prompt token outside the vocabulary becomes writable for this call
    with torch.no_grad():
        assert torch.allclose(head(hidden)[..., 9], want[..., 9], atol=1e-6)


def _greedy(model: object, prompt: str, n: int) -> list[int]:
    decoder = CachedDecoder(CharTokenizer(), model, prompt)
    out = []
    for _ in range(n):
        token = int(decoder.next_logits().argmax())
        out.append(token)
        decoder.pending.append(token)
    return out


def test_greedy_decoding_is_unchanged_while_its_choices_are_allowed_and_kept_inside_otherwise() -> None:
    prompt = "abc"
    free = _greedy(_model(8), prompt, 8)
    kept = _model(8)
    trim_output(kept, [*free, EOS])
    assert _greedy(kept, prompt, 8) == free
    narrow = _model(8)
    vocabulary = [i for i in range(EOS + 1) if i not in free and ALPHABET[i : i + 1] not in prompt]
    trim_output(narrow, vocabulary)
    written = _greedy(narrow, prompt, 8)
    assert set(written) <= set(vocabulary) | {ALPHABET.index(c) for c in prompt}
    assert written[0] != free[0]


def test_allow_prompt_leaves_an_untrimmed_model_alone() -> None:
    model = _model(9)
    before = model.get_output_embeddings()
    allow_prompt(model, [1, 2, 3])
    assert model.get_output_embeddings() is before
