"""Association cues: a word the user says lifts the memory about its concept."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from ml.memory.cues import Concept, CueBonus, CueLexicon, load_lexicon
from ml.memory.rerank import load_cue_bonus
from ml.memory.retrieve import StoredMemory, retrieve_memory
from ml.memory.sbert import MODEL_DIR
from tests.ml.memory_doubles import blob

LEXICON = CueLexicon(
    [
        Concept("배드민턴", ("배드민턴",), ("셔틀콕", "라켓 줄")),
        Concept("고소공포증", ("고소공포",), ("자이로드롭", "남산타워 전망대")),
        Concept("초콜릿", ("초콜릿", "초코"), ("가나",)),
    ]
)


def _names(message: str) -> list[str]:
    return [c.name for c in LEXICON.fired(message)]


def test_a_cue_fires_at_the_start_of_a_word_with_any_ending_and_spacing() -> None:
    assert _names("셔틀콕이 또 깨졌어") == ["배드민턴"]
    assert _names("친구들이 자이로드롭 타자는데 ㅠ") == ["고소공포증"]
    assert _names("남산 타워전망대 가자는데") == ["고소공포증"]  # spaced differently from the cue
    assert _names("라켓줄 갈아야 돼, 셔틀콕도") == ["배드민턴"]  # one concept once


def test_a_cue_inside_another_word_does_not_fire() -> None:
    assert _names("나이가 나이인지") == []  # "가나" straddles two words only when spaces are dropped
    assert _names("오늘 날씨 좋다") == []
    assert _names("") == []


def test_the_bonus_goes_to_memories_about_a_fired_concept() -> None:
    memories = ["[좋아하는 운동: 배드민턴]", "[공포증: 고소공포증]", "[싫어하는 음식: 민트초코]"]
    bonus = CueBonus(LEXICON, 0.4).scores("셔틀콕 새로 사야 돼", memories)
    assert bonus.tolist() == pytest.approx([0.4, 0.0, 0.0])
    assert not CueBonus(LEXICON, 0.0).scores("셔틀콕", memories).any()


def test_retrieval_prefers_the_memory_a_cue_points_to() -> None:
    class Near:
        """The message is closer to the second memory than to the first."""

        dim = 2

        def encode(self, texts: list[str]) -> np.ndarray:
            return np.tile(np.array([0.6, 0.8], np.float32), (len(texts), 1))

    axis = np.eye(2, dtype=np.float32)
    stored = [
        StoredMemory(1, "[좋아하는 운동: 배드민턴]", blob(axis[0])),
        StoredMemory(2, "[사는 곳: 신촌 원룸]", blob(axis[1])),
    ]
    today = date(2026, 11, 29)
    message = "셔틀콕 또 깨졌어"
    assert retrieve_memory(Near(), message, stored, today, 0.5).memory_id == 2
    cued = retrieve_memory(Near(), message, stored, today, 0.5, cues=CueBonus(LEXICON, 0.4))
    assert cued.memory_id == 1 and cued.score == pytest.approx(1.0)


def test_a_broken_lexicon_line_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.jsonl"
    path.write_text('{"concept": "a", "match": ["ab"], "cues": ["cd"]}\n{"concept": "b"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=":2:"):
        CueLexicon.load(path)


def test_the_committed_lexicon_is_the_one_the_weight_was_chosen_with() -> None:
    lexicon = load_lexicon()
    assert len(lexicon.concepts) >= 500
    for concept in lexicon.concepts:
        assert concept.match and len(concept.cues) >= 5, concept.name
        assert all(len("".join(m.split())) >= 2 for m in concept.match), concept.name
    metrics = json.loads((MODEL_DIR / "metrics.json").read_text(encoding="utf-8"))
    # a changed lexicon needs `ohlora train memory-threshold` to choose the weight again
    assert metrics["calibration"]["lexicon"] == lexicon.digest
    bonus = load_cue_bonus("memory-sbert")
    assert bonus is not None and bonus.weight == metrics["memory_cue_weight"] > 0


def test_no_committed_cue_is_common_in_everyday_messages() -> None:
    """A cue that fires on ordinary talk lifts a memory for nothing; the committed lexicon was
    pruned of cues found in 10 or more of the repo's messages, and stays so."""
    import csv
    from collections import Counter

    root = Path(__file__).resolve().parents[2]
    messages = []
    for path in sorted((root / "ml/ethics/data").glob("*.csv")):
        with path.open(encoding="utf-8") as handle:
            messages += [row["text"] for row in csv.DictReader(handle)]
    for path in sorted((root / "ml/llm/data").glob("persona_p*.jsonl")):
        messages += [json.loads(line)["message"] for line in path.read_text(encoding="utf-8").splitlines()]
    lexicon = load_lexicon()
    counts = Counter(cue for message in dict.fromkeys(messages) for cue in lexicon.cues_in(message))
    assert len(messages) > 10_000
    assert [cue for cue, n in counts.items() if n >= 10] == []
