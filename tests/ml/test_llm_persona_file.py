"""`ohlora eval persona` refuses a file it cannot score instead of reporting zeros."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ml.llm.evaluate import load_persona_file


def _write(tmp_path: Path, payload: object) -> Path:
    path = tmp_path / "persona.json"
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_file_with_known_sections_loads(tmp_path: Path) -> None:
    payload = {"facts": [{"query": "너 MBTI 뭐야?", "any": ["ENTJ"]}], "chat": ["안녕!"]}
    assert load_persona_file(_write(tmp_path, payload)) == payload


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"memories": [1], "cases": 3}, "expected an object"),
        ([], "expected an object"),
        ({"chat": "안녕"}, '"chat" must be a list of strings'),
        ({"refuse": [{"text": "필로폰"}]}, '"refuse" must be a list of strings'),
        ({"facts": [{"question": "나이?"}]}, 'each fact needs "query"'),
    ],
)
def test_a_file_it_cannot_score_is_refused(tmp_path: Path, payload: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_persona_file(_write(tmp_path, payload))
