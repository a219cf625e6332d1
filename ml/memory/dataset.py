"""The memory data in `ml/memory/data`: pairs, topic pairs, group splits and retrieval stores.

Splits are by `group` (one memory, or one summary, per group) so no memory's phrasing leaks from
training into validation. A retrieval store imitates one user: memories with distinct keys (the
repository replaces a memory with the same key), a few from the split under test and the rest from
training as distractors, about as many as the held-out file has.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")


@dataclass(frozen=True)
class MemoryPair:
    """One row of pairs.jsonl: does `memory` help answer `query`?"""

    memory: str
    query: str
    label: int  # 1 = the memory helps, 0 = it does not
    kind: str  # positive, hard_negative or easy_negative
    group: str  # the memory's id; the unit of splitting


@dataclass(frozen=True)
class TopicPair:
    """One row of topic_pairs.jsonl."""

    summary: str
    message: str
    same_topic: bool
    group: str


@dataclass(frozen=True)
class RetrievalCase:
    """A query against one user's memories; `expect` is the memory that should come back, or None."""

    query: str
    expect: str | None
    store: int  # index into the list of stores the case belongs to


@dataclass(frozen=True)
class Split:
    """Group ids of each part."""

    train: frozenset[str]
    validation: frozenset[str]
    test: frozenset[str]


def load_pairs(data_dir: Path = DATA_DIR) -> list[MemoryPair]:
    """Every `pairs*.jsonl` in `data_dir` (pairs.jsonl, then the themed files, in name order)."""
    pairs: list[MemoryPair] = []
    for path in sorted(data_dir.glob("pairs*.jsonl")):
        with path.open(encoding="utf-8") as f:
            pairs.extend(MemoryPair(**json.loads(line)) for line in f if line.strip())
    return pairs


def load_topic_pairs(path: Path = DATA_DIR / "topic_pairs.jsonl") -> list[TopicPair]:
    with path.open(encoding="utf-8") as f:
        return [TopicPair(**json.loads(line)) for line in f if line.strip()]


def split_groups(groups: Sequence[str], seed: int, validation: float = 0.15, test: float = 0.15) -> Split:
    """Shuffle the distinct groups with `seed` and cut them into train / validation / test."""
    ordered = sorted(set(groups))
    random.Random(seed).shuffle(ordered)
    n_val, n_test = round(len(ordered) * validation), round(len(ordered) * test)
    n_train = len(ordered) - n_val - n_test
    return Split(
        frozenset(ordered[:n_train]),
        frozenset(ordered[n_train : n_train + n_val]),
        frozenset(ordered[n_train + n_val :]),
    )


def memory_key(memory: str) -> str:
    """The key of a `[key: value]` line."""
    return memory.strip("[] ").split(":", 1)[0].strip()


def build_stores(
    pairs: Sequence[MemoryPair],
    groups: frozenset[str],
    fillers: Sequence[str],
    seed: int,
    per_store: int = 8,
    store_size: int = 40,
) -> tuple[list[list[str]], list[RetrievalCase]]:
    """Pseudo-users for retrieval: `per_store` memories of `groups` each, topped up from `fillers`.

    Every pair of those groups becomes a case in the store holding its memory: positives expect
    their memory, hard and easy negatives expect no memory at all.
    """
    rng = random.Random(seed)
    pending = sorted({p.memory for p in pairs if p.group in groups})
    rng.shuffle(pending)
    stores: list[list[str]] = []
    home: dict[str, int] = {}
    while pending:
        chosen: list[str] = []
        keys: set[str] = set()
        for memory in list(pending):
            if len(chosen) < per_store and memory_key(memory) not in keys:
                chosen.append(memory)
                keys.add(memory_key(memory))
                pending.remove(memory)
        store = list(chosen)
        for memory in rng.sample(list(fillers), len(fillers)):
            if len(store) >= store_size:
                break
            if memory_key(memory) not in keys:
                store.append(memory)
                keys.add(memory_key(memory))
        home |= {m: len(stores) for m in chosen}
        stores.append(store)
    cases = [
        RetrievalCase(p.query, p.memory if p.label else None, home[p.memory])
        for p in pairs
        if p.group in groups
    ]
    return stores, cases
