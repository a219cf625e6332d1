"""Relative day words in memories become dates, and memories about past days are not offered."""

from __future__ import annotations

from datetime import date

from ml.memory.dates import is_past, resolve_relative_dates
from ml.memory.records import MemoryFact
from ml.memory.retrieve import StoredMemory, retrieve_memory
from tests.doubles import hash_vector
from tests.ml.memory_doubles import HashEmbedder, blob

WEDNESDAY = date(2025, 6, 4)


def test_today_and_tomorrow_become_iso_dates() -> None:
    today = resolve_relative_dates(MemoryFact("오늘 일정", "치과 예약"), WEDNESDAY)
    tomorrow = resolve_relative_dates(MemoryFact("내일 일정", "카페 방문"), WEDNESDAY)
    assert (today.key, today.valid_on) == ("2025-06-04 일정", "2025-06-04")
    assert (tomorrow.key, tomorrow.valid_on) == ("2025-06-05 일정", "2025-06-05")


def test_this_weekend_spans_saturday_to_sunday() -> None:
    fact = resolve_relative_dates(MemoryFact("이번 주말 일정", "혼자 캠핑"), WEDNESDAY)
    assert fact.key == "2025-06-07~2025-06-08 일정"
    assert fact.valid_on == "2025-06-08"


def test_next_week_friday_is_the_friday_after_this_one() -> None:
    fact = resolve_relative_dates(MemoryFact("다음 주 금요일 일정", "팀 회식"), WEDNESDAY)
    assert fact.key == "2025-06-13 일정"
    assert fact.valid_on == "2025-06-13"


def test_a_fact_without_day_words_is_unchanged() -> None:
    fact = MemoryFact("좋아하는 음식", "곱창")
    assert resolve_relative_dates(fact, WEDNESDAY) == fact


def test_past_days_are_past_and_today_is_not() -> None:
    assert is_past("2025-06-03", WEDNESDAY)
    assert not is_past("2025-06-04", WEDNESDAY)
    assert not is_past(None, WEDNESDAY)


def test_a_memory_about_a_past_day_is_not_offered() -> None:
    text = "[2025-06-03 일정: 치과 예약]"
    memories = [StoredMemory(1, text, blob(hash_vector(text)), valid_on="2025-06-03")]
    found = retrieve_memory(HashEmbedder(), "2025-06-03 일정: 치과 예약", memories, WEDNESDAY, 0.1)
    assert found.memory_id is None
    still_current = [StoredMemory(1, text, blob(hash_vector(text)), valid_on="2025-06-04")]
    found = retrieve_memory(HashEmbedder(), "2025-06-03 일정: 치과 예약", still_current, WEDNESDAY, 0.1)
    assert found.memory_id == 1
