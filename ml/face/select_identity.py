"""Choose her identity: a fixed latent, picked by a rerunnable, documented procedure.

1. Sample `candidates` (500) latents from a fixed seed (default 1011, her birthday).
2. Render each neutral, turned (pose 많이), eyes small/wide and mouth closed/open, using the
   fitted directions; run the mediapipe teacher on all of them (tools venv).
3. Score automatically: a face is found in every render; hair covers a good share of the frame
   and reaches below the eyes beside the face (long hair); the top corners are not hair (a backdrop
   that differs from her hair, so the mask and the dye stay on the hair); the turned render keeps
   her colours (histogram similarity to the neutral one) and her hair area; eyes, mouth and yaw
   move the commanded way.
4. Write a contact sheet of the best `sheet` candidates (neutral | turned | smiling) so a person
   can pick the one that reads as a young woman; `pick` is that rank. The chosen latent, her
   calibrated targets and all of the above go into a small safetensors file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from ml.face.directions import ExpressionDirections, Identity
from ml.face.expression_measure import calibrate_targets
from ml.face.face_mesh_points import measure_expression
from ml.face.generator import FaceGenerator, FloatArray, ImageArray
from ml.face.teacher import compose_hair
from ml.face.tools_venv import run_landmarks_tool

# (eyes, mouth, pose) scores of the probe renders, in order
PROBES = ((1 / 3, 0.0, 0.0), (1 / 3, 0.0, 1.0), (0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (1 / 3, 1.0, 0.0))
NEUTRAL, TURNED, EYES_LO, EYES_HI, MOUTH_HI = range(5)


@dataclass(frozen=True)
class SelectConfig:
    seed: int = 1011  # candidate sampling seed (her birthday, 10-11)
    candidates: int = 500  # latents to consider
    sheet: int = 30  # best candidates shown on the contact sheet
    pick: int = 0  # rank (0 = best automatic score) of the candidate a person chose
    pick_index: int | None = None  # or the candidate's index (#N on the sheet): stable across reruns
    sheet_path: Path = Path("var/face/identity_candidates.png")  # contact sheet for the person


def histogram_similarity(a: ImageArray, b: ImageArray, bins: int = 8) -> float:
    """Intersection of the two images' joint RGB histograms, in [0, 1]."""

    def hist(x: ImageArray) -> NDArray[np.float64]:
        q = (x.reshape(-1, 3).astype(np.int64) * bins) // 256
        h = np.bincount((q[:, 0] * bins + q[:, 1]) * bins + q[:, 2], minlength=bins**3)
        out: NDArray[np.float64] = h / h.sum()
        return out

    return float(np.minimum(hist(a), hist(b)).sum())


def score_candidates(
    generator: FaceGenerator, directions: ExpressionDirections, latents: FloatArray
) -> tuple[NDArray[np.float64], ImageArray, dict[str, NDArray[np.float64]]]:
    """(N, D) candidates → ((N,) score, (N, 5, 256, 256, 3) probe renders, per-criterion arrays)."""
    n = len(latents)
    edited = np.stack([directions.edit(z, p) for z in latents for p in PROBES])
    images = generator.render_batch(edited)
    tool = run_landmarks_tool(images, ("landmarks", "person"), desc="identity probes")
    assert tool.person is not None
    measured = measure_expression(tool.landmarks).reshape(n, len(PROBES), 3)
    found = tool.found.reshape(n, len(PROBES)).all(axis=1)
    images = images.reshape(n, len(PROBES), *images.shape[1:])
    names = ("hair", "long", "colour", "hair_kept", "responsive", "clear_background")
    crit = {k: np.zeros(n) for k in names}
    for i in np.flatnonzero(found):
        j0, j1 = i * len(PROBES) + NEUTRAL, i * len(PROBES) + TURNED
        hair0 = compose_hair(images[i, NEUTRAL], tool.landmarks[j0], tool.person[j0]) > 0.5
        hair1 = compose_hair(images[i, TURNED], tool.landmarks[j1], tool.person[j1]) > 0.5
        h = hair0.shape[0]
        eye_y = int(np.nanmean(tool.landmarks[j0, [33, 263], 1]) * h)
        corner = h // 5  # top corners are background unless hair and backdrop look alike
        crit["clear_background"][i] = (
            1 - (hair0[:corner, :corner].mean() + hair0[:corner, -corner:].mean()) / 2
        )
        crit["hair"][i] = hair0.mean()
        crit["long"][i] = min(hair0[eye_y:, : h // 4].mean(), hair0[eye_y:, -h // 4 :].mean())
        crit["colour"][i] = histogram_similarity(images[i, NEUTRAL], images[i, TURNED])
        crit["hair_kept"][i] = min(hair0.mean(), hair1.mean()) / max(hair0.mean(), hair1.mean(), 1e-6)
        m = measured[i]
        moves = [
            m[EYES_HI, 0] > m[EYES_LO, 0],
            m[MOUTH_HI, 1] > m[NEUTRAL, 1] + 0.05,
            m[TURNED, 2] > m[NEUTRAL, 2] + 0.15,
        ]
        crit["responsive"][i] = float(np.mean(moves))
    score = (
        np.clip(crit["hair"] / 0.3, 0, 1)
        + np.clip(crit["long"] / 0.3, 0, 1)
        + crit["colour"]
        + crit["hair_kept"]
        + crit["clear_background"]
        + 2 * crit["responsive"]
    ) * found
    return score, images, crit


def contact_sheet(images: ImageArray, order: NDArray[np.int64], path: Path, cell: int = 96) -> None:
    """Rows of (neutral | turned | mouth open) for candidates in `order`, labelled by rank."""
    cols = 3
    per_row = 5
    rows = (len(order) + per_row - 1) // per_row
    sheet = Image.new("RGB", (per_row * cols * cell + per_row * 6, rows * (cell + 14)), "white")
    draw = ImageDraw.Draw(sheet)
    for rank, idx in enumerate(order):
        x0 = (rank % per_row) * (cols * cell + 6)
        y0 = (rank // per_row) * (cell + 14)
        for c, probe in enumerate((NEUTRAL, TURNED, MOUTH_HI)):
            tile = Image.fromarray(images[idx, probe]).resize((cell, cell), Image.Resampling.BILINEAR)
            sheet.paste(tile, (x0 + c * cell, y0 + 14))
        draw.text((x0 + 2, y0 + 1), f"rank {rank} (#{idx})", fill="black")
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path)


def select_identity(
    generator: FaceGenerator, directions: ExpressionDirections, config: SelectConfig
) -> tuple[Identity, dict[str, float]]:
    """Score candidates, write the contact sheet, and return the picked rank's identity."""
    latents = generator.sample_latents(config.candidates, config.seed)
    score, images, crit = score_candidates(generator, directions, latents)
    order = np.argsort(-score, kind="stable")
    contact_sheet(images, order[: config.sheet], config.sheet_path)
    index = int(order[config.pick]) if config.pick_index is None else config.pick_index
    rank = int(np.flatnonzero(order == index)[0])
    latent = latents[index]
    targets = calibrate_targets(generator, directions, latent)
    summary = {"rank": float(rank), "score": float(score[index])} | {
        k: float(v[index]) for k, v in crit.items()
    }
    info = {
        "seed": config.seed,
        "candidates": config.candidates,
        "pick_rank": rank,
        "candidate_index": index,
        "criteria": summary,
        "procedure": "ml/face/select_identity.py; contact sheet reviewed by a person",
    }
    return Identity(latent, targets, directions.fingerprint(), info), summary
