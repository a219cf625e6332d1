"""`ohlora eval output-layer`'s bookkeeping: identical outputs are counted per task, and the two
layers take turns going first so neither always runs on a warm cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ml.llm import evaluate_output_layer
from ml.llm.loader import LoadedLLM


def test_identical_outputs_are_counted_per_task_and_the_order_alternates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, str]] = []

    def reply(llm: LoadedLLM, row: dict[str, Any]) -> str:
        calls.append((llm.name, row["message"]))
        return row["message"] + ("!" if llm.name == "full" and row["message"] == "b" else "")

    def analysis(llm: LoadedLLM, row: dict[str, Any]) -> str:
        return "same"

    monkeypatch.setattr(evaluate_output_layer, "TASKS", {"reply": reply, "analysis": analysis})
    trimmed = LoadedLLM(tokenizer=None, model=None, adapter=Path("a"), name="trimmed")
    full = LoadedLLM(tokenizer=None, model=None, adapter=Path("a"), name="full")
    rows = [{"message": m} for m in "abc"]

    result = evaluate_output_layer.compare(trimmed, full, rows)

    assert result["n"] == 3
    assert result["reply_identical"] == 2  # row "b" differs
    assert result["analysis_identical"] == 3
    assert [name for name, _ in calls] == ["trimmed", "full", "full", "trimmed", "trimmed", "full"]
    assert result["reply_speedup"] > 0
