"""The student hair segmenter: a small U-Net distilled from the mediapipe teacher.

Serving needs only torch: image → per-pixel hair probability, no mediapipe.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from numpy.typing import NDArray
from torch import nn

from ml.face.checkpoints import load_checkpoint, load_state_strict, save_checkpoint
from ml.face.generator import ImageArray

CHECKPOINT_KIND = "hair_segmenter"


@dataclass(frozen=True)
class SegmenterConfig:
    input_size: int = 64  # images are resized to this square side (the DCGAN's native 64 px)
    widths: tuple[int, ...] = (16, 32, 48, 64)  # channels per U-Net level, finest first


def conv_block(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
        nn.Conv2d(c_out, c_out, 3, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
    )


class HairSegmenter(nn.Module):
    """U-Net: (B, 3, S, S) RGB in [0, 1] → (B, 1, S, S) hair logits, S = config.input_size."""

    def __init__(self, config: SegmenterConfig) -> None:
        super().__init__()
        self.config = config
        w = list(config.widths)
        if config.input_size % 2 ** (len(w) - 1):
            raise ValueError(f"input_size {config.input_size} must divide by 2^{len(w) - 1}")
        self.down = nn.ModuleList(
            [conv_block(3, w[0])] + [conv_block(a, b) for a, b in itertools.pairwise(w)]
        )
        self.up = nn.ModuleList([conv_block(b + a, a) for a, b in itertools.pairwise(w)])
        self.head = nn.Conv2d(w[0], 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = self.config.input_size
        if x.ndim != 4 or x.shape[1:] != (3, s, s):
            raise ValueError(f"expected (B, 3, {s}, {s}), got {tuple(x.shape)}")
        skips = []
        for i, block in enumerate(self.down):
            x = block(x if i == 0 else F.max_pool2d(x, 2))
            skips.append(x)
        for block, skip in zip(reversed(self.up), reversed(skips[:-1]), strict=True):
            x = F.interpolate(x, size=skip.shape[-2:], mode="bilinear", align_corners=False)
            x = block(torch.cat([x, skip], dim=1))
        out: torch.Tensor = self.head(x)
        return out


def images_to_input(images: ImageArray, size: int) -> torch.Tensor:
    """(B, H, W, 3) uint8 → (B, 3, size, size) float in [0, 1] (area-resized)."""
    x = torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).float() / 255.0
    if x.shape[-1] != size or x.shape[-2] != size:
        x = F.interpolate(x, size=(size, size), mode="area")
    return x


def save_segmenter(model: HairSegmenter, path: Path) -> None:
    save_checkpoint(path, model.state_dict(), CHECKPOINT_KIND, asdict(model.config))


def load_segmenter(path: Path) -> HairSegmenter:
    """Read a checkpoint written by `save_segmenter` (eval mode); errors name `path`."""
    state, raw = load_checkpoint(path, CHECKPOINT_KIND)
    try:
        model = HairSegmenter(
            SegmenterConfig(input_size=int(raw["input_size"]), widths=tuple(int(w) for w in raw["widths"]))
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"hair segmenter checkpoint {path} has an invalid config {raw}: {exc}") from exc
    load_state_strict(model, state, path)
    return model.eval()


class HairMasker:
    """Thread-safe inference wrapper: (B, H, W, 3) uint8 → (B, H, W) hair probability."""

    def __init__(self, model: HairSegmenter, device: str = "cpu") -> None:
        self._model = model.to(device).eval()
        self._device = torch.device(device)
        self._lock = threading.Lock()

    def predict(self, images: ImageArray) -> NDArray[np.float32]:
        if images.dtype != np.uint8 or images.ndim != 4 or images.shape[-1] != 3:
            raise ValueError(f"images must be uint8 (B, H, W, 3), got {images.dtype} {images.shape}")
        h, w = images.shape[1:3]
        x = images_to_input(images, self._model.config.input_size).to(self._device)
        with self._lock, torch.inference_mode():
            logits = self._model(x)
            prob = torch.sigmoid(F.interpolate(logits, size=(h, w), mode="bilinear", align_corners=False))
        out: NDArray[np.float32] = prob[:, 0].cpu().numpy()
        return out
