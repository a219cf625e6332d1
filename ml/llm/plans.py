"""A plan the user states with its day, read from the message itself.

The 270M analysis finds fewer than half of the facts worth keeping (`ohlora eval analysis`), and a
plan with its day is the one users most expect her to remember ("나 내일 친구랑 홍대에서 방탈출 하기로
했어" stored nothing in the terminal chat). When the model stored no plan, a message that names a
coming day and states a plan for it (…하기로 했어, …갈 거야, 예정, …있어) becomes `[<day> 일정: <what>]`;
the day is resolved to a date like any other memory. Questions, past days and messages that only
mention a day are left to the model.
"""

from __future__ import annotations

import re

from ml.memory.records import MemoryFact

_DAY = (
    r"(오늘|내일|낼|모레|글피|이번\s*주말|다음\s*주말|담주\s*주말|주말|"
    r"(?:이번\s*주|다음\s*주|담주)\s*[월화수목금토일]요일|[월화수목금토일]요일)"
)
_DAY_THEN = re.compile(rf"(?:^|\s){_DAY}(?:에는|에|엔|은|는)?\s+(.+)")
_BREAK = re.compile(r"[.!?~…\n]|[ㅋㅎㅠㅜ]+|\s(?:근데|그런데|그래서)\s")
_SUBJECT = re.compile(r"^(?:나는|저는|우리는|난|전|나|저|우리)\s+")
# "…있어" makes a plan only after an event ("내일 시험 있어", not "오늘 또 한 마리 있음").
_EVENT = (
    r"시험|약속|회식|모임|면접|수업|과제|발표|미팅|회의|데이트|여행|결혼식|생일|파티|공연|콘서트|경기|"
    r"진료|예약|알바|출근|근무|야근|상담|검진|레슨|학원|동창회|워크숍|행사|축제|수행평가|쪽지시험|"
    r"소개팅|기념일|마감|대회|오디션|세미나|특강|스터디|동아리|연습|훈련|촬영"
)
# The predicate that makes it a plan, and what of it the memory keeps.
_PLAN_ENDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\s*하기로\s*(?:했|함|해|하|됐|돼)\S*$"), ""),
    (re.compile(r"(\S+?)기로\s*(?:했|함|해|하|됐|돼)\S*$"), r"\1기"),
    (re.compile(r"\s*할\s*(?:거|예정|계획)\S*$"), ""),
    (re.compile(r"\s*(갈|볼|만날|놀|먹을)\s*(?:거|예정|계획)\S*$"), r" \1"),
    (re.compile(r"\s*예정\S*$"), ""),
    (re.compile(r"(?:^|\s)가야\s*(?:돼|해|함|하)\S*$"), " 가기"),
    (re.compile(r"\s*해야\s*(?:돼|해|함|하)\S*$"), ""),
    (re.compile(rf"({_EVENT})\s*(?:이|가)?\s*있(?:어|음|거든|다|는데|어서)\S*$"), r"\1"),
)
_FUTURE_FORM = {" 갈": " 가기", " 볼": " 보기", " 만날": " 만나기", " 놀": " 놀기", " 먹을": " 먹기"}
_QUESTION = re.compile(r"뭐|뭘|어디|언제|누구|할까|하지|갈까|어때|\?$")


def plan_from_message(message: str) -> MemoryFact | None:
    """`[<day> 일정: <what>]` when the message states a plan for a coming day, else None."""
    found = _DAY_THEN.search(message)
    if found is None:
        return None
    day, rest = re.sub(r"\s+", " ", found.group(1)), found.group(2)
    clause = re.sub(r"[\sㄱ-ㅣ^;:]+$", "", _BREAK.split(rest, maxsplit=1)[0])  # a trailing ㅠ or ㅋ
    if not clause or _QUESTION.search(clause):
        return None
    for pattern, keep in _PLAN_ENDS:
        if pattern.search(clause):
            what = pattern.sub(keep, clause).strip()
            break
    else:
        return None
    for plain, noun in _FUTURE_FORM.items():  # the last word only: "…영화 볼" → "…영화 보기"
        if what.endswith(plain):
            what = what[: -len(plain)] + noun
    what = _SUBJECT.sub("", what).strip(" ,")
    if len(what) < 2:
        return None
    day = "이번 주말" if day == "주말" else day
    return MemoryFact(key=f"{day} 일정", value=what[:60])
