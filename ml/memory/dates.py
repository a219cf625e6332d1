"""Resolve relative day words in a memory (오늘, 내일, 이번 주말, 다음 주 금요일) to absolute dates."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from ml.memory.records import MemoryFact

_WEEKDAYS = "월화수목금토일"
_SIMPLE = {"그저께": -2, "그제": -2, "어제": -1, "오늘": 0, "내일": 1, "낼": 1, "모레": 2, "글피": 3}
_WEEKDAY = re.compile(r"(이번\s*주|다음\s*주|담주|저번\s*주|지난\s*주)?\s*([월화수목금토일])요일")
_WEEKEND = re.compile(r"(이번|다음|담)\s*주말")


def _weekday_date(today: date, which: str | None, weekday: int) -> date:
    monday = today - timedelta(days=today.weekday())
    if which and ("다음" in which or "담" in which):
        monday += timedelta(days=7)
    elif which and ("저번" in which or "지난" in which):
        monday -= timedelta(days=7)
    elif not which and weekday < today.weekday():
        monday += timedelta(days=7)  # a bare weekday already past this week means next week's
    return monday + timedelta(days=weekday)


def resolve_relative_dates(fact: MemoryFact, today: date) -> MemoryFact:
    """Rewrite relative day words in key and value to `YYYY-MM-DD` and record `valid_on`."""
    text = f"{fact.key}\x00{fact.value}"
    found: date | None = None

    def sub_weekend(m: re.Match[str]) -> str:
        nonlocal found
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        if m.group(1) in ("다음", "담"):
            saturday += timedelta(days=7)
        found = found or saturday + timedelta(days=1)  # valid through Sunday
        return f"{saturday.isoformat()}~{(saturday + timedelta(days=1)).isoformat()}"

    def sub_weekday(m: re.Match[str]) -> str:
        nonlocal found
        day = _weekday_date(today, m.group(1), _WEEKDAYS.index(m.group(2)))
        found = found or day
        return day.isoformat()

    text = _WEEKEND.sub(sub_weekend, text)
    text = _WEEKDAY.sub(sub_weekday, text)
    for word, offset in _SIMPLE.items():
        if word in text:
            day = today + timedelta(days=offset)
            found = found or day
            text = re.sub(rf"{word}(?=\s|$|\x00|\W|[은는의에])", day.isoformat(), text)
    key, value = text.split("\x00", 1)
    if found is None:
        return fact
    return replace(fact, key=key.strip(), value=value.strip(), valid_on=found.isoformat())


def is_past(fact_valid_on: str | None, today: date) -> bool:
    """A memory about a day that has passed stops being offered as current."""
    return fact_valid_on is not None and date.fromisoformat(fact_valid_on[:10]) < today


def named_day(text: str, today: date) -> str | None:
    """The ISO date a message's first day word means (내일 → tomorrow; 이번 주말 → its Sunday, as a
    stored memory's `valid_on`), or None when it names no day."""
    return resolve_relative_dates(MemoryFact("", text), today).valid_on
