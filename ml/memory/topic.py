"""Does a message leave the subject of the previous turn's summary? A small logistic rule.

The first rule (a cue word at the start, else cosine below a threshold) misread the commonest
Korean continuation: in `topic_pairs.jsonl` a message starting with 근데 continues the subject
54 times out of 61 in the training groups ("근데 거기 디저트도 맛있대"). Here the cue words are
features with learned weights beside the USE cosine, the shared characters and anaphora (거기, 걔,
그거: pointing back means staying). Weights are fitted by `ml.memory.train` on the training groups
and saved as JSON next to the memory model; the decision threshold is chosen on validation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SHIFT_CUES = re.compile(
    r"^\s*(그건\s*그렇고|그나저나|아\s*맞다|아\s*참|참\s|다른\s*(얘기|이야기|얘긴데)|말\s*바꿔서|갑자기|화제\s*전환)"
)
BUT_CUE = re.compile(r"^\s*근데")  # "but/by the way": usually goes on with the subject
CONTINUE_CUES = re.compile(
    r"^\s*(그래서|그리고|그럼|그러면|그래도|그니까|그러니까|응|맞아|고마워|다음엔|일단)"
)
ANAPHORA = re.compile(r"(거기|걔|얘네|그거|그게|그걸|그때|그\s*사람|그\s*집|그\s*회사|그\s*친구|이번엔|그날)")
ABOUT_HER = re.compile(r"(로라|너는|넌\s|너도|너\s*(몇|뭐|좋아))")
FEATURES = (
    "cosine",  # USE cosine between the message and the summary
    "shared_chars",  # share of the message's character bigrams found in the summary
    "shift_cue",  # starts with 그건 그렇고 / 아 맞다 / 다른 얘긴데 …
    "but_cue",  # starts with 근데
    "continue_cue",  # starts with 그래서 / 그럼 / 고마워 …
    "anaphora",  # points back: 거기, 걔, 그거 …
    "about_her",  # asks about 로라 herself
)


def _bigrams(text: str) -> set[str]:
    words = re.findall(r"[가-힣A-Za-z0-9]+", text)
    return {w[i : i + 2] for w in words for i in range(max(1, len(w) - 1))}


def topic_features(message: str, summary: str, cosine: float) -> np.ndarray:
    """(len(FEATURES),) float32 for one message against one summary."""
    mine = _bigrams(message)
    shared = len(mine & _bigrams(summary)) / max(1, len(mine))
    flags = [bool(p.search(message)) for p in (SHIFT_CUES, BUT_CUE, CONTINUE_CUES, ANAPHORA, ABOUT_HER)]
    return np.array([cosine, shared, *map(float, flags)], dtype=np.float32)


@dataclass(frozen=True)
class TopicRule:
    """Logistic weights over `FEATURES`: P(new topic) = sigmoid(features @ weights + bias)."""

    weights: tuple[float, ...]  # one per name in FEATURES
    bias: float  # intercept of the logistic model

    def probability(self, features: np.ndarray) -> float:
        return float(1.0 / (1.0 + np.exp(-(features @ np.asarray(self.weights) + self.bias))))

    def save(self, path: Path) -> None:
        payload = {"features": list(FEATURES), "weights": list(self.weights), "bias": self.bias}
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> TopicRule:
        payload = json.loads(path.read_text(encoding="utf-8"))
        if tuple(payload["features"]) != FEATURES:
            raise ValueError(f"{path}: features {payload['features']} differ from {list(FEATURES)}")
        return cls(tuple(float(w) for w in payload["weights"]), float(payload["bias"]))


def fit_topic_rule(
    features: np.ndarray, changed: Sequence[bool], l2: float = 0.01, steps: int = 3000, lr: float = 0.5
) -> TopicRule:
    """Logistic regression by gradient descent on (N, F) features; `changed` is the target."""
    x = np.asarray(features, dtype=np.float64)  # (N, F)
    y = np.asarray(changed, dtype=np.float64)  # (N,)
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        w -= lr * (x.T @ (p - y) / len(y) + l2 * w)
        b -= lr * float(np.mean(p - y))
    return TopicRule(tuple(float(v) for v in w), float(b))
