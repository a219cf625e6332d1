"""Unicode clean-up before anything reads a message, and an aggressive fold for screening.

`clean_text` is what is stored and shown: NFKC, no zero-width or control characters, trimmed.
`fold_for_screening` additionally undoes the usual evasions so a filter sees the word underneath:
emoji, digits or symbols between syllables (사💗랑💗해, 씨1발), spaced-out syllables (시 발 놈),
split jamo (ㅅㅣㅂㅏㄹ), stretched letters (시이이발) and keyboard-layout spelling is left to the lexicon.
"""

from __future__ import annotations

import re
import unicodedata

_HANGUL_BASE, _HANGUL_END = 0xAC00, 0xD7A3
_CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_JUNGSEONG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_JONGSEONG = ["", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"]

_SYLLABLE = r"[\uac00-\ud7a3]"
_JAMO = r"[\u3131-\u3163]"
# Anything that is neither a letter of any script nor whitespace: emoji, digits, punctuation, symbols.
_FILLER_BETWEEN = re.compile(rf"(?<={_SYLLABLE})[^\w\s]+(?={_SYLLABLE})|(?<={_SYLLABLE})[\d_]+|[\d_]+(?={_SYLLABLE})")
_SPACED_SYLLABLES = re.compile(rf"(?<!\S)(?:(?:{_SYLLABLE}|{_JAMO})[ \t]+){{1,}}(?:{_SYLLABLE}|{_JAMO})(?!\S)")
_STRETCH = re.compile(rf"({_SYLLABLE})(?:[이아으어오우]){{2,}}")
_REPEAT = re.compile(r"(.)\1{3,}")


def _is_invisible(ch: str) -> bool:
    category = unicodedata.category(ch)
    # Cf covers ZWSP/ZWJ/ZWNJ/word joiner/BOM/bidi marks; Cc is control; Mn catches combining marks
    # that are stacked on Hangul to hide it (Zalgo). Newlines and tabs survive as whitespace.
    return (category in ("Cf", "Cc", "Mn") and ch not in "\n\t") or ch in "\u115f\u1160\u3164\uffa0"


def clean_text(text: str) -> str:
    """NFKC, drop invisible characters, collapse runs of whitespace; safe to store and show."""
    # NFKC would turn compatibility jamo (ㅋ, ㅅㅂ) into conjoining jamo, so those are kept as typed.
    text = "".join(ch if "\u3131" <= ch <= "\u318e" else unicodedata.normalize("NFKC", ch) for ch in text)
    text = "".join(" " if ch == "\u3000" else ch for ch in text if not _is_invisible(ch))
    return re.sub(r"[ \t]+", " ", text).strip()


def compose_jamo(text: str) -> str:
    """Recompose runs of compatibility jamo (ㅅㅣㅂㅏㄹ) into syllables (시발); lone consonants stay."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _CHOSEONG and i + 1 < n and text[i + 1] in _JUNGSEONG:
            lead, vowel = _CHOSEONG.index(ch), _JUNGSEONG.index(text[i + 1])
            tail = 0
            nxt = text[i + 2] if i + 2 < n else ""
            after = text[i + 3] if i + 3 < n else ""
            if nxt in _JONGSEONG[1:] and (not after or after not in _JUNGSEONG):
                tail = _JONGSEONG.index(nxt)
            out.append(chr(_HANGUL_BASE + (lead * 21 + vowel) * 28 + tail))
            i += 3 if tail else 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def decompose_initials(text: str) -> str:
    """The initial consonant of each syllable (시발 → ㅅㅂ), to match initial-consonant slang."""
    out = []
    for ch in text:
        code = ord(ch)
        if _HANGUL_BASE <= code <= _HANGUL_END:
            out.append(_CHOSEONG[(code - _HANGUL_BASE) // 588])
        else:
            out.append(ch)
    return "".join(out)


def fold_for_screening(text: str) -> str:
    """Undo evasions for the screen only; never store or show this form."""
    text = clean_text(text).lower()
    text = compose_jamo(text)
    text = _FILLER_BETWEEN.sub("", text)
    text = _SPACED_SYLLABLES.sub(lambda m: re.sub(r"\s+", "", m.group(0)), text)
    text = _STRETCH.sub(r"\1", text)
    text = _REPEAT.sub(r"\1\1\1", text)
    return re.sub(r"\s+", " ", text).strip()
