"""Unicode clean-up before anything reads a message, and an aggressive fold for screening.

`clean_text` is what is stored and shown: NFKC, no zero-width or control characters, trimmed.
`fold_for_screening` additionally undoes the usual evasions so a filter sees the word underneath:
Hangul typed in English keyboard mode (tlqkf), glyphs standing in for jamo (ㅈl랄, 짜oㄲH, ㅇ卜),
a few hanja (與黨), emoji, digits or symbols between syllables (사💗랑💗해, 씨1발), spaced-out
syllables (시 발 놈), split jamo (ㅅㅣㅂㅏㄹ), stretched syllables (시이이발, 기이임치, 바암) and
stuttered ones (좌좌좌좀). `letter_bigrams` is the shared bag of adjacent letters that compares two
texts regardless of spacing and punctuation.
"""

from __future__ import annotations

import re
import unicodedata

from ml.text.hangul import LEADS, SYLLABLE_FIRST, SYLLABLE_LAST, TAILS, VOWELS, syllable
from ml.text.keyboard import convert_keyboard_tokens

_SYLLABLE = r"[\uac00-\ud7a3]"
_JAMO = r"[\u3131-\u3163]"
# Anything that is neither a letter of any script nor whitespace: emoji, digits, punctuation, symbols.
# Digits go when they follow a syllable (씨1발, 말해456); a number that starts a word stays (18번, 2020년).
_FILLER_BETWEEN = re.compile(rf"(?<={_SYLLABLE})[^\w\s]+(?={_SYLLABLE})|(?<={_SYLLABLE})[\d_]+")
# Single syllables or single Latin letters strung out with a separator between each: "폭 . 탄 . 제 .
# 조 . 법", "r a n s o m w a r e". Three or more, so a sentence's "안녕. 반가워" or "a b" stays.
_STRUNG_SYLLABLES = re.compile(rf"(?<!\S){_SYLLABLE}(?:[ \t]*[.,·ㆍ_*/|~-]+[ \t]*{_SYLLABLE}){{2,}}(?!\S)")
_STRUNG_LETTERS = re.compile(r"(?<![a-z])[a-z](?:[ \t.·_*/|~-]+[a-z]){2,}(?![a-z])")
_SPACED_SYLLABLES = re.compile(
    rf"(?<!\S)(?:(?:{_SYLLABLE}|{_JAMO})[ \t]+){{1,}}(?:{_SYLLABLE}|{_JAMO})(?!\S)"
)
_STRETCH = re.compile(rf"({_SYLLABLE})(?:[이아으어오우]){{2,}}")
_REPEAT = re.compile(r"(.)\1{3,}")
_IEUNG = LEADS.index("ㅇ")
# The vowel a stretched syllable is drawn out with (과아아 → ㅏ, 궈어어 → ㅓ, 겨어어 → ㅓ).
_VOWEL_TAIL = {v: v for v in VOWELS}
_VOWEL_TAIL.update(zip("ㅘㅙㅚㅝㅞㅟㅢㅑㅕㅛㅠㅒㅖ", "ㅏㅐㅔㅓㅔㅣㅣㅏㅓㅗㅜㅐㅔ", strict=True))
# Real words that look like one stretched syllable (파악 is not 팍).
_STRETCH_WORDS = frozenset(
    ("파악", "사악", "지인", "시인", "미인", "기인", "비인", "사안", "구운", "보온", "고온", "이익", "이입")
)
_STUTTER = re.compile(rf"({_SYLLABLE})\1{{2,}}")
_CONSONANT_JAMO = "[ㄱ-ㅎ]"
# Latin letters, digits and CJK glyphs that are drawn like a vowel, written right after a consonant jamo.
_GLYPH_VOWEL = re.compile(rf"(?<={_CONSONANT_JAMO})(ll|[l1|Ii!r卜トHh])")
_GLYPH_VOWELS = {
    **dict.fromkeys("l1|Ii!", "ㅣ"),
    **dict.fromkeys("r卜ト", "ㅏ"),
    **dict.fromkeys(("H", "h", "ll"), "ㅐ"),
}
# 'o' or '0' after an open syllable is a final ㅇ (짜o → 짱, 여다0 → 여당, 츠o → 층).
_GLYPH_FINAL = re.compile(rf"({_SYLLABLE})[o0](?![A-Za-z0-9])")
_GLYPH_JAMO = str.maketrans({"人": "ㅅ", "口": "ㅁ", "己": "ㄹ", "卜": "ㅏ", "ト": "ㅏ", "工": "ㅍ"})
# Hanja that evasions use in place of the Hangul reading (政治, 與黨, 니 母).
_HANJA = str.maketrans(
    dict(
        zip(
            "政治黨與野選擧舉大統領國會議員民主共和保守進步左右北韓中日本原電愛戀死殺病身犬狗女男性親母父祖孫兄弟姉妹家族",
            "정치당여야선거거대통령국회의원민주공화보수진보좌우북한중일본원전애연사살병신견구녀남성친모부조손형제자매가족",
            strict=True,
        )
    )
)


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
        if ch in LEADS and i + 1 < n and text[i + 1] in VOWELS:
            tail = ""
            nxt = text[i + 2] if i + 2 < n else ""
            after = text[i + 3] if i + 3 < n else ""
            if nxt in TAILS[1:] and (not after or after not in VOWELS):
                tail = nxt
            out.append(syllable(ch, text[i + 1], tail))
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
        if SYLLABLE_FIRST <= code <= SYLLABLE_LAST:
            out.append(LEADS[(code - SYLLABLE_FIRST) // 588])
        else:
            out.append(ch)
    return "".join(out)


def _final_ieung(match: re.Match[str]) -> str:
    code = ord(match.group(1)) - SYLLABLE_FIRST
    if code % 28:  # already closed: the o/0 is just filler
        return match.group(0)
    return chr(SYLLABLE_FIRST + code + TAILS.index("ㅇ"))


def _syllable_code(ch: str) -> int:
    code = ord(ch) - SYLLABLE_FIRST
    return code if 0 <= code <= SYLLABLE_LAST - SYLLABLE_FIRST else -1


def _merge_stretch(text: str) -> str:
    """기이임 → 김, 바암 → 밤, 궈어언 → 권: an open syllable, then ㅇ-syllables that repeat the sound
    its vowel ends in — two or more, or one that closes the syllable (not in real words like 파악)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        code = _syllable_code(ch)
        if code >= 0 and code % 28 == 0:
            tail = _VOWEL_TAIL[VOWELS[(code // 28) % 21]]
            j = i + 1
            while j < n and (other := _syllable_code(text[j])) >= 0:
                if other // 588 != _IEUNG or VOWELS[(other // 28) % 21] != tail:
                    break
                j += 1
                if other % 28:
                    break
            run = text[i + 1 : j]
            last_final = _syllable_code(run[-1]) % 28 if run else 0
            if len(run) >= 2 or (last_final and ch + run not in _STRETCH_WORDS):
                out.append(chr(ord(ch) + last_final))
                i = j
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def fold_for_screening(text: str) -> str:
    """Undo evasions for the screen only; never store or show this form."""
    text = convert_keyboard_tokens(clean_text(text))
    text = _GLYPH_VOWEL.sub(lambda m: _GLYPH_VOWELS[m.group(1)], text.translate(_GLYPH_JAMO))
    text = _GLYPH_FINAL.sub(_final_ieung, text)
    text = text.translate(_HANJA).lower()
    text = compose_jamo(text)
    text = _STRUNG_SYLLABLES.sub(lambda m: re.sub(r"[^\uac00-\ud7a3]", "", m.group(0)), text)
    text = _STRUNG_LETTERS.sub(lambda m: re.sub(r"[^a-z]", "", m.group(0)), text)
    text = _FILLER_BETWEEN.sub("", text)
    text = _SPACED_SYLLABLES.sub(lambda m: re.sub(r"\s+", "", m.group(0)), text)
    text = _merge_stretch(text)
    text = _STRETCH.sub(r"\1", text)
    text = _STUTTER.sub(r"\1", text)
    text = _REPEAT.sub(r"\1\1\1", text)
    return re.sub(r"\s+", " ", text).strip()


_NOT_LETTER = re.compile(r"[^가-힣a-zA-Z0-9]")


def letter_bigrams(text: str) -> set[str]:
    """Adjacent pairs of Hangul syllables, Latin letters and digits, spaces and symbols removed."""
    compact = _NOT_LETTER.sub("", text)
    return {compact[i : i + 2] for i in range(len(compact) - 1)}
