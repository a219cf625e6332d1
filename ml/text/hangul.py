"""Hangul syllable arithmetic shared by the text folds: the jamo in Unicode order, and composing one
syllable from them (`compose_jamo`, the keyboard-layout conversion and the romanized reading all
build syllables the same way)."""

from __future__ import annotations

import re

SYLLABLE_FIRST, SYLLABLE_LAST = 0xAC00, 0xD7A3  # 가 … 힣
LEADS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"  # initial consonants
VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
TAILS = ["", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"]  # finals; "" for none
# A Hangul syllable or a compatibility jamo.
HANGUL_LETTER = re.compile(r"[가-힣ㄱ-ㅎㅏ-ㅣ]")


def syllable(lead: str, vowel: str, tail: str = "") -> str:
    """The syllable of an initial consonant, a vowel and an optional final (ㅎ, ㅏ, ㄴ → 한)."""
    return chr(SYLLABLE_FIRST + (LEADS.index(lead) * 21 + VOWELS.index(vowel)) * 28 + TAILS.index(tail))
