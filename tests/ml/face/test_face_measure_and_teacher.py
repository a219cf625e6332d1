from __future__ import annotations

import numpy as np

from ml.face.face_mesh_points import (
    CHEEK_LEFT,
    CHEEK_RIGHT,
    EYES,
    MOUTH,
    NOSE_TIP,
    measure_expression,
)
from ml.face.teacher import compose_hair, face_gate


def synthetic_landmarks(eye_gap: float, mouth_gap: float, nose_x: float) -> np.ndarray:
    """A 468-point 'face' with only the points the measurements read placed meaningfully."""
    lm = np.full((468, 3), 0.5, np.float32)
    lm[:, 2] = 0.0
    for (up, low, outer, inner), cx in zip(EYES, (0.35, 0.65), strict=True):
        lm[outer, :2], lm[inner, :2] = (cx - 0.06, 0.4), (cx + 0.06, 0.4)
        lm[up, :2], lm[low, :2] = (cx, 0.4 - eye_gap / 2), (cx, 0.4 + eye_gap / 2)
    up, low, left, right = MOUTH
    lm[left, :2], lm[right, :2] = (0.4, 0.75), (0.6, 0.75)
    lm[up, :2], lm[low, :2] = (0.5, 0.75 - mouth_gap / 2), (0.5, 0.75 + mouth_gap / 2)
    lm[CHEEK_RIGHT, :2], lm[CHEEK_LEFT, :2] = (0.2, 0.55), (0.8, 0.55)
    lm[NOSE_TIP, :2] = (nose_x, 0.55)
    return lm


def test_measurements_grow_with_openness_and_yaw_sign() -> None:
    lms = np.stack([synthetic_landmarks(0.01, 0.0, 0.5), synthetic_landmarks(0.04, 0.08, 0.35)])
    m = measure_expression(lms)
    assert m[1, 0] > m[0, 0] and m[1, 1] > m[0, 1]
    assert abs(m[0, 2]) < 1e-6 and m[1, 2] < 0  # nose nearer the image-left cheek


def test_missing_face_gives_nan_row() -> None:
    lms = np.full((1, 468, 3), np.nan, np.float32)
    assert np.isnan(measure_expression(lms)).all()


def test_teacher_keeps_only_person_pixels_off_the_lower_face() -> None:
    lm = synthetic_landmarks(0.03, 0.02, 0.5)
    # face outline: a box from forehead (y 0.25) to chin (y 0.9)
    from ml.face.face_mesh_points import BROWS, CHIN, FACE_OVAL

    ring = np.linspace(0, 2 * np.pi, len(FACE_OVAL), endpoint=False)
    lm[list(FACE_OVAL), 0] = 0.5 + 0.3 * np.sin(ring)
    lm[list(FACE_OVAL), 1] = 0.575 - 0.325 * np.cos(ring)
    lm[list(BROWS), 1] = 0.35
    lm[CHIN, :2] = (0.5, 0.9)
    image = np.full((64, 64, 3), 40, np.uint8)  # dark 'hair' everywhere …
    image[20:58, 16:48] = (200, 150, 120)  # … and a skin-coloured face
    person = np.ones((64, 64), np.float32)
    person[:, :4] = 0  # background strip
    hair = compose_hair(image, lm, person)
    assert hair[:, :2].max() < 0.05  # not a person → not hair
    assert hair[40, 32] < 0.05  # cheek → not hair
    assert hair[8, 32] > 0.8 and hair[40, 8] > 0.8  # above the head and beside it → hair
    gate = face_gate((64, 64), lm)
    assert gate[40, 32] == 0 and gate[5, 32] == 1
