"""Pick the stored memory that helps answer a message, or none; detect a change of topic."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from ml.embedding import SentenceEmbedder, from_blobs
from ml.memory.dates import is_past


@dataclass(frozen=True)
class StoredMemory:
    """A memory as the service hands it over: id, `[key: value]` text, embedding bytes, its date."""

    id: int
    text: str
    embedding: bytes
    valid_on: str | None = None


@dataclass(frozen=True)
class Retrieval:
    """The chosen memory (None when none clears the threshold) and its cosine score."""

    memory_id: int | None
    text: str | None
    score: float


def retrieve_memory(
    embedder: SentenceEmbedder,
    query: str,
    memories: Sequence[StoredMemory],
    today: date,
    threshold: float,
) -> Retrieval:
    """Best current memory by cosine similarity; memories about past days are not offered."""
    current = [m for m in memories if not is_past(m.valid_on, today)]
    if not current or not query.strip():
        return Retrieval(None, None, 0.0)
    matrix = from_blobs([m.embedding for m in current], embedder.dim)  # (N, dim)
    query_vec = embedder.encode([query])[0]  # (dim,)
    scores = matrix @ query_vec  # (N,)
    best = int(np.argmax(scores))
    score = float(scores[best])
    if score < threshold:
        return Retrieval(None, None, score)
    return Retrieval(current[best].id, current[best].text, score)


_TOPIC_CUES = re.compile(r"^\s*(근데|그건\s*그렇고|그나저나|아\s*맞다|다른\s*(얘기|이야기)|말\s*바꿔서|갑자기)")


def topic_changed(embedder: SentenceEmbedder, message: str, summary: str, threshold: float) -> bool:
    """True when the message starts a new subject, so the previous summary should not be offered."""
    if _TOPIC_CUES.search(message):
        return True
    vectors = embedder.encode([message, summary])  # (2, dim)
    return float(vectors[0] @ vectors[1]) < threshold
