"""Second look at the best few memories: cosine in context plus what the words share.

The fine-tuned cosine alone cannot tell "this memory helps" from "this memory shares a topic", and
its raw value means different things for different messages (a vague message scores every memory
alike). For the top `CANDIDATES` memories by cosine, a logistic model reads:

* the cosine, its z-score among all of the user's memories, and its gap to the next candidate;
* character-bigram overlap of the message with the memory's value and with its key, and the share of
  the message's syllables found in the value (names, places, numbers the user repeats);
* whether the message and the key name the same day (내일, 이번 주말, 금요일…).

It returns the candidate with the highest probability, or none below `threshold`. The weights are
fitted on the validation stores of `ohlora train memory` (the embedder is trained on the train
split, so its cosines there would be over-confident) and saved as `rerank.json` beside the model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np

from ml.embedding import PLAIN_USE
from ml.memory.cues import CueBonus, load_lexicon
from ml.text.normalize import letter_bigrams

CANDIDATES = 5
FEATURES = (
    "cosine",
    "cosine_z",
    "gap_to_next",
    "is_first",
    "value_bigram_jaccard",
    "value_bigram_shared",
    "key_bigram_shared",
    "value_syllable_share",
    "same_day_word",
    "both_name_a_day",
)
_DAY_WORDS = (
    "오늘",
    "내일",
    "모레",
    "주말",
    "다음 주",
    "이번 주",
    "월요일",
    "화요일",
    "수요일",
    "목요일",
    "금요일",
    "토요일",
    "일요일",
)


def _syllables(text: str) -> set[str]:
    return set(re.findall(r"[가-힣]", text))


def _split(memory: str) -> tuple[str, str]:
    key, _, value = memory.strip().strip("[]").partition(":")
    return key.strip(), value.strip()


def candidate_features(
    query: str, memories: Sequence[str], scores: np.ndarray
) -> tuple[list[int], np.ndarray]:
    """(indices of the top candidates by cosine, their (K, len(FEATURES)) features)."""
    order = [int(i) for i in np.argsort(-scores)[:CANDIDATES]]
    mean, spread = float(scores.mean()), float(scores.std()) + 1e-6
    q_bigrams, q_syllables = letter_bigrams(query), _syllables(query)
    q_days = {d for d in _DAY_WORDS if d in query}
    rows = []
    for rank, i in enumerate(order):
        key, value = _split(memories[i])
        v_bigrams, k_bigrams = letter_bigrams(value), letter_bigrams(key)
        other = order[1] if rank == 0 and len(order) > 1 else order[0]
        k_days = {d for d in _DAY_WORDS if d in key}
        rows.append(
            [
                float(scores[i]),
                (float(scores[i]) - mean) / spread,
                float(scores[i] - scores[other]),
                float(rank == 0),
                len(q_bigrams & v_bigrams) / max(1, len(q_bigrams | v_bigrams)),
                float(bool(q_bigrams & v_bigrams)),
                float(bool(q_bigrams & k_bigrams)),
                len(_syllables(value) & q_syllables) / max(1, len(q_syllables)),
                float(bool(q_days & k_days)),
                float(bool(q_days) and bool(k_days)),
            ]
        )
    return order, np.asarray(rows, dtype=np.float32).reshape(len(order), len(FEATURES))


@dataclass(frozen=True)
class Reranker:
    """Standardised features → logistic probability that the candidate is the memory that helps."""

    weights: np.ndarray  # (F,)
    bias: float
    mean: np.ndarray  # (F,)
    scale: np.ndarray  # (F,)
    threshold: float  # below this probability she uses no memory

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        z = (features - self.mean) / self.scale
        return np.asarray(1.0 / (1.0 + np.exp(-(z @ self.weights + self.bias))), dtype=np.float32)

    def pick(
        self, query: str, memories: Sequence[str], scores: np.ndarray, threshold: float
    ) -> tuple[int | None, float]:
        """(index of the chosen memory, or None below `threshold`; its probability)."""
        if len(memories) == 0:
            return None, 0.0
        order, features = candidate_features(query, memories, scores)
        probs = self.probabilities(features)
        best = int(np.argmax(probs))
        probability = float(probs[best])
        return (order[best] if probability >= threshold else None), probability

    def save(self, path: Path, metrics: dict[str, object]) -> None:
        payload = {
            "features": list(FEATURES),
            "candidates": CANDIDATES,
            "weights": [round(float(w), 6) for w in self.weights],
            "bias": round(self.bias, 6),
            "mean": [round(float(m), 6) for m in self.mean],
            "scale": [round(float(s), 6) for s in self.scale],
            "threshold": self.threshold,
            "metrics": metrics,
        }
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Reranker:
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"{path} was fitted on features {data['features']}, not {list(FEATURES)}")
        return cls(
            np.asarray(data["weights"], dtype=np.float32),
            float(data["bias"]),
            np.asarray(data["mean"], dtype=np.float32),
            np.asarray(data["scale"], dtype=np.float32),
            float(data["threshold"]),
        )


def fit_reranker(features: np.ndarray, labels: np.ndarray, seed: int = 0) -> Reranker:
    """Logistic regression (L-BFGS, small L2) on standardised features; threshold set later."""
    import torch

    torch.manual_seed(seed)
    mean, scale = features.mean(0), features.std(0) + 1e-6
    x = torch.from_numpy((features - mean) / scale)
    y = torch.from_numpy(labels.astype(np.float32))
    weights = torch.zeros(features.shape[1], requires_grad=True)
    bias = torch.zeros(1, requires_grad=True)
    optimiser = torch.optim.LBFGS([weights, bias], max_iter=200)

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(x @ weights + bias, y)
        loss = loss + 1e-3 * weights.pow(2).sum()
        loss.backward()
        return loss

    optimiser.step(closure)
    return Reranker(weights.detach().numpy(), float(bias.item()), mean, scale, 0.5)


RERANK_FILE = "rerank.json"


def _model_folder(embedder: str) -> Path:
    from ml.memory.sbert import EMBEDDER_NAME, MODEL_DIR

    return MODEL_DIR if embedder in (EMBEDDER_NAME, PLAIN_USE) else Path(embedder)


def load_reranker(embedder: str) -> Reranker | None:
    """The reranker saved beside a memory model ('memory-sbert' or a folder), if it has one."""
    if embedder == PLAIN_USE:  # fitted on the memory model's cosines, not plain USE's
        return None
    path = _model_folder(embedder) / RERANK_FILE
    return Reranker.load(path) if path.is_file() else None


def retrieval_threshold(embedder: str, reranker: Reranker | None, configured: float | None) -> float:
    """The threshold retrieval applies: a reranker's own probability threshold (chosen with it),
    else the configured cosine, else the cosine chosen on validation for this model."""
    if reranker is not None:
        return reranker.threshold
    return configured if configured is not None else cosine_threshold(embedder)


def cosine_threshold(embedder: str) -> float:
    """The cosine a memory must reach without a reranker, as `ohlora train memory` chose it on
    validation (metrics.json beside the model; plain USE has its own entry there)."""
    key = "usem3_memory_threshold" if embedder == PLAIN_USE else "memory_threshold"
    try:
        return float(model_metrics(embedder)[key])
    except (OSError, ValueError, KeyError) as exc:
        raise ValueError(
            f"no validated memory threshold for embedder {embedder!r} "
            f"({_model_folder(embedder) / 'metrics.json'}: {exc}); set MEMORY_THRESHOLD"
        ) from exc


def load_cue_bonus(embedder: str) -> CueBonus | None:
    """The association-cue bonus chosen with this model's threshold on validation, or None when its
    metrics.json records none (plain USE, a model calibrated before the lexicon existed)."""
    if embedder == PLAIN_USE:
        return None
    try:
        weight = float(model_metrics(embedder)["memory_cue_weight"])
    except (OSError, ValueError, KeyError):
        return None
    return CueBonus(load_lexicon(), weight) if weight else None


def model_metrics(embedder: str) -> dict[str, Any]:
    """The model's metrics.json, where training and calibration record what serving reads."""
    path = _model_folder(embedder) / "metrics.json"
    return cast(dict[str, Any], json.loads(path.read_text(encoding="utf-8")))
