"""The cached analysis decoder on the real Gemma 3 270M + adapter writes exactly what free greedy
generation writes, scaffold included, on turns from the persona validation split."""

from __future__ import annotations

import pytest

from ml.llm.analysis import parse_analysis
from ml.llm.dataset import is_validation, load_rows
from ml.llm.generate import MEMORY_OPEN_RATIO, analyze_turn, generate, memory_open_probability
from ml.llm.loader import LLMConfig, load_llm
from ml.llm.prompts import analysis_prompt

pytestmark = pytest.mark.slow


def test_cached_analysis_matches_free_greedy_generation() -> None:
    llm = load_llm(LLMConfig())
    rows = [r for r in load_rows() if is_validation(r)]
    with_memory = next(r for r in rows if r["memories"])
    for row in (rows[0], with_memory, rows[-1]):
        prompt = analysis_prompt(row["message"], row["reply"], row["now"])
        opened = " [" if memory_open_probability(llm, prompt) >= MEMORY_OPEN_RATIO else ""
        free = generate(
            llm, prompt + opened, 128, stops=("고개 없음", "고개 보통", "고개 많이"), repetition_penalty=1.0
        )
        assert analyze_turn(llm, row["message"], row["reply"], row["now"]) == parse_analysis(
            opened + free.text, row["message"]
        )
