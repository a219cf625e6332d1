"""`ohlora train facts`: fit the fact-lookup head (ml/llm/facts.py) on the persona rows.

Positives: a fact row's message, labelled with the facts its gold reply states, and the questions
of `data/fact_questions*.csv` (`text,fact`, about 135 phrasings per fact over two rounds, `none` for
hard negatives: other people's birthdays, 알파고 the Go AI, the real aurora…). Negatives: every other
persona row (chat, memory chat, refusals, look-alikes…), so ordinary talk adds no line.
Split: the persona data's own fixed group split (dataset.is_validation); 15 % of the questions by a
hash of their text. Seeded, a few seconds.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm import tqdm

from ml.embedding import base_embedder, load_embedder
from ml.llm.dataset import DATA_DIR, is_validation, load_rows
from ml.llm.facts import HEAD_FILE, KEYS, FactHead, features, reply_labels


def question_rows(data_dir: Path = DATA_DIR) -> list[dict[str, Any]]:
    """The labelled questions of every `fact_questions*.csv`, shaped like persona rows (`facts`
    instead of a reply)."""
    rows: list[dict[str, str]] = []
    for path in sorted(data_dir.glob("fact_questions*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows += list(csv.DictReader(handle))
    unknown = {r["fact"] for r in rows} - set(KEYS) - {"none"}
    if unknown:
        raise ValueError(f"{data_dir}: unknown facts {sorted(unknown)}")
    return [
        {"message": r["text"], "kind": "fact" if r["fact"] != "none" else "question", "facts": [r["fact"]]}
        for r in rows
    ]


def _held_out(row: dict[str, Any]) -> bool:
    if "group" in row:
        return is_validation(row)
    return hashlib.sha256(row["message"].encode()).digest()[0] < 256 * 15 // 100


def _targets(rows: list[dict[str, Any]]) -> np.ndarray:
    y = np.zeros((len(rows), len(KEYS)), dtype=np.float32)
    for i, row in enumerate(rows):
        if row["kind"] == "fact":
            for key in row["facts"] if "facts" in row else reply_labels(row["reply"]):
                y[i, KEYS.index(key)] = 1.0
    return y


def _fit(x: np.ndarray, y: np.ndarray, seed: int, steps: int, decay: float) -> FactHead:
    torch.manual_seed(seed)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    weights = torch.zeros(len(KEYS), x.shape[1], requires_grad=True)
    bias = torch.zeros(len(KEYS), requires_grad=True)
    # Positives are rare (a few dozen per fact against ~2,000 negatives): weigh them up.
    pos_weight = ((1 - yt).sum(0) / yt.sum(0).clamp(min=1)).sqrt()
    optimiser = torch.optim.Adam([weights, bias], lr=0.05)
    for _ in tqdm(range(steps), desc="fact head", unit="step"):
        logits = xt @ weights.T + bias
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, yt, pos_weight=pos_weight)
        loss = loss + decay * weights.pow(2).sum()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return FactHead(weights.detach().numpy(), bias.detach().numpy())


def score(head: FactHead, x: np.ndarray, y: np.ndarray, is_fact: np.ndarray) -> dict[str, float]:
    """Fact rows: the top key is one the reply states; other rows: no line at all."""
    chosen = [head.keys_for(v) for v in x]
    labelled = [i for i in range(len(x)) if is_fact[i] and y[i].any()]
    hits = [bool(chosen[i]) and y[i, KEYS.index(chosen[i][0])] == 1 for i in labelled]
    others = [i for i in range(len(x)) if not is_fact[i]]
    return {
        "fact_top1": round(float(np.mean(hits)), 4) if hits else 0.0,
        "fact_rows": len(labelled),
        "false_line_rate": round(float(np.mean([bool(chosen[i]) for i in others])), 4),
        "other_rows": len(others),
    }


def run_train(args: argparse.Namespace) -> int:
    seed, steps, decay = args.seed, 400, 1e-5
    embedder = base_embedder(load_embedder(args.engine_config.embedder))
    rows = load_rows() + question_rows()
    split = {
        "train": [r for r in rows if not _held_out(r)],
        "validation": [r for r in rows if _held_out(r)],
    }
    data = {
        name: (
            features(embedder, [r["message"] for r in part]),
            _targets(part),
            np.array([r["kind"] == "fact" for r in part]),
        )
        for name, part in split.items()
    }
    head = _fit(data["train"][0], data["train"][1], seed, steps, decay)
    metrics: dict[str, object] = {name: score(head, *parts) for name, parts in data.items()}
    metrics["config"] = {"seed": seed, "steps": steps, "weight_decay": decay, "threshold": head.threshold}
    out: Path = args.out or HEAD_FILE
    head.save(out, metrics)
    print(json.dumps(metrics, ensure_ascii=False))
    return 0
