"""Scoring of `ohlora eval analysis` and the rule that opens the memory list."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ml.expression import Expression
from ml.llm import generate as generate_module
from ml.llm.analysis import TurnAnalysis
from ml.llm.evaluate_analysis import (
    Row,
    load_analysis_rows,
    report,
    score_memories,
    similarity,
    sweep_report,
)
from ml.llm.generate import analyze_turn
from ml.llm.loader import LoadedLLM
from ml.memory.records import MemoryFact, parse_memories

TODAY = date(2026, 11, 27)  # a Friday


def _facts(text: str) -> list[MemoryFact]:
    return parse_memories(text)


def test_the_same_fact_in_other_words_matches_and_another_fact_does_not() -> None:
    assert similarity("[취미: 보컬 학원]", "[취미: 보컬 학원 다니기]") >= 0.4
    assert similarity("[취미: 보컬 학원]", "[반려동물: 고양이 나비]") < 0.4


def test_memory_counts_recall_precision_and_dates() -> None:
    gold = _facts("[내일 일정: 친구들이랑 에버랜드] [MBTI: INFP]")
    stored = _facts("[내일 일정: 친구랑 에버랜드] [좋아하는 음식: 떡볶이]")
    score = score_memories(stored, gold, TODAY)
    assert (score.gold, score.stored, score.found, score.correct) == (2, 2, 1, 1)
    assert (score.dated, score.dated_right) == (1, 1)
    wrong_day = score_memories(_facts("[모레 일정: 친구들이랑 에버랜드]"), gold, TODAY)
    assert (wrong_day.found, wrong_day.dated, wrong_day.dated_right) == (1, 1, 0)


def _row(gold: list[str], stored: list[str], p_open: float, **kw: Any) -> Row:
    data = {
        "message": "m",
        "reply": "r",
        "now": "2026-11-27 (금) 10:00",
        "memories": gold,
        "turn_summary": "s",
        "eyes": "보통",
        "mouth": "보통",
        "pose": "없음",
    }
    return Row(data, TurnAnalysis(_facts(" ".join(stored)), "사용자가 말함"), 1.0, p_open, **kw)


def test_report_counts_memory_free_turns_that_stored_something() -> None:
    rows = [
        _row(["[취미: 보컬 학원]"], ["[취미: 보컬 학원]"], 0.5),
        _row([], ["[기분: 좋음]"], 0.3),
        _row([], [], 0.01),
        _row([], [], 0.02),
    ]
    result = report(rows)
    assert result["memory_recall"] == 1.0
    assert result["memory_precision"] == 0.5
    assert result["spurious_rate"] == pytest.approx(1 / 3, abs=1e-3)
    assert result["pose_accuracy"] == 1.0 and result["with_memories"] == 1


def test_the_sweep_uses_the_opened_analysis_only_above_each_ratio() -> None:
    opened = TurnAnalysis(_facts("[반려동물: 고양이 나비]"), "요약")
    closed = TurnAnalysis([], "요약")
    rows = [_row(["[반려동물: 고양이 나비]"], [], 0.07, opened=opened, closed=closed)]
    by_ratio = {line["open_ratio"]: line["memory_recall"] for line in sweep_report(rows)}
    assert by_ratio[0.05] == 1.0 and by_ratio[0.1] == 0.0


class ScriptedDecoder:
    """Stands in for CachedDecoder: P(" [") is 0.15, and each line and choice is scripted."""

    def __init__(self, tokenizer: Any, model: Any, prompt: str) -> None:
        self.text = prompt

    def first_token_odds(self, wanted: str, other: str) -> float:
        return 0.15

    def force(self, text: str) -> None:
        self.text += text

    def line(self, max_tokens: int) -> str:
        written = "취미: 보컬 학원]" if self.text.endswith(" [") else " 학원 얘기"
        self.text += written + "\n"
        return written

    def choose(self, options: list[str]) -> str:
        self.text += options[1]
        return options[1]


@pytest.mark.parametrize(("ratio", "opens"), [(0.0, True), (0.1, True), (0.2, False), (1.5, False)])
def test_the_memory_list_opens_when_its_first_token_is_likely_enough(
    monkeypatch: pytest.MonkeyPatch, ratio: float, opens: bool
) -> None:
    decoders: list[ScriptedDecoder] = []
    monkeypatch.setattr(
        generate_module, "CachedDecoder", lambda *a: decoders.append(ScriptedDecoder(*a)) or decoders[-1]
    )
    llm = LoadedLLM(tokenizer=None, model=None, adapter=Path("adapter"), name="scripted")
    now = "2026-11-27 (금) 10:00"
    # a message no rule reads (a pet would be added by ml.llm.self_facts whatever the model does)
    analysis = analyze_turn(llm, "나 요즘 보컬 학원 다녀", "멋지다!", now, open_ratio=ratio)
    completion = decoders[0].text.split("### 기억:", 1)[1]
    assert completion.startswith(" [") is opens
    assert [f.text for f in analysis.memories] == (["[취미: 보컬 학원]"] if opens else [])
    assert analysis.summary == "학원 얘기" and not analysis.repaired
    assert analysis.expression == Expression("보통", "크게", "보통")
    assert completion.endswith("### 요약: 학원 얘기\n### 표정: 눈 보통, 입 크게, 고개 보통")


def test_a_malformed_rows_file_is_refused_with_its_line(tmp_path: Path) -> None:
    good = {"message": "m", "reply": "r", "now": "2026-11-27 (금) 10:00", "memories": []}
    good |= {"eyes": "보통", "mouth": "보통", "pose": "없음"}
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps(good) + "\n\n" + json.dumps({"message": "m"}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3 lacks reply"):
        load_analysis_rows(path, None)
    path.write_text(json.dumps(good) + "\n", encoding="utf-8")
    assert load_analysis_rows(path, None) == [good]
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError):
        load_analysis_rows(path, None)
