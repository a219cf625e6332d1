"""Linear expression directions in a generator's latent space, and how levels map onto them.

Each property k (eyes, mouth, pose) has a unit direction n_k along which it grows; the latent's
coordinate on it is u_k = ⟨z − origin, n_k⟩. An edit moves every coordinate to its commanded
target t_k(s_k) = lo_k + s_k·(hi_k − lo_k), s_k ∈ [0, 1], by the smallest latent step that does so
all at once: Δz = Nᵀ (N Nᵀ)⁻¹ (t − u). The directions need not be orthogonal: this dual-basis
step changes eye openness without moving the mouth or yaw coordinates (a Gram–Schmidt
projection would not). Each target depends on its own score only, so pose comes from the pose
field alone, and u_k of the edited latent equals t_k(s_k), monotone in the level by construction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray

from ml.expression import Expression
from ml.face.checkpoints import load_checkpoint, save_checkpoint
from ml.face.generator import FloatArray

PROPERTIES = ("eyes", "mouth", "pose")  # row order of every (3, …) array here
DIRECTIONS_KIND = "expression_directions"
IDENTITY_KIND = "face_identity"


@dataclass(frozen=True)
class FitConfig:
    tail: float = 0.2  # fit each direction on the top and bottom `tail` fraction of its property
    svm_c: float = 0.01  # LinearSVC regularisation (small = smoother, more robust normal)
    method: str = "svm"  # "svm": LinearSVC on the tails; "ridge": ridge regression on all samples
    ridge_alpha: float = 100.0  # ridge penalty when method == "ridge"
    low_pct: tuple[float, float, float] = (5.0, 10.0, 50.0)  # measured percentile at score 0
    high_pct: tuple[float, float, float] = (95.0, 85.0, 85.0)  # … at score 1 (pose: of |yaw|)
    max_abs_target: float = 2.5  # clip targets to ±this many std-devs of the latent projection


@dataclass(frozen=True)
class ExpressionDirections:
    directions: FloatArray  # (3, D) unit rows: eyes, mouth, pose (linearly independent)
    origin: FloatArray  # (D,) latent mean; projections are taken about it
    targets: FloatArray  # (3, 2) projection at score 0 and at score 1, per property
    info: dict[str, Any] = field(default_factory=dict)  # how it was fitted (JSON-able)

    def __post_init__(self) -> None:
        d = self.origin.shape[0]
        if self.directions.shape != (3, d) or self.targets.shape != (3, 2):
            raise ValueError(
                f"bad shapes: directions {self.directions.shape}, origin "
                f"{self.origin.shape}, targets {self.targets.shape}"
            )

    @property
    def latent_dim(self) -> int:
        return int(self.origin.shape[0])

    def fingerprint(self) -> str:
        """Short hash of the directions, so an identity knows which ones it was calibrated on."""
        return hashlib.sha256(self.directions.astype(np.float32).tobytes()).hexdigest()[:16]

    def project(self, latents: FloatArray) -> FloatArray:
        """(B, D) latents → (B, 3) coordinates along the directions."""
        out: FloatArray = ((latents - self.origin) @ self.directions.T).astype(np.float32)
        return out

    def edit(
        self,
        latent: FloatArray,
        scores: tuple[float, float, float],
        targets: FloatArray | None = None,
    ) -> FloatArray:
        """(D,) latent + commanded (eyes, mouth, pose) scores in [0, 1] → edited (D,) latent.

        `targets` (3, 2) overrides the directions' own (an identity's calibration).
        """
        s = np.asarray(scores, np.float32)
        if s.shape != (3,) or np.any(s < 0) or np.any(s > 1):
            raise ValueError(f"scores must be three values in [0, 1], got {scores}")
        t = self.targets if targets is None else targets
        return self.move_to(latent, t[:, 0] + s * (t[:, 1] - t[:, 0]))

    def move_to(self, latent: FloatArray, coords: NDArray[np.floating[Any]]) -> FloatArray:
        """(D,) latent → the nearest latent whose (3,) coordinates equal `coords`."""
        current = self.project(latent[None])[0]  # (3,)
        n = self.directions.astype(np.float64)  # (3, D)
        step = np.linalg.solve(n @ n.T, np.asarray(coords, np.float64) - current) @ n  # (D,)
        out: FloatArray = (latent + step).astype(np.float32)
        return out

    def edit_expression(
        self, latent: FloatArray, expression: Expression, targets: FloatArray | None = None
    ) -> FloatArray:
        """`edit` with scores from an `Expression`'s ordinal levels."""
        return self.edit(latent, expression.as_scores(), targets)


def fit_normal(latents: FloatArray, values: NDArray[np.float32], tail: float, c: float) -> FloatArray:
    """Unit normal of a LinearSVC separating the top from the bottom `tail` of `values`.

    Points towards larger values. latents (N, D), values (N,).
    """
    from sklearn.svm import LinearSVC  # offline fitting only; serving never imports sklearn

    lo, hi = np.quantile(values, [tail, 1 - tail])
    pick = (values <= lo) | (values >= hi)
    x = latents[pick]
    y = (values[pick] >= hi).astype(np.int64)
    svm = LinearSVC(C=c, max_iter=20000, dual="auto").fit(x, y)
    n = np.asarray(svm.coef_[0], np.float64)
    out: FloatArray = (n / np.linalg.norm(n)).astype(np.float32)
    return out


