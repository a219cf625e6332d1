"""A fast, deterministic stand-in for ml.engine.Engine, to isolate the service and Discord layers.
The real engine is exercised by the tests marked `slow`."""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from PIL import Image

from ml.embedding import to_blob
from ml.ethics.screen import Screening, screen_message
from ml.expression import Expression
from ml.face.style import HairStyle
from ml.llm.analysis import TurnAnalysis
from ml.llm.generate import Generation
from ml.llm.prompts import TurnContext
from ml.memory.records import parse_memories
from ml.memory.retrieve import Retrieval, StoredMemory


def hash_vector(text: str, dim: int = 16) -> np.ndarray:
    """A unit vector from the words of `text`: texts sharing words are similar."""
    vec = np.zeros(dim, dtype=np.float32)
    for word in text.replace("[", " ").replace("]", " ").replace(":", " ").split():
        vec[int(hashlib.md5(word.encode()).hexdigest(), 16) % dim] += 1.0
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm else vec


def tiny_png(colour: tuple[int, int, int] = (200, 120, 220)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class FakeEngine:
    """Replies `응답: <message>`; memories are `[key: value]` spans in the user's message."""

    fail_stage: str | None = None
    embedder_id: str = "hash-16"  # hash_vector, 16 floats
    block: threading.Event | None = None  # when set, reply() waits for it (to hold the queue)
    calls: list[tuple[str, str]] = field(default_factory=list)
    contexts: list[TurnContext] = field(default_factory=list)

    def _maybe_fail(self, stage: str) -> None:
        if self.fail_stage == stage:
            raise RuntimeError(f"{stage} exploded")

    def screen(self, text: str) -> Screening:
        self._maybe_fail("screen")
        return screen_message(text)

    def embed(self, texts: Sequence[str]) -> list[bytes]:
        return [to_blob(hash_vector(t)) for t in texts]

    def retrieve(self, query: str, memories: Sequence[StoredMemory], today: date) -> Retrieval:
        best: Retrieval = Retrieval(None, None, 0.0)
        q = hash_vector(query)
        for m in memories:
            score = float(np.frombuffer(m.embedding, dtype=np.float32) @ q)
            if score >= 0.5 and score > best.score:
                best = Retrieval(m.id, m.text, score)
        return best

    def topic_changed(self, message: str, summary: str) -> bool:
        return message.startswith("근데")

    def reply(self, ctx: TurnContext) -> Generation:
        self.calls.append(("reply", ctx.message))
        self.contexts.append(ctx)
        if self.block is not None:
            self.block.wait(timeout=10)
        self._maybe_fail("reply")
        return Generation(f"응답: {ctx.message}", 3, 0.0)

    def analyze(self, message: str, reply: str, now: str, today: date) -> TurnAnalysis:
        self._maybe_fail("analyze")
        return TurnAnalysis(parse_memories(message), f"사용자가 '{message[:20]}'라고 함", Expression("크게"))

    def render(self, expression: Expression, style: HairStyle) -> bytes:
        self._maybe_fail("render")
        return tiny_png()
