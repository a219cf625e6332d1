"""Tiny stand-ins for the memory tests: a word-hash embedder and blob helpers."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ml.embedding import to_blob
from tests.doubles import hash_vector


class HashEmbedder:
    """Texts sharing words get similar unit vectors (16-d); deterministic and instant."""

    dim = 16

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return (
            np.stack([hash_vector(t, self.dim) for t in texts])
            if texts
            else np.zeros((0, self.dim), np.float32)
        )


def blob(vector: np.ndarray) -> bytes:
    return to_blob(vector)
