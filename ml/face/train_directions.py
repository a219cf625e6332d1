"""`ohlora train directions`: fit eyes / mouth / head-yaw directions from landmark scores.

Samples latents, renders them, scores each face with mediapipe's face mesh (in the tools venv),
fits one LinearSVC normal per property on the top/bottom 20 %, orthonormalises them, and saves
them; when her identity file exists, recalibrates her targets on the new directions and reports
commanded-vs-measured correlation for her.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ml.face.directions import (
    PROPERTIES,
    FitConfig,
    Identity,
    fit_directions,
    load_identity,
    save_directions,
    save_identity,
)
from ml.face.expression_measure import (
    calibrate_targets,
    commanded_vs_measured,
    level_scores,
    random_scores,
)
from ml.face.face_mesh_points import measure_expression
from ml.face.generator import FaceGenerator
from ml.face.tools_venv import run_landmarks_tool


@dataclass(frozen=True)
class TrainDirectionsConfig:
    samples: int = 3000  # random latents to render and score
    seed: int = 0  # latent sampling seed
    chunk: int = 500  # images per mediapipe call (bounds memory)
    out: Path = Path("ml/face/assets/dcgan_directions.safetensors")  # where directions go
    identity: Path = Path("ml/face/assets/dcgan_identity.safetensors")  # her latent (recalibrated)
    cache: Path = Path("var/face/directions_samples.npz")  # latents + scores, reused if matching
    fit: FitConfig = field(default_factory=FitConfig)  # how the directions are fitted


def score_samples(generator: FaceGenerator, config: TrainDirectionsConfig) -> tuple[np.ndarray, np.ndarray]:
    """(N, D) latents and (N, 3) measured scores; landmarks cached in var/ and reused."""
    if config.cache.is_file():
        with np.load(config.cache) as c:
            if (
                int(c["seed"]) == config.seed
                and len(c["latents"]) == config.samples
                and c["latents"].shape[1] == generator.latent_dim
            ):
                print(f"reusing face-mesh landmarks from {config.cache}")
                return c["latents"], measure_expression(c["landmarks"])
    latents = generator.sample_latents(config.samples, config.seed)
    landmarks = []
    chunks = range(0, config.samples, config.chunk)
    for start in tqdm(chunks, desc="render+score chunks", unit="chunk"):
        images = generator.render_batch(latents[start : start + config.chunk])
        landmarks.append(run_landmarks_tool(images, ("landmarks",), desc=f"landmarks {start}").landmarks)
    all_landmarks = np.concatenate(landmarks)
    config.cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(config.cache, latents=latents, landmarks=all_landmarks, seed=config.seed)
    return latents, measure_expression(all_landmarks)


def train_directions(generator: FaceGenerator, config: TrainDirectionsConfig) -> dict[str, float]:
    """Fit, save, recalibrate her identity if present; return her correlations (may be empty)."""
    latents, measured = score_samples(generator, config)
    found = np.all(np.isfinite(measured), axis=1)
    print(f"face mesh found a face in {found.sum()} of {len(found)} samples")
    directions = fit_directions(latents, measured, config.fit)
    ok = measured[found]
    low = [0.0 if k == 2 else float(np.percentile(ok[:, k], config.fit.low_pct[k])) for k in range(3)]
    high = [
        float(np.percentile(np.abs(ok[:, k]) if k == 2 else ok[:, k], config.fit.high_pct[k]))
        for k in range(3)
    ]
    info = dict(
        directions.info,
        measured_range=[[lo, hi] for lo, hi in zip(low, high, strict=True)],
        seed=config.seed,
        fit_config=asdict(config.fit),
    )
    directions = replace(directions, info=info)
    save_directions(directions, config.out)
    print(
        f"saved directions to {config.out}: projection corr "
        + ", ".join(f"{k}={v:.3f}" for k, v in info["projection_corr"].items())
    )
    if not config.identity.is_file():
        print(f"no identity at {config.identity}: run select-identity to choose her, then re-run")
        return {}
    identity = load_identity(config.identity)
    targets = calibrate_targets(generator, directions, identity.latent)
    identity = Identity(identity.latent, targets, directions.fingerprint(), identity.info)
    save_identity(identity, config.identity)
    print(f"recalibrated her targets in {config.identity}")
    report = {}
    for name, scores in (("levels", level_scores()), ("random", random_scores(64, config.seed))):
        result = commanded_vs_measured(generator, directions, identity.latent, targets, scores)
        print(
            f"her commanded-vs-measured ({name}, {result.found}/{len(scores)} faces): "
            + ", ".join(f"{k}={v:.3f}" for k, v in result.corr.items())
        )
        report.update({f"corr_{k}_{name}": v for k, v in result.corr.items()})
    return report


__all__ = ["PROPERTIES", "TrainDirectionsConfig", "train_directions"]
