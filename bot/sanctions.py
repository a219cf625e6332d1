"""The sanction ladder: which step a user is on per category, how long it lasts, and decay.

Each category climbs its own ladder (warning → 1 h → … by default, editable in `.env`). A clean
period (no new sanction in that category) steps a user down one level per period, so an old slip
does not turn into a four-year ban for a new one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ml.ethics.categories import FAMILY_INSULT, HATE, POLITICS, ROMANCE

DEFAULT_LADDERS: dict[str, list[str]] = {
    ROMANCE: ["warning", "1h", "1d", "14d", "1461d"],
    POLITICS: ["warning", "3d", "7d", "30d", "365d"],
    FAMILY_INSULT: ["7d", "30d", "1461d"],
    HATE: ["1d", "7d", "90d", "1461d"],
}

_STEP = re.compile(r"^(\d+)\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> timedelta:
    """'90m', '1h', '14d', '2w' → timedelta; anything else raises ValueError with the text."""
    found = _STEP.match(text.strip().lower())
    if not found or int(found.group(1)) <= 0:
        raise ValueError(f"not a duration: {text!r} (use e.g. 30m, 1h, 7d, 2w)")
    return timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})


def validate_ladders(ladders: dict[str, list[str]]) -> None:
    for category, steps in ladders.items():
        if not steps:
            raise ValueError(f"ladder for {category} is empty")
        for step in steps:
            if step != "warning":
                parse_duration(step)


@dataclass(frozen=True)
class PastSanction:
    """What the policy needs to know of an earlier automatic sanction."""

    level: int
    start: datetime
    end: datetime | None


@dataclass(frozen=True)
class Step:
    """The sanction to issue now: its level on the ladder and its length (None for a warning)."""

    level: int
    duration: timedelta | None

    @property
    def kind(self) -> str:
        return "warning" if self.duration is None else "ban"


def next_step(
    ladder: Sequence[str], history: Sequence[PastSanction], now: datetime, clean_period: timedelta
) -> Step:
    """The next rung: one above the last sanction, minus one per clean period since it ended."""
    level = 0
    if history:
        last = max(history, key=lambda s: s.start)
        clean_since = last.end or last.start
        decayed = max(0, int((now - clean_since) / clean_period)) if now > clean_since else 0
        level = max(0, last.level + 1 - decayed)
    level = min(level, len(ladder) - 1)
    step = ladder[level]
    return Step(level, None if step == "warning" else parse_duration(step))


def describe(duration: timedelta | None) -> str:
    """Korean text for a sanction's length."""
    if duration is None:
        return "경고"
    if duration.days >= 1 and duration.seconds == 0:
        return f"{duration.days}일 이용 제한"
    hours, minutes = divmod(int(duration.total_seconds()) // 60, 60)
    return f"{hours}시간 이용 제한" if minutes == 0 else f"{hours}시간 {minutes}분 이용 제한"
