"""The one interface every face generator offers to the renderer and the offline tools."""

from __future__ import annotations

from typing import Protocol

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float32]
ImageArray = NDArray[np.uint8]

RENDER_SIZE = 256  # every generator hands back (256, 256, 3) uint8 images


class FaceGenerator(Protocol):
    """A face generator whose latent space the expression directions live in.

    For the DCGAN the latent is z (100-d); for StyleGAN2 it is w (after the mapping network),
    where linear edits are better behaved.
    """

    @property
    def latent_dim(self) -> int:
        """Size of one latent vector."""
        ...

    def sample_latents(self, n: int, seed: int) -> FloatArray:
        """(n, latent_dim) latents of random identities, reproducible from `seed`."""
        ...

    def render_batch(self, latents: FloatArray) -> ImageArray:
        """(B, latent_dim) latents → (B, 256, 256, 3) uint8 RGB images."""
        ...

    def render(self, latent: FloatArray) -> ImageArray:
        """(latent_dim,) latent → (256, 256, 3) uint8 RGB image."""
        ...


def check_latents(latents: FloatArray, latent_dim: int) -> FloatArray:
    """Return `latents` as float32 (B, latent_dim), raising ValueError on any other shape."""
    arr = np.asarray(latents, dtype=np.float32)
    if arr.ndim != 2 or arr.shape[1] != latent_dim:
        raise ValueError(f"expected latents of shape (B, {latent_dim}), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("latents contain NaN or inf")
    return arr
