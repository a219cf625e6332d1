"""The cached decoder against transformers' own greedy generation, on a tiny random Gemma 3 built here.

One sliding-attention and one full-attention layer with a window shorter than the sequences, so a
cache that is continued wrongly (positions, the window) shows up as different tokens or scores.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
from transformers import Gemma3ForCausalLM, Gemma3TextConfig

from ml.llm.cached_decoding import CachedDecoder, Interrupted

ALPHABET = "\n ###:,[]기억요약표정눈입고개작게보통크아주없음많이사용자가로라말함오늘비와" + "abcdefghij"
EOS = len(ALPHABET)


class CharTokenizer:
    """One token per character; unknown characters are dropped."""

    eos_token_id = EOS

    def __call__(self, text: str, add_special_tokens: bool = False) -> dict[str, list[int]]:
        return {"input_ids": [ALPHABET.index(c) for c in text if c in ALPHABET]}

    def decode(self, ids: list[int], skip_special_tokens: bool = False) -> str:
        return "".join(ALPHABET[i] for i in ids if i < EOS)


def _model(seed: int) -> Any:
    torch.manual_seed(seed)
    config = Gemma3TextConfig(
        vocab_size=EOS + 1,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        head_dim=16,
        sliding_window=6,
        layer_types=["sliding_attention", "full_attention"],
        max_position_embeddings=256,
        eos_token_id=EOS,
        pad_token_id=EOS,
        bos_token_id=EOS,
    )
    return Gemma3ForCausalLM(config).eval()


PROMPT = "### 사용자: 오늘 비와\n### 로라: 말함\n### 기억:"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_token_by_token_decoding_writes_what_generate_writes(seed: int) -> None:
    model, tok = _model(seed), CharTokenizer()
    ids = torch.tensor([tok(PROMPT)["input_ids"]])
    expected = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=12, do_sample=False)
    decoder = CachedDecoder(tok, model, PROMPT)
    written = []
    for _ in range(12):
        token = int(decoder.next_logits().argmax())
        written.append(token)
        decoder.pending.append(token)
        if token == EOS:
            break
    assert written == expected[0, ids.shape[1] :].tolist()
    assert decoder.passes == len(written)  # the prompt once, then one pass per token


def test_forced_text_continues_the_cache_as_if_read_with_the_prompt() -> None:
    model, tok = _model(3), CharTokenizer()
    whole = CachedDecoder(tok, model, PROMPT + " 없음\n### 요약:")
    pieces = CachedDecoder(tok, model, PROMPT)
    pieces.first_token_odds("[", "없")  # reads the prompt
    pieces.force(" 없음\n")
    pieces.force("### 요약:")  # both forced pieces go in with one pass
    assert torch.allclose(whole.next_logits(), pieces.next_logits(), atol=1e-5)
    assert pieces.passes == 2


def test_a_choice_is_always_one_of_the_options_and_the_likeliest_allowed() -> None:
    model, tok = _model(4), CharTokenizer()
    options = [" 작게", " 보통", " 크게", " 아주 크게"]
    for seed_prompt in ("### 표정: 눈", "### 표정: 눈 보통, 입", "abc"):
        decoder = CachedDecoder(tok, model, seed_prompt)
        chosen = decoder.choose(options)
        assert chosen in options
        # Scoring each option by teacher forcing agrees on the first character that differs.
        probe = CachedDecoder(tok, model, seed_prompt + " ")
        firsts = {o[1] for o in options}
        scores = {c: float(probe.next_logits()[ALPHABET.index(c)]) for c in firsts}
        assert chosen[1] == max(scores, key=lambda c: scores[c])


class NewlineOnPass:
    """The tiny model, except that on forward pass `n` a newline is by far the likeliest token."""

    def __init__(self, inner: Any, n: int) -> None:
        self.inner, self.n, self.calls = inner, n, 0
        self.device = inner.device

    def __call__(self, **kwargs: Any) -> Any:
        out = self.inner(**kwargs)
        self.calls += 1
        if self.calls == self.n:
            out.logits[0, -1, ALPHABET.index("\n")] += 1000.0
        return out


def test_a_line_stops_at_its_newline_and_keeps_it_in_the_sequence() -> None:
    tok = CharTokenizer()
    decoder = CachedDecoder(tok, NewlineOnPass(_model(5), n=4), PROMPT)
    text = decoder.line(30)
    assert len(text) == 3 and "\n" not in text  # three tokens, then the newline
    assert tok.decode(decoder.pending) == "\n"  # fed with whatever comes next
    decoder.force("### 요약:")
    decoder.next_logits()
    assert decoder.passes == 5


def test_a_line_ends_at_its_budget() -> None:
    decoder = CachedDecoder(CharTokenizer(), NewlineOnPass(_model(5), n=99), PROMPT)
    assert len(decoder.line(5)) <= 5


def test_a_cancelled_turn_stops_the_decoder(monkeypatch: pytest.MonkeyPatch) -> None:
    from ml import interrupt

    monkeypatch.setattr(interrupt, "requested", lambda: True)
    decoder = CachedDecoder(CharTokenizer(), _model(6), PROMPT)
    with pytest.raises(Interrupted):
        decoder.line(10)
