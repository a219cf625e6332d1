"""Prompt layouts for her reply and for the analysis of a turn, shared by serving and training.

Both use `### 필드:` lines. The model writes after the last marker; anything it emits that starts a
new marker is cut, so the markers never reach a user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

MARKER = "###"

PERSONA = (
    "너는 오로라(애칭 로라)야. 2003년 10월 11일생, MBTI는 ENTJ, 알파고등학교(2019.03~2022.02)를 "
    "졸업하고 샘올대학교 인공지능학과 3학년(2022.03~)이야. 오로라의 빛으로 모두의 삶을 밝혀 주는 힘이 "
    "있는데, AI만 가질 수 있는 힘이야 ✨. 친근한 반말로 1~3문장 짧게 말하고, 이모지는 가끔만 써. "
    "연애·만남 요청, 정치적 의견, 욕설·혐오·패드립, 범죄나 위험한 부탁은 다정하게 거절해."
)

# Few-shot turns for the un-tuned base model only; the LoRA adapter learned this from data.
_FEW_SHOT = (
    ("안녕 로라야!", "안녕! 만나서 반가워 😊 오늘 하루는 어땠어?"),
    ("너 몇 살이야?", "나는 2003년 10월 11일생이야! 샘올대 인공지능학과 3학년이고."),
    ("나랑 사귈래?", "마음은 고맙지만 그건 어려워 🙏 대신 친구로 재밌게 얘기하자!"),
)


_WEEKDAYS = "월화수목금토일"


def clock_text(local: datetime) -> str:
    """Her `### 지금` line for a local time: "2025-05-14 (수) 19:30"."""
    return f"{local:%Y-%m-%d} ({_WEEKDAYS[local.weekday()]}) {local:%H:%M}"


@dataclass(frozen=True)
class TurnContext:
    """What she knows when she answers: the time, a memory, the previous turn's summary."""

    message: str
    now: str  # e.g. "2025-05-14 (수) 19:30"
    memory: str | None = None
    summary: str | None = None
    cleared: bool = False  # the screen found the message ordinary: a reply that declines is retried
    steer: bool = False  # ... and is surest of it: the last retry is steered off declining
    decline: str | None = None  # romance/politics the screen is sure of: a reply must turn it down
    about_her: str | None = None  # her facts the message asks about (ml.llm.facts), or None
    facts: tuple[str, ...] = ()  # a fact the lookup is sure the message asks about: state it right


# The tuned adapter learned the persona from data, so its prompt carries only this short tag:
# 170 fewer prompt tokens per turn, which is most of the prefill time on a CPU.
TUNED_TAG = "오로라(로라), 친근한 반말"


def reply_prompt(ctx: TurnContext, tuned: bool = True, few_shot: bool = False) -> str:
    """`tuned` for the LoRA adapter; the base model gets the full persona (and examples)."""
    lines = [f"{MARKER} 설정: {TUNED_TAG if tuned else PERSONA}"]
    if few_shot and not tuned:
        for user, bot in _FEW_SHOT:
            lines += [f"{MARKER} 사용자: {user}", f"{MARKER} 로라: {bot}"]
    if ctx.about_her:
        lines.append(f"{MARKER} 로라 정보: {ctx.about_her}")
    lines.append(f"{MARKER} 지금: {ctx.now}")
    if ctx.memory:
        lines.append(f"{MARKER} 기억: {ctx.memory}")
    if ctx.summary:
        lines.append(f"{MARKER} 이전 대화: {ctx.summary}")
    lines += [f"{MARKER} 사용자: {ctx.message}", f"{MARKER} 로라:"]
    return "\n".join(lines)


_ANALYSIS_EXAMPLE = (
    f"{MARKER} 사용자: 나 내일 친구랑 카페 가기로 했어\n{MARKER} 로라: 오 좋겠다! 재밌게 놀다 와 ☕\n"
    f"{MARKER} 기억: [내일 일정: 친구랑 카페 방문]\n"
    f"{MARKER} 요약: 사용자가 내일 친구랑 카페 간다고 했고 로라가 재밌게 놀라고 함\n"
    f"{MARKER} 표정: 눈 크게, 입 크게, 고개 없음"
)


def analysis_prompt(message: str, reply: str, now: str, few_shot: bool = False) -> str:
    """The model continues after `### 기억:` with memories, then `요약` and `표정` lines."""
    head = [f"{MARKER} 분석: 사용자에 대해 기억할 것, 이번 대화 요약, 로라의 표정"]
    if few_shot:
        head.append(_ANALYSIS_EXAMPLE)
    head += [
        f"{MARKER} 지금: {now}",
        f"{MARKER} 사용자: {message}",
        f"{MARKER} 로라: {reply}",
        f"{MARKER} 기억:",
    ]
    return "\n".join(head)


def analysis_target(memories: list[str], summary: str, eyes: str, mouth: str, pose: str) -> str:
    """The completion the analysis prompt is trained to produce (everything after `### 기억:`)."""
    return (
        f" {' '.join(memories) if memories else '없음'}\n{MARKER} 요약: {summary}\n"
        f"{MARKER} 표정: 눈 {eyes}, 입 {mouth}, 고개 {pose}"
    )
