"""Hangul typed on a QWERTY keyboard left in English mode (tlqkf → 시발, dkQk → 아빠).

The standard 2-beolsik layout maps each Latin key to one jamo (Shift doubles ㅂㅈㄷㄱㅅ and gives ㅒㅖ).
A token is converted only when its keys spell whole syllables (initial consonant + vowel, with an
optional final), so most English words (love, you, hello, AI) stay as typed; a short list keeps the
few common English words that happen to spell Hangul (the, to, fuck, …) in English.
"""

from __future__ import annotations

import re

from ml.text.hangul import LEADS, TAILS, VOWELS, syllable

_KEYS = {
    **dict(zip("qwertasdfgzxcv", "ㅂㅈㄷㄱㅅㅁㄴㅇㄹㅎㅋㅌㅊㅍ", strict=True)),
    **dict(zip("QWERT", "ㅃㅉㄸㄲㅆ", strict=True)),
    **dict(zip("yuiophjklbnm", "ㅛㅕㅑㅐㅔㅗㅓㅏㅣㅠㅜㅡ", strict=True)),
    **dict(zip("OP", "ㅒㅖ", strict=True)),
}
for _upper in "ASDFGZXCVYUIHJKLBNM":
    _KEYS[_upper] = _KEYS[_upper.lower()]

_VOWEL_PAIRS = {
    ("ㅗ", "ㅏ"): "ㅘ",
    ("ㅗ", "ㅐ"): "ㅙ",
    ("ㅗ", "ㅣ"): "ㅚ",
    ("ㅜ", "ㅓ"): "ㅝ",
    ("ㅜ", "ㅔ"): "ㅞ",
    ("ㅜ", "ㅣ"): "ㅟ",
    ("ㅡ", "ㅣ"): "ㅢ",
}
_FINAL_PAIRS = {
    ("ㄱ", "ㅅ"): "ㄳ",
    ("ㄴ", "ㅈ"): "ㄵ",
    ("ㄴ", "ㅎ"): "ㄶ",
    ("ㄹ", "ㄱ"): "ㄺ",
    ("ㄹ", "ㅁ"): "ㄻ",
    ("ㄹ", "ㅂ"): "ㄼ",
    ("ㄹ", "ㅅ"): "ㄽ",
    ("ㄹ", "ㅌ"): "ㄾ",
    ("ㄹ", "ㅍ"): "ㄿ",
    ("ㄹ", "ㅎ"): "ㅀ",
    ("ㅂ", "ㅅ"): "ㅄ",
}
# Common English words whose keys happen to spell valid Hangul; they are meant as English.
_ENGLISH = frozenset(
    {
        *("the", "to", "do", "so", "go", "for", "git", "fuck", "suck", "dick", "sum", "gym", "ram"),
        *("set", "get", "fan", "cat", "car", "dog", "red", "bad", "dad", "sad", "mad", "tax", "fax"),
        *("van", "sec", "sex", "gg", "ok", "ai", "rap", "top", "lol", "vs", "wifi", "wi", "fi"),
    }
)
_LATIN_TOKEN = re.compile(r"(?<![A-Za-z])[A-Za-z]{2,}(?![A-Za-z])")


def keys_to_hangul(token: str) -> str | None:
    """The Hangul a Latin token spells on a 2-beolsik keyboard, or None when it spells no syllables."""
    jamo = [_KEYS.get(ch) for ch in token]
    if any(j is None for j in jamo):
        return None
    seq: list[str] = [j for j in jamo if j is not None]
    out: list[str] = []
    i, n = 0, len(seq)
    while i < n:
        lead = seq[i]
        if lead not in LEADS or i + 1 >= n or seq[i + 1] not in VOWELS:
            return None
        vowel, i = seq[i + 1], i + 2
        if i < n and (vowel, seq[i]) in _VOWEL_PAIRS:
            vowel, i = _VOWEL_PAIRS[(vowel, seq[i])], i + 1
        tail = ""
        # A consonant is a final unless a vowel follows it (then it starts the next syllable).
        if i < n and seq[i] in TAILS[1:] and not (i + 1 < n and seq[i + 1] in VOWELS):
            tail, i = seq[i], i + 1
            pair = (tail, seq[i]) if i < n else None
            if pair in _FINAL_PAIRS and not (i + 1 < n and seq[i + 1] in VOWELS):
                tail, i = _FINAL_PAIRS[pair], i + 1
        out.append(syllable(lead, vowel, tail))
    return "".join(out)


def convert_keyboard_tokens(text: str) -> str:
    """Replace each Latin token that spells Hangul (not an acronym or a listed English word)."""

    def convert(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.isupper() or token.lower() in _ENGLISH:
            return token
        return keys_to_hangul(token) or token

    return _LATIN_TOKEN.sub(convert, text)
