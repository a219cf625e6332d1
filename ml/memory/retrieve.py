"""Pick the stored memory that helps answer a message, or none; detect a change of topic."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np

from ml.embedding import SentenceEmbedder, base_embedder, from_blobs
from ml.memory.cues import CueBonus
from ml.memory.dates import is_past, named_day
from ml.memory.rerank import Reranker
from ml.memory.topic import TopicRule, topic_features


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


# Stored plans carry absolute dates ([2026-11-30 일정: 친구랑 홍대 방탈출]), so a message that names the
# day with a relative word ("내일 뭐 하기로 했더라?") shares no words with them: cosine 0.02 with the
# served model. A memory whose date is the day the message names gets this much added, enough to clear
# the abstain-first threshold (0.305) on its own: whatever the message says about that day, the plan
# for it is what she should have in mind. Set by hand, not validated: the validation users' memories
# carry no dates (0.15 sufficed under the earlier 0.235 threshold).
DAY_MATCH_BONUS = 0.35


def retrieve_memory(
    embedder: SentenceEmbedder,
    query: str,
    memories: Sequence[StoredMemory],
    today: date,
    threshold: float,
    reranker: Reranker | None = None,
    cues: CueBonus | None = None,
) -> Retrieval:
    """Best current memory; memories about past days are not offered.

    Without a reranker the best score (cosine, plus the day bonus and any cue bonus) wins if it
    reaches `threshold`; with one, the reranker's probability decides among the top scores and
    `threshold` is a probability.
    """
    current = [m for m in memories if not is_past(m.valid_on, today)]
    if not current or not query.strip():
        return Retrieval(None, None, 0.0)
    matrix = from_blobs([m.embedding for m in current], embedder.dim)  # (N, dim)
    query_vec = embedder.encode([query])[0]  # (dim,)
    # einsum stays on this thread: a BLAS GEMV wakes its thread pool and took 8 ms for 1,000 rows
    # on a busy 2-core machine, against 0.07 ms here.
    scores = np.einsum("ij,j->i", matrix, query_vec)  # (N,)
    day = named_day(query, today)
    if day is not None:  # "내일 뭐 하기로 했지?" asks for the memory about that very day
        scores = scores + DAY_MATCH_BONUS * np.array([(m.valid_on or "")[:10] == day for m in current])
    texts = [m.text for m in current]
    if cues is not None:  # "셔틀콕 또 깨졌어" points to [좋아하는 운동: 배드민턴]
        scores = scores + cues.scores(query, texts)
    if reranker is not None:
        index, probability = reranker.pick(query, texts, scores, threshold)
        if index is None:
            return Retrieval(None, None, probability)
        return Retrieval(current[index].id, current[index].text, probability)
    best = int(np.argmax(scores))
    score = float(scores[best])
    if score < threshold:
        return Retrieval(None, None, score)
    return Retrieval(current[best].id, current[best].text, score)


TOPIC_RULE_FILE = Path(__file__).with_name("model") / "topic_rule.json"  # fitted by ml.memory.train


@cache
def load_topic_rule(path: Path = TOPIC_RULE_FILE) -> TopicRule:
    """The committed topic-change weights (a small read-only JSON, read once per path)."""
    return TopicRule.load(path)


def topic_change_probability(
    embedder: SentenceEmbedder, message: str, summary: str, rule: TopicRule | None = None
) -> float:
    """P(the message leaves the summary's subject) from cue words, anaphora, shared text and cosine."""
    plain = base_embedder(embedder)  # the rule was fitted on plain USE cosines
    vectors = plain.encode([message, summary])  # (2, dim)
    features = topic_features(message, summary, float(vectors[0] @ vectors[1]))
    return (rule or load_topic_rule()).probability(features)


def topic_changed(
    embedder: SentenceEmbedder,
    message: str,
    summary: str,
    threshold: float,
    rule: TopicRule | None = None,
) -> bool:
    """True when the message starts a new subject, so the previous summary should not be offered.

    `threshold` is the probability of a change at or above which the summary is dropped.
    """
    if not message.strip():
        return False
    return topic_change_probability(embedder, message, summary, rule) >= threshold
