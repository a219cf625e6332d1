from __future__ import annotations

import math

import numpy as np
import pytest

from ml.face.ombre import MASK_LO, apply_ombre, hue_rgb
from ml.face.style import HairStyle


def striped_face() -> tuple[np.ndarray, np.ndarray]:
    """A textured 64×64 image whose left half is 'hair' (prob 1) and right half not (prob 0)."""
    rng = np.random.default_rng(0)
    image = rng.integers(20, 200, (64, 64, 3), dtype=np.uint8)
    prob = np.zeros((64, 64), np.float32)
    prob[:, :32] = 1.0
    return image, prob


def test_default_hair_style_is_valid() -> None:
    s = HairStyle()
    assert 0 <= s.hue < 1 and 0 <= s.ombre_height <= 1 and 0 < s.ombre_length <= 1


@pytest.mark.parametrize("field", ["hue", "ombre_height", "ombre_length"])
@pytest.mark.parametrize("bad", [-0.01, 1.01, math.nan, math.inf, True, "0.5"])
def test_hair_style_rejects_out_of_range_or_non_numbers(field: str, bad: object) -> None:
    with pytest.raises(ValueError, match=field):
        HairStyle(**{field: bad})  # type: ignore[arg-type]


def test_ombre_changes_only_hair_pixels() -> None:
    image, prob = striped_face()
    prob[:, 32:] = MASK_LO - 0.01  # just below the hair threshold: must stay untouched
    out = apply_ombre(image, prob, HairStyle(hue=0.6, ombre_height=0.0, ombre_length=0.2))
    assert np.array_equal(out[:, 32:], image[:, 32:])
    assert np.abs(out[:, :32].astype(int) - image[:, :32]).mean() > 10


def test_ombre_without_hair_returns_the_image_unchanged() -> None:
    image, _ = striped_face()
    out = apply_ombre(image, np.zeros((64, 64), np.float32), HairStyle())
    assert np.array_equal(out, image) and out is not image


def test_hue_one_equals_hue_zero() -> None:
    image, prob = striped_face()
    a = apply_ombre(image, prob, HairStyle(hue=0.0))
    b = apply_ombre(image, prob, HairStyle(hue=1.0))
    assert np.array_equal(a, b)
    assert np.allclose(hue_rgb(1.0), [1, 0, 0]) and np.allclose(hue_rgb(0.999), hue_rgb(-0.001))


def test_dye_follows_the_hue() -> None:
    image, prob = striped_face()
    style = dict(ombre_height=0.0, ombre_length=0.0)
    red = apply_ombre(image, prob, HairStyle(hue=0.0, **style))[:, :32].reshape(-1, 3).mean(0)
    blue = apply_ombre(image, prob, HairStyle(hue=2 / 3, **style))[:, :32].reshape(-1, 3).mean(0)
    assert red[0] > red[2] + 30 and blue[2] > blue[0] + 30


def test_ombre_starts_at_the_configured_height_of_the_hair() -> None:
    image, prob = striped_face()
    prob[:16] = 0.0  # hair spans rows 16..63 (48 rows)
    out = apply_ombre(image, prob, HairStyle(hue=0.3, ombre_height=0.5, ombre_length=0.25))
    diff = np.abs(out.astype(int) - image).sum(axis=(1, 2))
    assert np.all(diff[: 16 + 24] == 0)  # above the start: natural
    assert np.all(diff[16 + 24 + 12 :] > 0)  # past the fade: dyed
    assert diff[-1] > diff[16 + 24 + 3]  # grows down the fade


def test_ombre_rejects_mismatched_shapes() -> None:
    image, prob = striped_face()
    with pytest.raises(ValueError):
        apply_ombre(image, prob[:10], HairStyle())
