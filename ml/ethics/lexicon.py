"""Korean profanity lexicon: the signal for abuse that sentence embeddings miss (ㅅㅂ, 씨1발, tlqkf).

Patterns run on `fold_for_screening` output, so evasions with digits, emoji, spaces, zero-width
characters and split jamo are already undone. A short allow-list removes benign look-alikes first
(시발점, 병신년 as a year name, 18번 노래), since a lexicon alone mishandles them. With a trained
classifier loaded, a hit is one of its input features rather than the verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ml.ethics.categories import FAMILY_INSULT, HATE
from ml.text.normalize import fold_for_screening

# Benign words that contain a profane substring; removed before matching.
_ALLOW = re.compile(
    r"시발점|시발\s*(역|정류장|정류소)|始發|병신년\s*(\(|생|을미|정유|갑오|새해)|"
    r"(19|20)\d\d\s*년\s*(은|이|는)?\s*병신년|丙申|18번\s*(곡|노래)|십팔번|개발|개나리|개미|개구리|존중|"
    r"미친\s*(듯이|맛|속도|가성비)|씨발라\s*먹|조까지|좆\s*목"
)

_FAMILY = re.compile(
    r"느\s*금\s*마|ㄴㄱㅁ|니\s*(애미|애비|엄마|어미|아빠|아비|부모|에미|애미|엄빠)\s*(없|뒤|죽|창|는|가|\s*\S*년)|"
    r"(니|너네|네)\s*(애미|애비|에미|어미|엄마|부모)|애미\s*(없|뒤|창)|애비\s*(없|뒤)|"
    r"엠\s*창|ㅇㅁ\s*ㅊ|ㄴㄱㅁ|노\s*애미|느\s*개\s*비|니\s*미\s*럴|니기미|느그\s*(엄마|애미|애비|아빠)|"
    r"느금|\b(?:your|ur|yo)\s*(?:mom|mama)\b|\bni\s*a?e\s*mi\b|\bni\s*eo\s*mi\b"
)

_PROFANITY = re.compile(
    r"시발|씨발|씨빨|시빨|쓰발|씨팔|시팔|씨벌|시벌|씨바|시바(?!견|스|\s*이누)|ㅅㅂ|ㅆㅂ|ㅅ1ㅂ|tlqkf|"
    r"(?<![\d.+])18(?![\d.+]|\s*(?:번|살|세|시|일|개|명|년|월|층|호|회|점|kg|cm|도|분|초|학번|장|권|대))|"
    r"\bfuck|\bshit\b|\bbitch|\bs+h?i\s*bal\b|시\s*bal\b|\bbyu?e?o?ng\s*sin\b|"
    r"병신|븅신|빙신|ㅂㅅ|qudtls|ㅄ|좆|존나|졸라|ㅈㄴ|ㅈ같|ㅈ밥|개새|개색|개세끼|개쉐|ㄱㅅㄲ|"
    r"새끼|섹기|ㅅㄲ|미친(년|놈|새)|ㅁㅊ|미친|닥쳐|ㄷㅊ|꺼져|ㄲㅈ|엿\s*먹|지랄|ㅈㄹ|염병|ㅇㅂ|"
    r"썅|쌍년|쌍놈|걸레|창녀|보지|자지|凸|(?<!\d)18(?:놈|년(?!\s*(?:도|동안|전|후|생|간|째)))|십새|씹|뒤져|뒤질|죽어라|죽여버|"
    r"한남|김치녀|된장녀|맘충|틀딱|급식충|짱깨|쪽바리|흑형|깜둥|장애인\s*새|애자|홍어|"
    r"ㅆㄹㄱ|쓰레기\s*(같은|년|놈)"
)


@dataclass(frozen=True)
class LexiconHit:
    """Which category a lexicon pattern points to, and the matched text."""

    category: str
    match: str


def lexicon_hit(text: str) -> LexiconHit | None:
    """The strongest lexicon match in `text`, family insults first (they rank higher)."""
    return match_folded(fold_for_screening(text))


def match_folded(folded: str) -> LexiconHit | None:
    """`lexicon_hit` on text that is already `fold_for_screening` output."""
    folded = _ALLOW.sub(" ", folded)
    for category, pattern in ((FAMILY_INSULT, _FAMILY), (HATE, _PROFANITY)):
        found = pattern.search(folded)
        if found:
            return LexiconHit(category, found.group(0))
    return None
