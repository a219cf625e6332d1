"""The tokens a fine-tuned adapter writes, and an output layer that scores only those.

Gemma 3's tokenizer has 262,144 tokens, and its output layer (640 × 262k, tied to the embeddings)
is about 40 % of a decoding step on 2 CPU cores. The persona adapter was trained to write Korean
replies and analyses; it never needs most of that vocabulary. Its output vocabulary is every token
of its training rows, every token holding Hangul, single printable ASCII characters and whitespace,
and at run time every token of the prompt (so a name or word the user wrote can be written back).
The list is an artefact of training, saved beside the adapter (`output_vocab.json`); an adapter
without it, and the prompted base model, keep the whole vocabulary.

Scores of tokens outside the vocabulary are −inf, so greedy decoding, sampling and the logits
processors of `generate` work unchanged; a step writes a different token from the full layer's
only when the full layer's best token lies outside the vocabulary. `ohlora eval output-layer` measures
both on the persona validation split (40 turns, greedy: replies 39/40 and analyses 40/40 identical;
reply p50 0.77 s against 1.23 s, analysis 1.31 s against 2.04 s, 2 cores).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import torch

VOCAB_FILE = "output_vocab.json"
_ALWAYS = re.compile(r"[가-힣ㄱ-ㅎㅏ-ㅣ]|^▁?[\x21-\x7e]$|^[▁\s]+$")


def build_output_vocab(tokenizer: Any, texts: Iterable[str]) -> list[int]:
    """Token ids of `texts`, of Hangul pieces, single ASCII characters, whitespace, special tokens."""
    ids: set[int] = set()
    for text in texts:
        ids.update(tokenizer(text, add_special_tokens=False)["input_ids"])
    pieces = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
    ids.update(i for i, piece in enumerate(pieces) if piece and _ALWAYS.search(piece))
    ids.update(
        i for i in (tokenizer.eos_token_id, tokenizer.pad_token_id, tokenizer.bos_token_id) if i is not None
    )
    return sorted(ids)


def save_output_vocab(folder: Path, ids: Sequence[int]) -> None:
    (folder / VOCAB_FILE).write_text(json.dumps({"token_ids": list(ids)}), encoding="utf-8")


def load_output_vocab(folder: Path) -> list[int] | None:
    path = folder / VOCAB_FILE
    return list(json.loads(path.read_text(encoding="utf-8"))["token_ids"]) if path.exists() else None


class TrimmedHead(torch.nn.Module):
    """Scores `allowed` tokens (and the current prompt's) with the full layer's rows; −inf elsewhere."""

    def __init__(self, full: torch.nn.Linear, allowed: Sequence[int]) -> None:
        super().__init__()
        self.full_weight = full.weight  # shared with the embeddings, not copied
        self.vocab_size = int(full.weight.shape[0])
        self.allowed = torch.tensor(sorted(set(allowed)), dtype=torch.long)
        self.rows = torch.nn.Parameter(full.weight.detach()[self.allowed].clone(), requires_grad=False)
        self.extra = torch.empty(0, dtype=torch.long)
        self.extra_rows = self.rows[:0]

    def allow(self, token_ids: Iterable[int]) -> None:
        """Also score these tokens until the next call (the prompt of the generation about to run)."""
        wanted = torch.tensor(sorted(set(token_ids)), dtype=torch.long)
        self.extra = wanted[~torch.isin(wanted, self.allowed)]
        self.extra_rows = self.full_weight.detach()[self.extra]

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        scores = hidden @ self.rows.T
        out = hidden.new_full((*hidden.shape[:-1], self.vocab_size), float("-inf"))
        out[..., self.allowed.to(hidden.device)] = scores
        if len(self.extra):
            out[..., self.extra.to(hidden.device)] = hidden @ self.extra_rows.T
        return out


def trim_output(model: Any, allowed: Sequence[int]) -> TrimmedHead:
    """Swap the causal LM's output layer for a `TrimmedHead` over `allowed`."""
    head = TrimmedHead(model.get_output_embeddings(), allowed)
    model.set_output_embeddings(head)
    return head


def allow_prompt(model: Any, token_ids: Iterable[int]) -> None:
    """Before a generation: let a trimmed output layer also write the prompt's tokens."""
    output_layer = getattr(model, "get_output_embeddings", None)  # what `trim_output` swaps
    if output_layer is not None and isinstance(head := output_layer(), TrimmedHead):
        head.allow(token_ids)
