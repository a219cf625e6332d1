"""Her face for one reply: identity + expression offsets → generator → hair mask → ombre → PNG.

Serving path: torch, numpy and pillow only (never mediapipe, never sklearn).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import torch
from PIL import Image

from ml.expression import Expression
from ml.face.dcgan import DCGANFaceGenerator, load_dcgan, load_embedded_dcgan
from ml.face.directions import ExpressionDirections, Identity, load_directions, load_identity
from ml.face.generator import RENDER_SIZE, FaceGenerator, FloatArray, ImageArray
from ml.face.ombre import apply_ombre
from ml.face.segmenter import HairMasker, load_segmenter
from ml.face.style import HairStyle
from ml.face.stylegan2 import StyleGAN2FaceGenerator, load_stylegan2

ASSETS = Path(__file__).resolve().with_name("assets")
GENERATORS = ("dcgan", "stylegan2")


@dataclass(frozen=True)
class FaceConfig:
    generator: Literal["dcgan", "stylegan2"] = "dcgan"  # generator family
    checkpoint: Path | None = None  # generator safetensors; None = the embedded DCGAN (dcgan only)
    identity: Path = ASSETS / "dcgan_identity.safetensors"  # her latent + calibrated targets
    directions: Path = ASSETS / "dcgan_directions.safetensors"  # eyes/mouth/pose directions
    segmenter: Path = ASSETS / "hair_segmenter.safetensors"  # distilled student hair segmenter
    device: str = "cpu"  # torch device for generator and segmenter, chosen by the caller
    truncation: float = 0.7  # StyleGAN2 only: ψ towards the mean w when sampling latents
    png_compress_level: int = 1  # zlib level for render_png: 1 is fast, barely larger than 6
    torch_threads: int | None = 1  # intra-op threads while rendering (None: leave torch's setting)

    def __post_init__(self) -> None:
        if self.generator not in GENERATORS:
            raise ValueError(f"generator must be one of {GENERATORS}, got {self.generator!r}")
        if self.torch_threads is not None and self.torch_threads < 1:
            raise ValueError(f"torch_threads must be ≥ 1 or None, got {self.torch_threads}")
        if self.generator == "stylegan2" and self.checkpoint is None:
            raise ValueError("generator 'stylegan2' needs a checkpoint path (safetensors)")


@contextmanager
def intra_op_threads(n: int | None) -> Iterator[None]:
    """Use `n` intra-op threads on the calling thread (torch keeps this per thread), then restore.

    The face models are small (64 px DCGAN, 64 px U-Net): one thread costs ~1 ms against two on an
    idle CPU, while two threads spin-waiting on cores another job is using measured 100× slower
    (student 725 ms vs 7.5 ms, whole render 1.1 s vs 36 ms on this 2-core machine).
    """
    previous = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def build_generator(config: FaceConfig) -> FaceGenerator:
    """The configured generator; errors name the checkpoint path."""
    if config.generator == "stylegan2":
        assert config.checkpoint is not None
        return StyleGAN2FaceGenerator(
            load_stylegan2(Path(config.checkpoint)), config.device, truncation=config.truncation
        )
    model = load_embedded_dcgan() if config.checkpoint is None else load_dcgan(Path(config.checkpoint))
    return DCGANFaceGenerator(model, config.device)


class FaceRenderer:
    """Renders her face; `render` may be called from a worker thread (one call at a time inside)."""

    def __init__(
        self,
        config: FaceConfig,
        generator: FaceGenerator,
        directions: ExpressionDirections,
        identity: Identity,
        masker: HairMasker,
    ) -> None:
        dims = {
            "generator": generator.latent_dim,
            f"directions {config.directions}": directions.latent_dim,
            f"identity {config.identity}": int(identity.latent.shape[0]),
        }
        if len(set(dims.values())) != 1:
            raise ValueError(
                f"latent sizes disagree: {dims}; fit directions and choose an identity "
                "for this generator (ohlora train directions / select identity)"
            )
        self.config = config
        self.generator, self.directions, self.identity, self.masker = (
            generator,
            directions,
            identity,
            masker,
        )
        self._targets = identity.targets_for(directions)
        self._lock = threading.Lock()

    @classmethod
    def load(cls, config: FaceConfig) -> FaceRenderer:
        """Load generator, directions, identity and segmenter; errors name the failing path."""
        return cls(
            config,
            build_generator(config),
            load_directions(Path(config.directions)),
            load_identity(Path(config.identity)),
            HairMasker(load_segmenter(Path(config.segmenter)), config.device),
        )

    def latent_for(self, expression: Expression) -> FloatArray:
        """(D,) her latent with the expression's eyes, mouth and pose."""
        return self.directions.edit_expression(self.identity.latent, expression, self._targets)

    def render(self, expression: Expression, style: HairStyle) -> ImageArray:
        """(256, 256, 3) uint8 RGB: her face with this expression and hair style."""
        with self._lock, torch.inference_mode(), intra_op_threads(self.config.torch_threads):
            face = self.generator.render(self.latent_for(expression))
            hair = self.masker.predict(face[None])[0]
        out = apply_ombre(face, hair, style)
        assert out.shape == (RENDER_SIZE, RENDER_SIZE, 3) and out.dtype == np.uint8
        return out

    def render_png(self, expression: Expression, style: HairStyle) -> bytes:
        """`render` encoded as PNG bytes."""
        buf = io.BytesIO()
        Image.fromarray(self.render(expression, style)).save(
            buf, format="PNG", compress_level=self.config.png_compress_level
        )
        return buf.getvalue()
