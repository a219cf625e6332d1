"""The hair teacher: per-pixel hair probability composed from mediapipe's outputs.

hair = person × (1 − skin) × gate, then a light blur, where
  person — selfie-segmentation probability (head, hair, shoulders; sometimes dark background),
  skin   — likeness to her skin colour, modelled from patches on cheeks, nose and forehead,
  gate   — 0 inside the face outline below the eyebrows (eyes, mouth, beard are not hair) and in
           the column under the chin (neck, collar), 1 elsewhere; bangs above the brows survive.
The mediapipe models run in the tools venv (`tools_venv.run_landmarks_tool`); this composite is
plain numpy + PIL so its logic is testable without mediapipe.
"""

from __future__ import annotations

import time

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFilter

from ml.face.face_mesh_points import BROWS, CHIN, FACE_OVAL, SKIN_PATCHES
from ml.face.generator import ImageArray
from ml.face.tools_venv import run_landmarks_tool

MaskArray = NDArray[np.float32]

SKIN_SIGMA = 2.2  # skin likeness falls to e^-0.5 at this many std-devs from the skin mean
FACE_SKIN_SIGMA = 4.5  # the same inside the face outline, where skin is far more likely a priori
BROW_RAMP = 0.08  # the face gate fades in over this fraction of the image height above the brows
PATCH_RADIUS = 0.02  # half-size of each skin sample patch, as a fraction of the image side
MIN_SKIN_STD = 8.0  # floor on the skin colour std-dev (0–255 scale): flat renders are not skin-only


def skin_likeness(
    image: ImageArray, landmarks: NDArray[np.float32], sigma: MaskArray | float = SKIN_SIGMA
) -> MaskArray:
    """(H, W, 3) uint8 + (468, 3) landmarks → (H, W) likeness in [0, 1] to the sampled skin.

    `sigma` (scalar or (H, W)) is how many std-devs away a colour may be and still read as skin.
    """
    h, w, _ = image.shape
    r = max(1, round(PATCH_RADIUS * min(h, w)))
    samples = []
    for idx in SKIN_PATCHES:
        x, y = round(float(landmarks[idx, 0]) * w), round(float(landmarks[idx, 1]) * h)
        patch = image[max(0, y - r) : y + r + 1, max(0, x - r) : x + r + 1].reshape(-1, 3)
        samples.append(patch)
    skin = np.concatenate(samples).astype(np.float32)
    mean = np.median(skin, axis=0)
    std = np.maximum(skin.std(axis=0), MIN_SKIN_STD)
    z2 = (((image.astype(np.float32) - mean) / std) ** 2).mean(axis=-1)
    like: MaskArray = np.exp(-0.5 * z2 / np.square(sigma)).astype(np.float32)
    return like


def face_outline(shape: tuple[int, int], landmarks: NDArray[np.float32]) -> MaskArray:
    """(H, W) 1 inside the face-mesh outline (forehead top to chin), 0 outside."""
    h, w = shape
    pts = [(float(landmarks[i, 0]) * w, float(landmarks[i, 1]) * h) for i in FACE_OVAL]
    canvas = Image.new("L", (w, h), 0)
    ImageDraw.Draw(canvas).polygon(pts, fill=255)
    outline: MaskArray = np.asarray(canvas, np.float32) / 255.0
    return outline


def face_gate(shape: tuple[int, int], landmarks: NDArray[np.float32]) -> MaskArray:
    """(H, W) gate: 0 on the face below the brows and under the chin, 1 elsewhere."""
    h, w = shape
    brow_y = float(np.mean(landmarks[list(BROWS), 1])) * h
    chin_y = float(landmarks[CHIN, 1]) * h
    xs = [float(landmarks[i, 0]) * w for i in FACE_OVAL]
    rows = np.arange(h, dtype=np.float32)[:, None]
    # bangs above the brows stay hair; the cut fades in so it leaves no hard line
    face = face_outline(shape, landmarks) * np.clip((rows - brow_y) / (BROW_RAMP * h) + 1, 0, 1)
    cols = np.arange(w, dtype=np.float32)[None, :]
    span = max(xs) - min(xs)
    neck = (rows > chin_y) & (cols > min(xs) + 0.2 * span) & (cols < max(xs) - 0.2 * span)
    gate: MaskArray = (1.0 - face) * (1.0 - neck)
    return gate.astype(np.float32)


def compose_hair(image: ImageArray, landmarks: NDArray[np.float32], person: MaskArray) -> MaskArray:
    """(H, W, 3) uint8, (468, 3) landmarks, (H, W) person prob → (H, W) hair prob in [0, 1]."""
    h, w, _ = image.shape
    if person.shape != (h, w) or landmarks.shape != (468, 3):
        raise ValueError(
            f"shape mismatch: image {image.shape}, person {person.shape}, landmarks {landmarks.shape}"
        )
    sigma = np.where(face_outline((h, w), landmarks) > 0.5, FACE_SKIN_SIGMA, SKIN_SIGMA)
    skin = skin_likeness(image, landmarks, sigma.astype(np.float32))
    hair = np.clip(person, 0, 1) * (1 - skin) * face_gate((h, w), landmarks)
    blurred = Image.fromarray((hair * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(1.0))
    out: MaskArray = np.asarray(blurred, np.float32) / 255.0
    return out


def teacher_hair_masks(
    images: ImageArray, desc: str = "teacher", progress: bool = True
) -> tuple[MaskArray, NDArray[np.bool_], NDArray[np.float64]]:
    """(N, H, W, 3) uint8 → ((N, H, W) hair prob, (N,) face found, (N,) per-image teacher ms).

    Images without a detected face get an all-zero mask and found=False; callers drop them.
    The time counts both mediapipe models plus the composite, not the subprocess start-up.
    """
    result = run_landmarks_tool(images, ("landmarks", "person"), desc=desc, progress=progress)
    assert result.person is not None
    masks = np.zeros(images.shape[:3], np.float32)
    ms = result.ms_landmarks + result.ms_person
    for i in np.flatnonzero(result.found):
        t0 = time.perf_counter()
        masks[i] = compose_hair(images[i], result.landmarks[i], result.person[i])
        ms[i] += (time.perf_counter() - t0) * 1000
    return masks, result.found, ms
