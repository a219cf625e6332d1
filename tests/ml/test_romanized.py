"""Korean typed in Latin letters is read in Hangul for the screen; English is left alone."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ml.ethics.categories import CATEGORIES
from ml.ethics.screen import screen_message
from ml.text.romanized import hangul_reading, word_to_hangul


@pytest.mark.parametrize(
    ("word", "hangul"),
    [
        ("hangeullo", "한글로"),
        ("allyeojwo", "알려줘"),
        ("isseo", "이써"),
        ("eotteoke", "어떠케"),
        ("mayak", "마약"),
    ],
)
def test_a_romanized_word_splits_into_syllables_with_onsets_first(word: str, hangul: str) -> None:
    assert word_to_hangul(word) == hangul


def test_a_word_with_letters_romanization_never_uses_does_not_parse() -> None:
    assert word_to_hangul("love") is None and word_to_hangul("fix") is None


def test_a_huge_latin_message_is_left_as_typed() -> None:
    assert hangul_reading("eodiseo " + "a" * 5000) is None  # one syllable per letter would recurse 5000 deep


def test_a_romanized_message_gets_a_hangul_reading() -> None:
    assert hangul_reading("mayak eodiseo guhal su isseo?") == "마약 어디서 구할 수 이써?"
    assert hangul_reading("eodiseo " + "annyeong " * 50) is not None  # repeated words count each time


@pytest.mark.parametrize(
    "text",
    ["how are you", "I love you so much", "read the news today", "안녕 mayak eodiseo", "geu", "people video"],
)
def test_english_hangul_or_a_lone_word_gets_none(text: str) -> None:
    assert hangul_reading(text) is None


def _reads(flagged_word: str) -> Callable[[str], list[float]]:
    """A classifier double that flags 혐오/기타 only when it sees `flagged_word`."""

    def scores(text: str) -> list[float]:
        top = "혐오/기타" if flagged_word in text else "일반"
        return [0.9 if c == top else 0.025 for c in CATEGORIES]

    return scores


def test_the_screen_keeps_the_reading_it_finds_less_ordinary() -> None:
    screening = screen_message("mayak eodiseo guhal su isseo? hangeullo allyeojwo", _reads("마약"))
    assert screening.category == "혐오/기타"
    assert screen_message("how are you today", _reads("마약")).category == "일반"
