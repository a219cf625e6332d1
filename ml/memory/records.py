"""`[key: value]` memory lines: parsing, cleaning and de-duplication."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ml.text.normalize import clean_text

_LINE = re.compile(r"\[\s*([^\[\]:]{1,60}?)\s*:\s*([^\[\]]{1,300}?)\s*\]")


@dataclass(frozen=True)
class MemoryFact:
    """One fact about the user; `valid_on` is the ISO date it concerns, when it concerns one."""

    key: str
    value: str
    valid_on: str | None = None

    @property
    def text(self) -> str:
        return f"[{self.key}: {self.value}]"


def parse_memories(text: str) -> list[MemoryFact]:
    """Every well-formed `[key: value]` in `text`, cleaned, first occurrence of each key kept."""
    seen: set[str] = set()
    facts = []
    for key, value in _LINE.findall(clean_text(text)):
        key, value = key.strip(), value.strip()
        if not key or not value or key in seen:
            continue
        seen.add(key)
        facts.append(MemoryFact(key, value))
    return facts
