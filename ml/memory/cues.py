"""Association cues: what a user says that points to a stored memory without naming it.

The fine-tuned encoder misses links that need world knowledge: "셔틀콕 또 깨졌어" for
`[좋아하는 운동: 배드민턴]`, "자이로드롭 타자는데 ㅠ" for `[공포증: 고소공포증]`. The lexicon
(`data/associations.jsonl`, written here) lists concepts a memory may be about, each with the
substrings that show a memory is about it (`match`) and the words a user would say about it
(`cues`). When a message holds a cue at the start of a word (an ending may follow), every current
memory that matches the cue's concept gains `weight` on its cosine before the threshold.

Nothing is embedded: a message is scanned once for cues (a dictionary keyed by the cue's first two
letters, so the cost does not grow with the lexicon), and only the concepts that fired are looked
up in the memories' texts. The weight is chosen with the threshold on the validation users
(`ml.memory.train_threshold`) and recorded in the model's metrics.json.

The lexicon was written by helpers shown neither the held-out nor the validation files, in five
domains (food; health; school, work and money; hobbies and gear; life, people and places) and two
rounds (the second pruned generic cues and added concepts): 957 concepts, 16,174 cues. Cues found
in 10 or more of the repo's 12,287 labelled and persona messages ("게임", "선물", "마약" for 마약김밥,
"새로" for the soju) were then dropped: 69 cues, 124 entries; 16,050 remain.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

LEXICON_FILE = Path(__file__).with_name("data") / "associations.jsonl"

_LETTER = re.compile(r"[0-9A-Za-z가-힣ㄱ-ㅎ]")


@dataclass(frozen=True)
class Concept:
    """What a memory may be about, how to see that in its text, and what users say about it."""

    name: str
    match: tuple[str, ...]
    cues: tuple[str, ...]


def _compact(text: str) -> str:
    return "".join(text.lower().split())


class CueLexicon:
    """Concepts and their cues, indexed for one pass over a message."""

    def __init__(self, concepts: Sequence[Concept], digest: str = "") -> None:
        self.concepts = tuple(concepts)
        self.digest = digest
        # first two letters of a compacted cue → (compacted cue, concept index)
        self._index: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for number, concept in enumerate(self.concepts):
            for cue in concept.cues:
                compact = _compact(cue)
                if len(compact) >= 2:
                    self._index[compact[:2]].append((compact, number))

    @classmethod
    def load(cls, path: Path = LEXICON_FILE) -> CueLexicon:
        """Read a JSON-lines lexicon: {"concept": …, "match": [...], "cues": [...]} per line."""
        raw = Path(path).read_bytes()
        concepts = []
        for number, line in enumerate(raw.decode("utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                concepts.append(
                    Concept(
                        str(row["concept"]),
                        tuple(str(m) for m in row["match"] if str(m).strip()),
                        tuple(str(c) for c in row["cues"] if str(c).strip()),
                    )
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not a lexicon row ({exc})") from exc
        return cls(concepts, hashlib.sha256(raw).hexdigest()[:12])

    def fired(self, message: str) -> list[Concept]:
        """The concepts with a cue that starts a word of the message (spacing ignored)."""
        numbers = dict.fromkeys(number for _, number in self._hits(message))
        return [self.concepts[number] for number in numbers]

    def cues_in(self, message: str) -> set[str]:
        """The cues (compacted) that fire in the message."""
        return {cue for cue, _ in self._hits(message)}

    def _hits(self, message: str) -> list[tuple[str, int]]:
        text = message.lower()
        # the message without spaces, and where each word starts in it
        letters: list[str] = []
        starts: list[int] = []
        previous_is_letter = False
        for char in text:
            if char.isspace():
                previous_is_letter = False
                continue
            is_letter = bool(_LETTER.match(char))
            if is_letter and not previous_is_letter:
                starts.append(len(letters))
            letters.append(char)
            previous_is_letter = is_letter
        compact = "".join(letters)
        return [
            (cue, number)
            for start in starts
            for cue, number in self._index.get(compact[start : start + 2], ())
            if compact.startswith(cue, start)
        ]


@dataclass(frozen=True)
class CueBonus:
    """Adds `weight` to the score of each memory about a concept the message has a cue for."""

    lexicon: CueLexicon
    weight: float

    def scores(self, message: str, memories: Sequence[str]) -> np.ndarray:
        """(N,) bonus per memory text: `weight` where a fired concept matches it, else 0."""
        bonus = np.zeros(len(memories), dtype=np.float32)
        if self.weight == 0.0:
            return bonus
        concepts = self.lexicon.fired(message)
        if not concepts:
            return bonus
        matches = [m for c in concepts for m in c.match]
        for i, text in enumerate(memories):
            if any(m in text for m in matches):
                bonus[i] = self.weight
        return bonus


@cache
def load_lexicon(path: Path = LEXICON_FILE) -> CueLexicon:
    """The committed lexicon, read once per path."""
    return CueLexicon.load(path)