def fit_ridge_normal(latents: FloatArray, values: NDArray[np.float32], alpha: float) -> FloatArray:
    """Unit weight vector of a ridge regression of standardised `values` on (N, D) latents."""
    y = (values - values.mean()) / values.std()
    x = latents.astype(np.float64)
    w = np.linalg.solve(x.T @ x + alpha * np.eye(x.shape[1]), x.T @ y)
    out: FloatArray = (w / np.linalg.norm(w)).astype(np.float32)
    return out


def fit_directions(
    latents: FloatArray, measured: NDArray[np.float32], config: FitConfig = FitConfig()
) -> ExpressionDirections:
    """(N, D) latents and (N, 3) measured (eyes, mouth, signed yaw) → directions + targets.

    Targets come from a per-property linear fit measured ≈ a + b·projection, inverted at the
    configured percentiles of the measured values (pose: 0 = frontal, 1 = high |yaw| towards the
    side the pose direction points to), clipped to ±max_abs_target std-devs of the projection.
    """
    if latents.ndim != 2 or measured.shape != (latents.shape[0], 3):
        raise ValueError(
            f"expected (N, D) latents and (N, 3) measured, got {latents.shape}, {measured.shape}"
        )
    ok = np.all(np.isfinite(measured), axis=1)
    latents, measured = latents[ok], measured[ok]
    origin = latents.mean(axis=0).astype(np.float32)
    centred = latents - origin
    if config.method == "ridge":
        normals = np.stack([fit_ridge_normal(centred, measured[:, k], config.ridge_alpha) for k in range(3)])
    elif config.method == "svm":
        normals = np.stack([fit_normal(centred, measured[:, k], config.tail, config.svm_c) for k in range(3)])
    else:
        raise ValueError(f"unknown fit method {config.method!r}")
    directions = normals.astype(np.float32)
    proj = centred @ directions.T  # (N, 3)
    targets = np.zeros((3, 2), np.float32)
    slopes = []
    for k in range(3):
        b, a = np.polyfit(proj[:, k], measured[:, k], 1)
        values = np.abs(measured[:, k]) if k == 2 else measured[:, k]
        lo_val = 0.0 if k == 2 else float(np.percentile(values, config.low_pct[k]))
        hi_val = float(np.percentile(values, config.high_pct[k]))
        spread = float(proj[:, k].std())
        t = (np.array([lo_val, hi_val]) - a) / b
        targets[k] = np.clip(t, -config.max_abs_target * spread, config.max_abs_target * spread)
        slopes.append((float(a), float(b)))
    corr = [float(np.corrcoef(proj[:, k], measured[:, k])[0, 1]) for k in range(3)]
    info = {
        "samples_used": int(ok.sum()),
        "samples_total": len(ok),
        "projection_corr": dict(zip(PROPERTIES, corr, strict=True)),
        "linear_fit": dict(zip(PROPERTIES, slopes, strict=True)),
        "fit_config": {k: v for k, v in config.__dict__.items()},
    }
    return ExpressionDirections(directions, origin, targets, info)


def save_directions(directions: ExpressionDirections, path: Path) -> None:
    tensors = {
        "directions": torch.from_numpy(directions.directions),
        "origin": torch.from_numpy(directions.origin),
        "targets": torch.from_numpy(directions.targets),
    }
    save_checkpoint(path, tensors, DIRECTIONS_KIND, directions.info)


def load_directions(path: Path) -> ExpressionDirections:
    tensors, info = load_checkpoint(path, DIRECTIONS_KIND)
    try:
        return ExpressionDirections(
            tensors["directions"].numpy(),
            tensors["origin"].numpy(),
            tensors["targets"].numpy(),
            info,
        )
    except KeyError as exc:
        raise ValueError(f"directions file {path} lacks tensor {exc}") from exc


@dataclass(frozen=True)
class Identity:
    latent: FloatArray  # (D,) her fixed latent
    targets: FloatArray | None  # (3, 2) her own calibrated targets, or None to use the global ones
    directions_fingerprint: str  # which directions `targets` were calibrated on
    info: dict[str, Any] = field(default_factory=dict)  # how she was chosen (JSON-able)

    def targets_for(self, directions: ExpressionDirections) -> FloatArray:
        """Her calibrated targets if made for these directions, else the directions' own."""
        if self.targets is not None and self.directions_fingerprint == directions.fingerprint():
            return self.targets
        return directions.targets


def save_identity(identity: Identity, path: Path) -> None:
    tensors = {"latent": torch.from_numpy(identity.latent)}
    if identity.targets is not None:
        tensors["targets"] = torch.from_numpy(identity.targets)
    info = dict(identity.info, directions_fingerprint=identity.directions_fingerprint)
    save_checkpoint(path, tensors, IDENTITY_KIND, info)


def load_identity(path: Path) -> Identity:
    tensors, info = load_checkpoint(path, IDENTITY_KIND)
    if "latent" not in tensors or tensors["latent"].ndim != 1:
        raise ValueError(f"identity file {path} has no 1-D `latent` tensor")
    targets = tensors["targets"].numpy() if "targets" in tensors else None
    return Identity(tensors["latent"].numpy(), targets, str(info.get("directions_fingerprint", "")), info)
