from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from ml.face.segmenter import (
    HairMasker,
    HairSegmenter,
    SegmenterConfig,
    load_segmenter,
    save_segmenter,
)
from ml.face.train_segmenter import iou_dice

SMALL = SegmenterConfig(input_size=32, widths=(4, 8, 8))


def test_student_shapes_and_probability_range() -> None:
    torch.manual_seed(0)
    masker = HairMasker(HairSegmenter(SMALL).eval())
    images = np.random.default_rng(0).integers(0, 255, (2, 256, 256, 3), dtype=np.uint8)
    prob = masker.predict(images)
    assert prob.shape == (2, 256, 256) and prob.dtype == np.float32
    assert prob.min() >= 0 and prob.max() <= 1
    with pytest.raises(ValueError):
        masker.predict(images.astype(np.float32))


def test_segmenter_checkpoint_round_trip(tmp_path: Path) -> None:
    torch.manual_seed(0)
    model = HairSegmenter(SMALL).eval()
    save_segmenter(model, tmp_path / "s.safetensors")
    back = load_segmenter(tmp_path / "s.safetensors")
    x = torch.rand(1, 3, 32, 32)
    with torch.inference_mode():
        assert torch.equal(model(x), back(x))


def test_missing_segmenter_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"gone\.safetensors"):
        load_segmenter(tmp_path / "gone.safetensors")


def test_iou_and_dice() -> None:
    a = np.zeros((1, 4, 4), np.float32)
    b = np.zeros((1, 4, 4), np.float32)
    a[0, :2] = 1  # 8 pixels
    b[0, 1:3] = 1  # 8 pixels, 4 shared
    iou, dice = iou_dice(a, b)
    assert iou == pytest.approx(4 / 12) and dice == pytest.approx(8 / 16)
    assert iou_dice(np.zeros((1, 4, 4), np.float32), np.zeros((1, 4, 4), np.float32)) == (1.0, 1.0)
