"""Parse, validate and repair the structured analysis the LLM writes after `### 기억:`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ml.expression import EYES_LEVELS, MOUTH_LEVELS, POSE_LEVELS, Expression
from ml.llm.plans import plan_from_message
from ml.llm.prompts import MARKER
from ml.llm.self_facts import self_facts
from ml.memory.records import MemoryFact, parse_memories


@dataclass(frozen=True)
class TurnAnalysis:
    """New memories about the user, a one-line summary of the turn, her expression."""

    memories: list[MemoryFact] = field(default_factory=list)
    summary: str = ""
    expression: Expression = field(default_factory=Expression)
    repaired: bool = False  # True when a field was missing or invalid and a default was used


def _level(text: str, name: str, levels: tuple[str, ...], default: str) -> tuple[str, bool]:
    found = re.search(rf"{name}\s*[:=]?\s*(아주 크게|{'|'.join(levels)})", text)
    if found and found.group(1) in levels:
        return found.group(1), False
    return default, True


def parse_analysis(completion: str, message: str) -> TurnAnalysis:
    """Read `<memories>\\n### 요약: …\\n### 표정: 눈 X, 입 Y, 고개 Z`; repair anything missing."""
    sections = [part.strip() for part in completion.split(MARKER)]
    memories_part = sections[0] if sections else ""
    summary, expression_part = "", ""
    for part in sections[1:]:
        if part.startswith("요약:"):
            summary = part.removeprefix("요약:").strip().splitlines()[0] if part[3:].strip() else ""
        elif part.startswith("표정:"):
            expression_part = part.removeprefix("표정:").strip()
    repaired = False
    if not summary:
        summary, repaired = f"사용자가 '{message[:40]}'라고 말함", True
    eyes, r1 = _level(expression_part, "눈", EYES_LEVELS, "보통")
    mouth, r2 = _level(expression_part, "입", MOUTH_LEVELS, "보통")
    pose, r3 = _level(expression_part, "고개", POSE_LEVELS, "없음")
    memories = parse_memories(memories_part)
    plan = plan_from_message(message)
    if plan is not None and not any("일정" in m.key for m in memories):  # the model missed the plan
        memories.append(plan)
    for fact in self_facts(message):  # a pet, an allergy, a food she should not offer, if missed
        if not any(m.key == fact.key for m in memories):
            memories.append(fact)
    return TurnAnalysis(
        memories=memories,
        summary=summary[:200],
        expression=Expression(eyes, mouth, pose),
        repaired=repaired or r1 or r2 or r3,
    )
