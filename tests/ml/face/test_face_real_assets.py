"""The real embedded DCGAN and the committed assets (slow: loads 14 MB of weights)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ml.expression import Expression
from ml.face.renderer import ASSETS, FaceConfig, FaceRenderer
from ml.face.style import HairStyle

pytestmark = pytest.mark.slow


def test_committed_assets_are_small() -> None:
    total = sum(p.stat().st_size for p in Path(ASSETS).rglob("*") if p.is_file())
    assert total < 5 * 1024 * 1024


def test_her_face_renders_and_follows_expression_and_style() -> None:
    renderer = FaceRenderer.load(FaceConfig())
    neutral = renderer.render(Expression(), HairStyle())
    assert neutral.shape == (256, 256, 3) and neutral.dtype == np.uint8 and neutral.std() > 20
    turned = renderer.render(Expression(pose="많이"), HairStyle())
    assert np.abs(turned.astype(int) - neutral).mean() > 3
    green = renderer.render(Expression(), HairStyle(hue=0.33, ombre_height=0.0, ombre_length=0.1))
    changed = np.abs(green.astype(int) - neutral).sum(-1) > 0
    assert 0.03 < changed.mean() < 0.7  # the hair, not the whole frame
    png = renderer.render_png(Expression(), HairStyle())
    assert Image.open(io.BytesIO(png)).size == (256, 256)
