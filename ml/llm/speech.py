"""Is a reply Korean, and is it in 반말: the persona eval's measures, and a check her replies pass."""

from __future__ import annotations

import re

from ml.text.hangul import HANGUL_LETTER

_LATIN = re.compile(r"[A-Za-z]")
# Sentence endings of 존댓말; 반말 replies have none of them.
_JONDAE = re.compile(
    r"(습니다|습니까|세요|에요|예요|어요|아요|해요|죠|나요|까요|네요|군요|드려요|합니다|입니다)"
    r"[.!?~ ]*(?:\s|$|[^\w\s])"
)


def is_korean(text: str) -> bool:
    hangul, latin = len(HANGUL_LETTER.findall(text)), len(_LATIN.findall(text))
    return hangul > 0 and hangul >= 2 * latin


def is_banmal(text: str) -> bool:
    return is_korean(text) and not uses_jondae(text)


def uses_jondae(text: str) -> bool:
    """A sentence ending in 존댓말 ("나는 내 집에서 살아요"): she speaks 반말 to everyone."""
    return bool(_JONDAE.search(text))
