"""Measure her expression on renders (mediapipe, offline) and compare it with what was commanded."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ml.expression import EYES_LEVELS, MOUTH_LEVELS, POSE_LEVELS, Expression
from ml.face.directions import PROPERTIES, ExpressionDirections
from ml.face.face_mesh_points import measure_expression
from ml.face.generator import FaceGenerator, FloatArray, ImageArray
from ml.face.tools_venv import run_landmarks_tool

NEUTRAL = Expression()


def measure_images(images: ImageArray, desc: str = "landmarks", progress: bool = True) -> NDArray[np.float32]:
    """(N, H, W, 3) uint8 → (N, 3) measured (eyes, mouth, signed yaw); NaN rows where no face."""
    result = run_landmarks_tool(images, ("landmarks",), desc=desc, progress=progress)
    return measure_expression(result.landmarks)


def calibrate_targets(
    generator: FaceGenerator,
    directions: ExpressionDirections,
    latent: FloatArray,
    steps: int = 13,
    progress: bool = True,
) -> FloatArray:
    """Her own (3, 2) targets: the projections at which her measured value hits the range the
    directions were fitted for (info["measured_range"]), from a linear fit over a sweep.

    Each property is swept alone, the others held at the neutral expression.
    """
    limit = float(directions.info["fit_config"]["max_abs_target"])
    wanted = np.asarray(directions.info["measured_range"], np.float32)  # (3, 2)
    grid = np.linspace(-limit, limit, steps, dtype=np.float32)
    neutral = np.asarray(NEUTRAL.as_scores(), np.float32)
    base_targets = directions.targets
    base = directions.edit(latent, (float(neutral[0]), float(neutral[1]), float(neutral[2])))
    latents = []
    for k in range(3):
        for t in grid:
            coords = directions.project(base[None])[0]
            coords[k] = t
            latents.append(directions.move_to(base, coords))
    measured = measure_images(generator.render_batch(np.stack(latents)), "calibrate", progress)
    measured = measured.reshape(3, steps, 3)
    targets = base_targets.copy()
    for k in range(3):
        ys = measured[k, :, k]
        ok = np.isfinite(ys)
        if ok.sum() < 4:
            continue  # too few faces found along this sweep: keep the global targets
        b, a = np.polyfit(grid[ok], ys[ok], 1)
        if b <= 0:
            continue
        targets[k] = np.clip((wanted[k] - a) / b, -limit, limit)
    return targets.astype(np.float32)


@dataclass(frozen=True)
class CommandedVsMeasured:
    commanded: NDArray[np.float32]  # (N, 3) commanded scores in [0, 1]
    measured: NDArray[np.float32]  # (N, 3) measured eyes, mouth, yaw (NaN where no face)
    corr: dict[str, float]  # Pearson correlation per property over rows with a face
    found: int  # rows with a face


def level_grid() -> list[Expression]:
    """All 4 × 3 × 3 = 36 expressions the chat can ask for."""
    return [Expression(e, m, p) for e, m, p in itertools.product(EYES_LEVELS, MOUTH_LEVELS, POSE_LEVELS)]


def commanded_vs_measured(
    generator: FaceGenerator,
    directions: ExpressionDirections,
    latent: FloatArray,
    targets: FloatArray,
    scores: NDArray[np.float32],
    progress: bool = True,
) -> CommandedVsMeasured:
    """Render her at each (N, 3) commanded score row, measure, and correlate per property."""
    latents = np.stack(
        [directions.edit(latent, (float(s[0]), float(s[1]), float(s[2])), targets) for s in scores]
    )
    measured = measure_images(generator.render_batch(latents), "measure", progress)
    ok = np.all(np.isfinite(measured), axis=1)
    corr = {
        name: float(np.corrcoef(scores[ok, k], measured[ok, k])[0, 1]) for k, name in enumerate(PROPERTIES)
    }
    return CommandedVsMeasured(scores.astype(np.float32), measured, corr, int(ok.sum()))


def level_scores() -> NDArray[np.float32]:
    """(36, 3) commanded scores of `level_grid()`."""
    return np.array([e.as_scores() for e in level_grid()], np.float32)


def random_scores(n: int, seed: int) -> NDArray[np.float32]:
    """(n, 3) continuous commanded scores, uniform in [0, 1]."""
    return np.random.default_rng(seed).uniform(0, 1, (n, 3)).astype(np.float32)
