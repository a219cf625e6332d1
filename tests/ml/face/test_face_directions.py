from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from face_fixtures import random_directions

from ml.expression import EYES_LEVELS, MOUTH_LEVELS, POSE_LEVELS, Expression
from ml.face.directions import (
    FitConfig,
    Identity,
    fit_directions,
    load_directions,
    load_identity,
    save_directions,
    save_identity,
)

DIM = 24


def test_edit_coordinate_is_monotone_in_each_level() -> None:
    d = random_directions(DIM)
    z = np.random.default_rng(3).standard_normal(DIM).astype(np.float32)
    eyes = [d.project(d.edit_expression(z, Expression(eyes=e))[None])[0, 0] for e in EYES_LEVELS]
    mouth = [d.project(d.edit_expression(z, Expression(mouth=m))[None])[0, 1] for m in MOUTH_LEVELS]
    pose = [d.project(d.edit_expression(z, Expression(pose=p))[None])[0, 2] for p in POSE_LEVELS]
    for seq in (eyes, mouth, pose):
        assert np.all(np.diff(seq) > 0.1), seq


def test_pose_coordinate_comes_from_the_pose_field_only() -> None:
    d = random_directions(DIM)
    z = np.random.default_rng(4).standard_normal(DIM).astype(np.float32)
    poses = {
        d.project(d.edit_expression(z, Expression(e, m, "보통"))[None])[0, 2]
        for e in EYES_LEVELS
        for m in MOUTH_LEVELS
    }
    assert max(poses) - min(poses) < 1e-4
    eyes = {
        round(float(d.project(d.edit_expression(z, Expression("크게", "보통", p))[None])[0, 0]), 4)
        for p in POSE_LEVELS
    }
    assert len(eyes) == 1


def test_edit_rejects_scores_outside_unit_interval() -> None:
    d = random_directions(DIM)
    with pytest.raises(ValueError):
        d.edit(np.zeros(DIM, np.float32), (0.5, 1.5, 0.0))


def linear_world(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Latents and a 'measurement' that is a noisy linear function of them (plus a hidden truth)."""
    rng = np.random.default_rng(seed)
    truth = rng.standard_normal((3, DIM))
    truth[1] += 0.6 * truth[0]  # correlated properties, as mouth and eyes are in faces
    latents = rng.standard_normal((n, DIM)).astype(np.float32)
    measured = latents @ truth.T + 0.3 * rng.standard_normal((n, 3))
    return latents, measured.astype(np.float32), truth


@pytest.mark.parametrize("method", ["svm", "ridge"])
def test_fitted_directions_move_the_measured_property_as_commanded(method: str) -> None:
    latents, measured, truth = linear_world(1500, 0)
    d = fit_directions(latents, measured, FitConfig(method=method))
    z = latents[0]
    grid = np.array([(e, m, p) for e in (0, 0.5, 1) for m in (0, 0.5, 1) for p in (0, 0.5, 1)])
    edited = np.stack([d.edit(z, tuple(s)) for s in grid])
    result = edited @ truth.T  # noise-free measurement of the edited latents
    for k in range(3):
        assert np.corrcoef(grid[:, k], result[:, k])[0, 1] > 0.95
        others = [j for j in range(3) if j != k]
        for j in others:  # commanding k leaves the others (nearly) still
            assert abs(np.corrcoef(grid[:, j], result[:, k])[0, 1]) < 0.2


def test_directions_and_identity_round_trip(tmp_path: Path) -> None:
    d = random_directions(DIM)
    save_directions(d, tmp_path / "d.safetensors")
    back = load_directions(tmp_path / "d.safetensors")
    assert np.array_equal(back.directions, d.directions) and back.info == d.info
    ident = Identity(np.ones(DIM, np.float32), d.targets + 1, d.fingerprint(), {"seed": 7})
    save_identity(ident, tmp_path / "i.safetensors")
    got = load_identity(tmp_path / "i.safetensors")
    assert np.array_equal(got.targets_for(back), d.targets + 1)  # calibrated on these directions
    other = random_directions(DIM, seed=9)
    assert np.array_equal(got.targets_for(other), other.targets)  # stale calibration is ignored


def test_loading_a_directions_file_as_identity_names_the_path(tmp_path: Path) -> None:
    save_directions(random_directions(DIM), tmp_path / "d.safetensors")
    with pytest.raises(ValueError, match=r"d\.safetensors"):
        load_identity(tmp_path / "d.safetensors")
