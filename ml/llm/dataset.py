"""The persona SFT rows (ml/llm/data/persona_*.jsonl), their split, and prompt/completion pairs."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ml.llm.prompts import TurnContext, analysis_prompt, analysis_target, reply_prompt

DATA_DIR = Path(__file__).resolve().parent / "data"
VALIDATION_SHARE = 10  # percent of groups held out


@dataclass(frozen=True)
class Example:
    """One training pair; loss is computed on `completion` only."""

    prompt: str
    completion: str
    task: str  # "reply" | "analysis"
    row_id: str


def load_rows(data_dir: Path = DATA_DIR) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in sorted(data_dir.glob("persona_*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            rows.extend(json.loads(line) for line in handle if line.strip())
    return rows


def is_validation(row: dict[str, Any], seed: int = 42) -> bool:
    """Stable split by group: paraphrases of one exchange never straddle train and validation."""
    digest = hashlib.sha256(f"{seed}:{row['group']}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < VALIDATION_SHARE


def to_examples(row: dict[str, Any], about_her: str | None = None) -> list[Example]:
    """`about_her` is the `### 로라 정보:` line the row is trained with (see `facts.training_lines`)."""
    ctx = TurnContext(
        message=row["message"],
        now=row["now"],
        memory=row.get("memory"),
        summary=row.get("summary"),
        about_her=about_her,
    )
    reply = Example(reply_prompt(ctx, tuned=True), " " + row["reply"], "reply", row["id"])
    target = analysis_target(row["memories"], row["turn_summary"], row["eyes"], row["mouth"], row["pose"])
    analysis = Example(
        analysis_prompt(row["message"], row["reply"], row["now"]), target, "analysis", row["id"]
    )
    return [reply, analysis]
