"""`ohlora train llm`: a LoRA persona adapter over the base LLM, completion-only loss.

One adapter learns both tasks from the same rows: her reply, and the structured analysis of the
turn (memories, summary, expression). A plain torch loop rather than trl's SFTTrainer: on a
2-core CPU the loop computes logits only at completion positions (the 262k-token head is most of
the cost) and runs the body in bf16 autocast (AMX), which trl does not do for us.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from tqdm import tqdm

from ml.embedding import load_embedder
from ml.llm.dataset import Example, is_validation, load_rows, to_examples
from ml.llm.facts import FactSheet, training_lines
from ml.llm.loader import DEFAULT_ADAPTER, LLMConfig, resolve_base
from ml.llm.output_vocab import build_output_vocab, save_output_vocab
from ml.plot import save_curve


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters; saved beside the adapter."""

    epochs: float = 1.0  # passes over the training examples (fractions allowed)
    lr: float = 3e-4  # AdamW learning rate, cosine-decayed after a short warm-up
    batch: int = 8  # examples per optimiser step
    rank: int = 16  # LoRA rank
    alpha: int = 32  # LoRA scaling numerator
    dropout: float = 0.05  # LoRA dropout
    max_len: int = 192  # tokens per example; longer ones are cut from the left of the prompt
    max_rows: int | None = None  # cap on training rows (for quick runs)
    resume: Path | None = None  # continue training this adapter instead of a fresh LoRA
    seed: int = 42  # data order, split and LoRA init
    threads: int = 2  # torch intra-op threads
    first_layer: int = 8  # LoRA on decoder layers from here up; below it autograd has nothing to do
    max_val: int = 96  # validation examples scored at the end (a fixed, seeded subset)
    # Rows seen twice per epoch: a row kind ("fact", "refuse", …) or a data round, named by its id
    # prefix ("p4" is persona_p4.jsonl), so a resumed stage can dwell on the newest rows.
    oversample: tuple[str, ...] = ("fact", "refuse")


def _oversampled(row: dict[str, Any], names: tuple[str, ...]) -> bool:
    return row["kind"] in names or row["id"].split("-")[0] in names


def _encode(tokenizer: Any, ex: Example, max_len: int) -> tuple[list[int], int]:
    prompt = tokenizer(ex.prompt, add_special_tokens=True)["input_ids"]
    completion = tokenizer(ex.completion, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    ids = (prompt + completion)[-max_len:]
    return ids, max(1, len(ids) - len(completion))  # (ids, index of the first completion token)


def _batches(encoded: list[tuple[list[int], int]], batch: int, rng: random.Random) -> list[list[int]]:
    """Length-bucketed batches (little padding) in shuffled order."""
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i][0]))
    chunks = [order[i : i + batch] for i in range(0, len(order), batch)]
    rng.shuffle(chunks)
    return chunks


def _loss(model: Any, encoded: list[tuple[list[int], int]], idx: list[int], pad: int) -> torch.Tensor:
    width = max(len(encoded[i][0]) for i in idx)
    ids = torch.full((len(idx), width), pad, dtype=torch.long)  # (B, T)
    mask = torch.zeros((len(idx), width), dtype=torch.long)
    targets = torch.full((len(idx), width), -100, dtype=torch.long)
    for row, i in enumerate(idx):
        seq, start = encoded[i]
        ids[row, : len(seq)] = torch.tensor(seq)
        mask[row, : len(seq)] = 1
        targets[row, start - 1 : len(seq) - 1] = torch.tensor(seq[start:])  # next-token targets
    base = model.get_base_model()
    with torch.autocast("cpu", dtype=torch.bfloat16):
        hidden = base.model(input_ids=ids, attention_mask=mask).last_hidden_state  # (B, T, H)
        keep = targets != -100
        logits = base.lm_head(hidden[keep])  # (N, V): only where a completion token is predicted
    return torch.nn.functional.cross_entropy(logits.float(), targets[keep])


