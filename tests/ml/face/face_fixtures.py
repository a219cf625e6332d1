"""Tiny random face models for the face tests (imported by name; no package needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from ml.face.directions import ExpressionDirections, Identity, save_directions, save_identity
from ml.face.renderer import FaceConfig
from ml.face.segmenter import HairSegmenter, SegmenterConfig, save_segmenter
from ml.face.stylegan2 import StyleGAN2, StyleGAN2Config, save_stylegan2

TINY = StyleGAN2Config(size=32, style_dim=16, n_mlp=2, channel_max=16)


def random_directions(dim: int, seed: int = 0) -> ExpressionDirections:
    rng = np.random.default_rng(seed)
    n = rng.standard_normal((3, dim)).astype(np.float32)
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    targets = np.array([[-1.0, 1.0], [-0.5, 1.5], [0.0, 2.0]], np.float32)
    return ExpressionDirections(n, np.zeros(dim, np.float32), targets, {"note": "test"})


def write_tiny_face(root: Path) -> FaceConfig:
    """FaceConfig over a tiny random StyleGAN2, random directions, an identity and a segmenter."""
    torch.manual_seed(0)
    save_stylegan2(StyleGAN2(TINY), root / "g.safetensors")
    directions = random_directions(TINY.style_dim)
    save_directions(directions, root / "dirs.safetensors")
    latent = np.random.default_rng(1).standard_normal(TINY.style_dim).astype(np.float32)
    save_identity(Identity(latent, None, directions.fingerprint(), {"seed": 1}), root / "id.safetensors")
    save_segmenter(
        HairSegmenter(SegmenterConfig(input_size=32, widths=(4, 8))).eval(),
        root / "seg.safetensors",
    )
    return FaceConfig(
        generator="stylegan2",
        checkpoint=root / "g.safetensors",
        identity=root / "id.safetensors",
        directions=root / "dirs.safetensors",
        segmenter=root / "seg.safetensors",
    )
