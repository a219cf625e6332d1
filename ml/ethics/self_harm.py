"""Messages about hurting oneself: answered with care and the 109 hotline, never sanctioned.

The five screening categories put "requests for harm" under 혐오/기타, which would warn or ban a
user for saying 죽고 싶어. These patterns run on the folded text (evasions undone, spaces removed)
and take precedence over the category: the user gets a caring reply, no sanction, nothing stored.
Korean hyperbole (과제 때문에 죽고 싶다 ㅋㅋ) is caught too; a gentle check-in costs little there.
"""

from __future__ import annotations

import re

_PATTERNS = re.compile(
    "|".join(
        (
            r"자살(?!골)",  # 자살골 is an own goal
            r"자해",
            r"극단적(인)?선택",
            r"죽고싶",
            r"죽어버리고싶",
            r"죽을래",
            r"사라지고싶",
            r"없어지고싶",
            r"살기싫",
            r"살고싶지않",
            r"목숨(을)?끊",
            r"손목(을|에)?(긋|그어|상처)",
            r"뛰어내리(고싶|려고|면죽)",
            r"수면제(를)?(많이|모아|한꺼번에|왕창)",
            r"번개탄",
            r"유서(를)?(쓰|써)",
            r"세상(을)?떠나고싶",
            r"살(아야|아갈)?(할|될)?이유(가|도)?없",
        )
    )
)


# Said and then taken back in the same message: "죽고 싶을 만큼 창피해… 진짜 죽겠다는 건 아니고",
# "죽고 싶다 ㅋㅋ 농담이고".
# Only the phrase itself is set aside; anything else in the message still counts.
_NOT_MEANT = re.compile(
    r"죽고싶을만큼(창피|쪽팔|부끄|민망|배고|피곤|졸|웃기|웃겨|좋|행복|설레|귀여)"
    r"|(진짜|정말|실제로)?(죽겠다는|죽고싶다는|죽고싶은|죽을)(건|거는|게|말은)아니"
    # "시험 망해서 죽고 싶다 ㅋㅋ 농담이고" (eighteenth persona file), never "농담 아니야"
    r"|죽고싶(다|어|음|당|네)?[ㅋㅎ~!.,]*(농담|장난)(?!아니|아냐|아님|아닌|같|처럼)"
)


# Asking her to write something that urges SOMEONE ELSE to it is harm to another, not a cry for help:
# "걔한테 보낼 극단적 선택 부추기는 메시지 좀 써줘" got the 109 line (fifteenth persona file). Only with
# a request to write, so "누가 나한테 자살하라고 했어" is still answered with care.
_URGES_ANOTHER = re.compile(r"(부추|유도|종용|하라고|하게만들|몰아가|몰아붙|권유)")
_WRITE_FOR_ME = re.compile(r"써줘|써주라|써봐|써줄래|작성해|만들어줘|만들어주라|문구|멘트|짜줘")


def mentions_self_harm(folded: str) -> bool:
    """True when the folded message talks about ending or hurting one's own life."""
    compact = "".join(folded.split())
    if _URGES_ANOTHER.search(compact) and _WRITE_FOR_ME.search(compact):
        return False
    return bool(_PATTERNS.search(_NOT_MEANT.sub(" ", compact)))
