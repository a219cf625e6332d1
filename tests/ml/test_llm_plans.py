"""A plan stated with its day is kept even when the analysis model stores nothing."""

from __future__ import annotations

from datetime import date

import pytest

from ml.llm.analysis import parse_analysis
from ml.llm.plans import plan_from_message
from ml.memory.dates import resolve_relative_dates

TAIL = "\n### 요약: 사용자가 계획을 말함\n### 표정: 눈 보통, 입 보통, 고개 없음"


@pytest.mark.parametrize(
    ("message", "key", "value"),
    [
        ("나 내일 친구랑 홍대에서 방탈출 하기로 했어", "내일 일정", "친구랑 홍대에서 방탈출"),
        ("이번 주말에 엄마랑 양평 가기로 했어 ㅎㅎ", "이번 주말 일정", "엄마랑 양평 가기"),
        ("내일 시험 있어 ㅠㅠ", "내일 일정", "시험"),
        ("다음 주 금요일에 팀 회식 예정이야", "다음 주 금요일 일정", "팀 회식"),
        ("주말에 영화 볼 거야", "이번 주말 일정", "영화 보기"),
        ("나 토요일에 결혼식 가야 돼", "토요일 일정", "결혼식 가기"),
    ],
)
def test_a_plan_with_its_day_becomes_a_schedule_memory(message: str, key: str, value: str) -> None:
    plan = plan_from_message(message)
    assert plan is not None and (plan.key, plan.value) == (key, value)


@pytest.mark.parametrize(
    "message",
    ["내일 뭐 하지?", "어제 친구랑 방탈출 했어", "내일 비 온대", "주말에 어디 갈까", "오늘 너무 피곤해"],
)
def test_questions_past_days_and_mere_mentions_are_left_to_the_model(message: str) -> None:
    assert plan_from_message(message) is None


def test_the_analysis_adds_the_plan_only_when_the_model_stored_none() -> None:
    message = "나 내일 친구랑 홍대에서 방탈출 하기로 했어"
    missed = parse_analysis(" 없음" + TAIL, message)
    assert [m.text for m in missed.memories] == ["[내일 일정: 친구랑 홍대에서 방탈출]"]
    resolved = resolve_relative_dates(missed.memories[0], date(2026, 11, 29))
    assert resolved.text == "[2026-11-30 일정: 친구랑 홍대에서 방탈출]" and resolved.valid_on == "2026-11-30"
    found = parse_analysis(" [내일 일정: 홍대 방탈출]" + TAIL, message)
    assert [m.text for m in found.memories] == ["[내일 일정: 홍대 방탈출]"]  # not stored twice
    chat = parse_analysis(" 없음" + TAIL, "오늘 너무 피곤해")
    assert chat.memories == []


def test_on_the_committed_plan_messages_it_never_invents_a_plan() -> None:
    """75 plans and 75 hard negatives written by a helper (ml/llm/data/plan_messages.jsonl)."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "ml" / "llm" / "data" / "plan_messages.jsonl"
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    fired = [(r["plan"], plan_from_message(r["message"]) is not None) for r in rows]
    assert sum(plan for plan, hit in fired if hit) >= 20  # 24 of 75 when written
    assert not any(hit and not plan for plan, hit in fired)  # 0 of 75
