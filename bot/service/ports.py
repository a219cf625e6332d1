"""The model side as the service sees it: plain methods, no tensors (ml.engine.Engine fits)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from ml.ethics.screen import Screening
from ml.expression import Expression
from ml.face.style import HairStyle
from ml.llm.analysis import TurnAnalysis
from ml.llm.generate import Generation
from ml.llm.prompts import TurnContext
from ml.memory.retrieve import Retrieval, StoredMemory


class TurnEngine(Protocol):
    @property
    def embedder_id(self) -> str: ...  # names the vectors `embed` makes; stored under another: re-embed

    def screen(self, text: str) -> Screening: ...
    def embed(self, texts: Sequence[str]) -> list[bytes]: ...
    def retrieve(self, query: str, memories: Sequence[StoredMemory], today: date) -> Retrieval: ...
    def topic_changed(self, message: str, summary: str) -> bool: ...
    def reply(self, ctx: TurnContext) -> Generation: ...
    def analyze(self, message: str, reply: str, now: str, today: date) -> TurnAnalysis: ...
    def render(self, expression: Expression, style: HairStyle) -> bytes: ...