def train(cfg: TrainConfig, llm: LLMConfig, out: Path, embedder: str = "memory-sbert") -> dict[str, Any]:
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.manual_seed(cfg.seed)
    torch.set_num_threads(cfg.threads)
    rng = random.Random(cfg.seed)
    rows = load_rows()
    # The split is fixed (dataset.is_validation's own seed); cfg.seed only orders the data.
    train_rows = [r for r in rows if not is_validation(r)]
    val_rows = [r for r in rows if is_validation(r)]
    # Kinds that must be exact (by default her facts and her refusals) are seen twice per epoch.
    train_rows += [r for r in train_rows if _oversampled(r, cfg.oversample)]
    rng.shuffle(train_rows)
    if cfg.max_rows:
        train_rows = train_rows[: cfg.max_rows]
    folder, gguf = resolve_base(llm)
    kwargs = {"gguf_file": gguf} if gguf else {}
    tokenizer = AutoTokenizer.from_pretrained(folder, **kwargs)
    model: Any = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, **kwargs)
    if cfg.resume is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, str(cfg.resume), is_trainable=True)
    else:
        model = get_peft_model(
            model,
            LoraConfig(
                r=cfg.rank,
                lora_alpha=cfg.alpha,
                lora_dropout=cfg.dropout,
                task_type="CAUSAL_LM",
                layers_to_transform=list(range(cfg.first_layer, model.config.num_hidden_layers)),
                target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
            ),
        )
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    sheet = FactSheet.load(load_embedder(embedder))
    encoded = [
        _encode(tokenizer, ex, cfg.max_len)
        for r, line in zip(train_rows, training_lines(train_rows, sheet), strict=True)
        for ex in to_examples(r, line)
    ]
    val_encoded = [
        _encode(tokenizer, ex, cfg.max_len)
        for r, line in zip(val_rows, training_lines(val_rows, sheet), strict=True)
        for ex in to_examples(r, line)
    ]
    val_encoded = random.Random(cfg.seed).sample(val_encoded, min(cfg.max_val, len(val_encoded)))
    steps_per_epoch = math.ceil(len(encoded) / cfg.batch)
    total = max(1, int(steps_per_epoch * cfg.epochs))
    params = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=0.0)
    warmup = max(1, total // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser,
        lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(s, total) / total)),
    )
    model.train()
    losses: list[float] = []
    plan: list[list[int]] = []
    while len(plan) < total:
        plan += _batches(encoded, cfg.batch, rng)
    started = time.time()
    bar = tqdm(plan[:total], desc="LoRA", unit="step")
    for idx in bar:
        loss = _loss(model, encoded, idx, pad)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimiser.step()
        schedule.step()
        optimiser.zero_grad(set_to_none=True)
        losses.append(loss.item())
        bar.set_postfix(loss=f"{sum(losses[-20:]) / len(losses[-20:]):.3f}")
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out), safe_serialization=True)  # saved before scoring: nothing is lost
    vocab_size = write_output_vocab(out, tokenizer)
    model.eval()
    with torch.inference_mode():
        val_batches = [
            list(range(i, min(i + cfg.batch, len(val_encoded))))
            for i in range(0, len(val_encoded), cfg.batch)
        ]
        val_loss = sum(float(_loss(model, val_encoded, b, pad)) * len(b) for b in val_batches) / max(
            len(val_encoded), 1
        )
    smooth = [
        sum(losses[max(0, i - 19) : i + 1]) / len(losses[max(0, i - 19) : i + 1]) for i in range(len(losses))
    ]
    save_curve(
        out / "loss.png",
        {"train loss (20-step mean)": smooth},
        f"LoRA persona adapter — val loss {val_loss:.3f}",
    )
    metrics = {
        "train_rows": len(train_rows),
        "val_rows": len(val_rows),
        "examples": len(encoded),
        "steps": total,
        "final_train_loss": smooth[-1] if smooth else None,
        "val_loss": val_loss,
        "output_vocab": vocab_size,
        "minutes": round((time.time() - started) / 60, 1),
        "command": "ohlora train llm "
        + " ".join(
            f"--{k.replace('_', '-')} {v}"
            for k, v in (
                ("epochs", cfg.epochs),
                ("seed", cfg.seed),
                ("lr", cfg.lr),
                ("resume", cfg.resume),
                ("oversample", ",".join(cfg.oversample)),
            )
            if v is not None
        ),
        "base": llm.model,
        "config": asdict(cfg),
    }
    (out / "metrics.json").write_text(
        json.dumps(metrics, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    return metrics


def write_output_vocab(out: Path, tokenizer: Any) -> int:
    """Save the tokens the adapter learned to write (`ml.llm.output_vocab`) beside it; returns how many."""
    rows = [r for r in load_rows() if not is_validation(r)]
    ids = build_output_vocab(tokenizer, (ex.prompt + ex.completion for r in rows for ex in to_examples(r)))
    save_output_vocab(out, ids)
    return len(ids)


def run_output_vocab(args: argparse.Namespace) -> int:
    """`ohlora train llm-vocab`: (re)write an adapter's output vocabulary without retraining it."""
    from transformers import AutoTokenizer

    folder, gguf = resolve_base(args.engine_config.llm)
    tokenizer = AutoTokenizer.from_pretrained(folder, **({"gguf_file": gguf} if gguf else {}))
    out = args.adapter or DEFAULT_ADAPTER
    print(f"{write_output_vocab(out, tokenizer)} token ids written to {out}")
    return 0


def run_train(args: argparse.Namespace) -> int:
    cfg = TrainConfig(
        epochs=args.epochs,
        max_rows=args.max_rows,
        resume=args.resume,
        seed=args.seed,
        lr=args.lr,
        oversample=tuple(k for k in args.oversample.split(",") if k),
    )
    metrics = train(cfg, args.engine_config.llm, args.out or DEFAULT_ADAPTER, args.engine_config.embedder)
    print(json.dumps(metrics, ensure_ascii=False, default=str))
    return 0
