"""Greedy decoding that keeps its key/value cache between fields of a structured output.

The analysis of a turn is a fixed scaffold (`### 요약:`, `### 표정: 눈 …, 입 …, 고개 …`) around three
free or multiple-choice fields. `model.generate` would decode the scaffold one token at a time and
start again from the prompt for every call; here the scaffold is fed in one forward pass, a free
field is decoded until its line ends, and a multiple-choice field is decoded only over the tokens
that continue one of its options, so the output is always well-formed and every step reuses the
cache of the ones before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from ml import interrupt
from ml.llm.output_vocab import allow_prompt


class Interrupted(RuntimeError):
    """The call running on this thread was asked to stop (its turn timed out)."""


class CachedDecoder:
    """Reads `prompt` once; every later call continues the same sequence.

    Tokens are fed lazily: forced text and the last token of a field wait in `pending` and go into
    the model together with whatever comes next, in one forward pass.
    """

    def __init__(self, tokenizer: Any, model: Any, prompt: str) -> None:
        self.tokenizer, self.model = tokenizer, model
        self.cache: Any = None
        self.pending = self._ids(prompt, special=True)
        allow_prompt(model, self.pending)  # a trimmed output layer may also write the prompt's tokens
        self._logits = torch.empty(0)
        self.passes = 0  # forward passes so far, the prompt's included

    def _ids(self, text: str, special: bool = False) -> list[int]:
        return list(self.tokenizer(text, add_special_tokens=special)["input_ids"])

    @torch.inference_mode()
    def next_logits(self) -> torch.Tensor:
        """Scores of the next token, after feeding whatever is pending."""
        if self.pending:
            if interrupt.requested():
                raise Interrupted("stopped: the turn was cancelled")
            device = getattr(self.model, "device", "cpu")
            ids = torch.tensor([self.pending], device=device)
            # Only the last position's scores are needed: with Gemma's 262k-token vocabulary the
            # output layer over a whole prompt costs more than the rest of the pass.
            out = self.model(input_ids=ids, cache=self.cache, use_cache=True, logits_to_keep=1)
            self.cache, self._logits = out.cache, out.logits[0, -1].float()
            self.pending = []
            self.passes += 1
        return self._logits

    def first_token_odds(self, wanted: str, other: str) -> float:
        """P(wanted) / (P(wanted) + P(other)) over the two texts' first tokens, at the next step."""
        pair = [self._ids(wanted)[0], self._ids(other)[0]]
        return float(torch.softmax(self.next_logits()[pair], dim=0)[0])

    def force(self, text: str) -> None:
        """Append `text` as if the model had written it."""
        self.pending += self._ids(text)

    def line(self, max_tokens: int) -> str:
        """Greedy tokens until one holds a newline (kept in the sequence, not returned), the end
        token, or the budget."""
        eos = self.tokenizer.eos_token_id
        ids: list[int] = []
        for _ in range(max_tokens):
            token = int(self.next_logits().argmax())
            if token == eos:
                break
            self.pending.append(token)
            ids.append(token)
            if "\n" in str(self.tokenizer.decode([token])):
                return str(self.tokenizer.decode(ids)).split("\n", 1)[0]
        return str(self.tokenizer.decode(ids))

    def choose(self, options: Sequence[str]) -> str:
        """The option the model prefers, decoding only tokens that continue some option.

        Each step takes the likeliest allowed token, so the result is what greedy decoding writes
        whenever greedy decoding writes one of the options.
        """
        sequences = {option: self._ids(option) for option in options}
        chosen: list[int] = []
        while True:
            alive = {o: s for o, s in sequences.items() if s[: len(chosen)] == chosen}
            done = [o for o, s in alive.items() if len(s) == len(chosen)]
            if done:
                return done[0]
            allowed = sorted({s[len(chosen)] for s in alive.values()})
            token = allowed[int(self.next_logits()[allowed].argmax())]
            chosen.append(token)
            self.pending.append(token)
