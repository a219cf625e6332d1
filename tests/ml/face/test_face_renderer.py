from __future__ import annotations

import dataclasses
import io
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ml.expression import Expression
from ml.face.renderer import FaceConfig, FaceRenderer
from ml.face.style import HairStyle


def test_render_png_is_a_valid_256_png(tiny_face: FaceConfig) -> None:
    png = FaceRenderer.load(tiny_face).render_png(Expression(), HairStyle())
    image = Image.open(io.BytesIO(png))
    image.verify()
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (256, 256) and image.mode == "RGB"


def test_render_is_deterministic_and_follows_the_expression(tiny_face: FaceConfig) -> None:
    renderer = FaceRenderer.load(tiny_face)
    a = renderer.render(Expression(), HairStyle())
    assert a.shape == (256, 256, 3) and a.dtype == np.uint8
    assert np.array_equal(a, renderer.render(Expression(), HairStyle()))
    assert not np.array_equal(a, renderer.render(Expression("아주 크게", "아주 크게", "많이"), HairStyle()))


def test_render_from_a_worker_thread_matches(tiny_face: FaceConfig) -> None:
    renderer = FaceRenderer.load(tiny_face)
    expected = renderer.render(Expression("크게"), HairStyle(hue=0.3))
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gpu") as pool:
        got = pool.submit(renderer.render, Expression("크게"), HairStyle(hue=0.3)).result()
    assert np.array_equal(expected, got)


@pytest.mark.parametrize("field", ["checkpoint", "identity", "directions", "segmenter"])
def test_missing_file_raises_file_not_found_naming_it(
    tiny_face: FaceConfig, tmp_path: Path, field: str
) -> None:
    missing = tmp_path / f"missing-{field}.safetensors"
    with pytest.raises(FileNotFoundError, match=f"missing-{field}"):
        FaceRenderer.load(dataclasses.replace(tiny_face, **{field: missing}))  # type: ignore[arg-type]


def test_malformed_checkpoint_raises_value_error_naming_it(tiny_face: FaceConfig, tmp_path: Path) -> None:
    bad = tmp_path / "broken.safetensors"
    bad.write_bytes(b"\x00" * 64)
    with pytest.raises(ValueError, match=r"broken\.safetensors"):
        FaceRenderer.load(dataclasses.replace(tiny_face, checkpoint=bad))


def test_identity_for_another_generator_is_rejected(tiny_face: FaceConfig) -> None:
    dcgan_sized = Path(__file__).parents[3] / "ml/face/assets/dcgan_identity.safetensors"
    if not dcgan_sized.is_file():
        pytest.skip("committed identity not present")
    with pytest.raises(ValueError, match="latent sizes disagree"):
        FaceRenderer.load(dataclasses.replace(tiny_face, identity=dcgan_sized))


def test_face_config_validates_generator_and_checkpoint() -> None:
    with pytest.raises(ValueError):
        FaceConfig(generator="biggan")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="checkpoint"):
        FaceConfig(generator="stylegan2")


def test_serving_path_never_imports_mediapipe_or_sklearn() -> None:
    code = (
        "import sys, ml.face.renderer, ml.face.cli; "
        "bad = [m for m in ('mediapipe', 'sklearn', 'discord') if m in sys.modules]; "
        "assert not bad, bad"
    )
    root = Path(__file__).parents[3]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)


def test_render_runs_single_threaded_and_restores_the_callers_setting(
    tiny_face: FaceConfig,
) -> None:
    import torch

    from ml.face.renderer import intra_op_threads

    before = torch.get_num_threads()
    seen: list[int] = []
    with intra_op_threads(1):
        seen.append(torch.get_num_threads())
    FaceRenderer.load(tiny_face).render(Expression(), HairStyle())
    assert seen == [1] and torch.get_num_threads() == before
    with pytest.raises(ValueError, match="torch_threads"):
        dataclasses.replace(tiny_face, torch_threads=0)
