"""Indices into mediapipe's 468-point face mesh, and the face measurements built on them.

Plain numpy on landmark arrays, so it runs in the main venv on what `landmarks_tool` returns.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

# Closed outline of the face: forehead top (10) clockwise round the jaw (FACEMESH_FACE_OVAL).
# fmt: off
FACE_OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378,
             400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21,
             54, 103, 67, 109)
# fmt: on
BROWS = (70, 63, 105, 66, 107, 336, 296, 334, 293, 300)  # upper edge of both eyebrows
SKIN_PATCHES = (50, 280, 205, 425, 4, 151, 9)  # cheeks, nose, forehead: reliably bare skin
CHIN = 152
# Eyes: (upper lid, lower lid, outer corner, inner corner) for her right and left eye.
EYES = ((159, 145, 33, 133), (386, 374, 263, 362))
# Mouth: inner upper lip, inner lower lip, left corner, right corner.
MOUTH = (13, 14, 78, 308)
NOSE_TIP, CHEEK_RIGHT, CHEEK_LEFT = 1, 234, 454  # for head yaw


def _dist(points: NDArray[np.float32], a: int, b: int, dims: int) -> NDArray[np.float32]:
    d: NDArray[np.float32] = np.linalg.norm(points[:, a, :dims] - points[:, b, :dims], axis=-1)
    return d


def measure_expression(landmarks: NDArray[np.float32], use_depth: bool = True) -> NDArray[np.float32]:
    """(N, 468, 3) landmarks → (N, 3) measured (eyes, mouth, yaw); NaN rows where no face.

    eyes: lid gap / eye width, mean of both eyes; mouth: inner-lip gap / mouth width; both from
    3-D landmark distances when `use_depth`, which keeps them steady while the head turns;
    yaw: (d_right − d_left) / (d_right + d_left) of the nose tip's horizontal distances to the
    two cheek points, in [−1, 1], 0 when frontal, positive when she turns towards image left.
    """
    if landmarks.ndim != 3 or landmarks.shape[1:] != (468, 3):
        raise ValueError(f"expected (N, 468, 3) landmarks, got {landmarks.shape}")
    k = 3 if use_depth else 2
    eyes = np.mean([_dist(landmarks, u, lo, k) / _dist(landmarks, o, i, k) for u, lo, o, i in EYES], axis=0)
    u, lo, left, right = MOUTH
    mouth = _dist(landmarks, u, lo, k) / _dist(landmarks, left, right, k)
    nose_x = landmarks[:, NOSE_TIP, 0]
    d_right = np.abs(nose_x - landmarks[:, CHEEK_RIGHT, 0])
    d_left = np.abs(landmarks[:, CHEEK_LEFT, 0] - nose_x)
    yaw = (d_right - d_left) / (d_right + d_left)
    return np.stack([eyes, mouth, yaw], axis=1).astype(np.float32)
