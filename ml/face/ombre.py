"""Ombre hair dye on a rendered face, vectorised numpy.

Given the image and a per-pixel hair probability:
  mask     = smoothstep of the probability from MASK_LO to MASK_HI (pixels below MASK_LO are
             left byte-for-byte unchanged — only hair changes),
  gradient = smoothstep down the hair's own vertical extent, starting at `ombre_height` of it
             and reaching full strength `ombre_length` later,
  dyed     = the hue at a value that follows the pixel's luminance (LIFT + GAIN·L), so strands
             keep their shading and dark hair takes visible colour (like real bleach-and-dye),
  out      = orig + mask · gradient · STRENGTH · (dyed − orig).
The hue is taken modulo 1 before use, so 1.0 and 0.0 give the same red.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ml.face.generator import ImageArray
from ml.face.style import HairStyle

MASK_LO, MASK_HI = 0.55, 0.9  # hair probability where dye starts / reaches full coverage
MIN_HAIR_PIXELS = 3  # a row needs this many confident hair pixels to count as hair
SATURATION = 0.7  # saturation of the dye
LIFT, GAIN = 0.28, 1.05  # dyed value = LIFT + GAIN · luminance (0–1)
STRENGTH = 0.92  # 1 would replace the colour entirely; a little of the original reads natural
LUMA = np.array([0.299, 0.587, 0.114], np.float32)


def smoothstep(x: NDArray[np.float32]) -> NDArray[np.float32]:
    t = np.clip(x, 0.0, 1.0)
    out: NDArray[np.float32] = t * t * (3.0 - 2.0 * t)
    return out


def hue_rgb(hue: float) -> NDArray[np.float32]:
    """Fully saturated (3,) RGB in [0, 1] of `hue` (taken modulo 1)."""
    h6 = (hue % 1.0) * 6.0
    rgb = np.array([abs(h6 - 3.0) - 1.0, 2.0 - abs(h6 - 2.0), 2.0 - abs(h6 - 4.0)], np.float32)
    return np.clip(rgb, 0.0, 1.0)


def vertical_gradient(confident: NDArray[np.bool_], height: float, length: float) -> NDArray[np.float32]:
    """(H, W) confident-hair map → (H,) dye strength down the rows of the hair's extent."""
    rows = np.flatnonzero(confident.sum(axis=1) >= MIN_HAIR_PIXELS)
    h = confident.shape[0]
    if rows.size == 0:
        return np.zeros(h, np.float32)
    top, bottom = float(rows[0]), float(rows[-1] + 1)
    span = bottom - top
    start = top + height * span
    y = np.arange(h, dtype=np.float32) + 0.5
    if length <= 0.0:
        return (y >= start).astype(np.float32)
    return smoothstep((y - start) / (length * span))


def apply_ombre(image: ImageArray, hair_prob: NDArray[np.float32], style: HairStyle) -> ImageArray:
    """(H, W, 3) uint8 and (H, W) hair probability in [0, 1] → dyed (H, W, 3) uint8."""
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"image must be uint8 (H, W, 3), got {image.dtype} {image.shape}")
    if hair_prob.shape != image.shape[:2]:
        raise ValueError(f"hair_prob must be {image.shape[:2]}, got {hair_prob.shape}")
    mask = smoothstep((hair_prob.astype(np.float32) - MASK_LO) / (MASK_HI - MASK_LO))
    gradient = vertical_gradient(hair_prob >= MASK_HI, style.ombre_height, style.ombre_length)
    alpha = mask * gradient[:, None] * STRENGTH  # (H, W)
    changed = alpha > 0
    if not changed.any():
        return image.copy()
    orig = image[changed].astype(np.float32) / 255.0  # (P, 3) only the pixels that change
    value = np.clip(LIFT + GAIN * (orig @ LUMA), 0.0, 1.0)  # (P,)
    tint = value[:, None] * (1.0 - SATURATION + SATURATION * hue_rgb(style.hue))  # (P, 3)
    a = alpha[changed][:, None]
    out = image.copy()
    out[changed] = np.clip((orig + a * (tint - orig)) * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return out
