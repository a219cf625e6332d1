from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from face_fixtures import TINY

from ml.face.stylegan2 import (
    StyleGAN2,
    StyleGAN2Config,
    StyleGAN2FaceGenerator,
    load_stylegan2,
    save_stylegan2,
    upfirdn2d,
)


def test_forward_shapes() -> None:
    torch.manual_seed(0)
    model = StyleGAN2(TINY).eval()
    z = torch.randn(2, TINY.style_dim)
    w = model.mapping(z)
    assert w.shape == (2, TINY.style_dim)
    img = model.synthesis(w)
    assert img.shape == (2, 3, TINY.size, TINY.size) and torch.isfinite(img).all()
    with pytest.raises(ValueError):
        model.synthesis(torch.randn(2, TINY.style_dim + 1))


def test_layer_layout_follows_rosinality_names() -> None:
    keys = StyleGAN2(StyleGAN2Config(size=16, style_dim=8, n_mlp=2, channel_max=8)).state_dict()
    for key in (
        "style.1.weight",
        "input.input",
        "conv1.conv.modulation.weight",
        "to_rgb1.bias",
        "convs.0.conv.blur.kernel",
        "to_rgbs.1.upsample.kernel",
        "noises.noise_4",
    ):
        assert key in keys
    assert tuple(keys["conv1.conv.weight"].shape) == (1, 8, 8, 3, 3)


def test_upfirdn2d_doubles_resolution_and_keeps_a_constant() -> None:
    x = torch.ones(1, 2, 5, 5)
    k = torch.tensor([[1.0, 3, 3, 1]]).T @ torch.tensor([[1.0, 3, 3, 1]])
    out = upfirdn2d(x, k / k.sum() * 4, up=2, pad=(2, 1))
    assert out.shape == (1, 2, 10, 10)
    assert torch.allclose(out[..., 2:-2, 2:-2], torch.ones(1, 2, 6, 6))


def test_checkpoint_round_trip(tmp_path: Path) -> None:
    torch.manual_seed(0)
    model = StyleGAN2(TINY).eval()
    save_stylegan2(model, tmp_path / "g.safetensors")
    back = load_stylegan2(tmp_path / "g.safetensors")
    assert back.config == TINY
    z = torch.randn(1, TINY.style_dim)
    with torch.inference_mode():
        assert torch.equal(model(z), back(z))


def test_missing_checkpoint_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"nope\.safetensors"):
        load_stylegan2(tmp_path / "nope.safetensors")


def test_malformed_checkpoint_names_the_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"definitely not safetensors")
    with pytest.raises(ValueError, match=r"bad\.safetensors"):
        load_stylegan2(bad)


def test_checkpoint_that_disagrees_with_its_config_is_rejected(tmp_path: Path) -> None:
    model = StyleGAN2(TINY)
    state = model.state_dict()
    state.pop("to_rgb1.bias")
    from ml.face.checkpoints import save_checkpoint

    save_checkpoint(tmp_path / "g.safetensors", state, "stylegan2", TINY.__dict__)
    with pytest.raises(ValueError, match=r"g\.safetensors"):
        load_stylegan2(tmp_path / "g.safetensors")


def test_face_generator_renders_256_uint8_and_samples_reproducibly() -> None:
    torch.manual_seed(0)
    gen = StyleGAN2FaceGenerator(StyleGAN2(TINY), mean_samples=64)
    w = gen.sample_latents(3, seed=5)
    assert w.shape == (3, TINY.style_dim) and np.array_equal(w, gen.sample_latents(3, seed=5))
    images = gen.render_batch(w)
    assert images.shape == (3, 256, 256, 3) and images.dtype == np.uint8
    # batched and single forward passes may round one level apart, never more
    assert np.abs(gen.render(w[1]).astype(int) - images[1]).max() <= 1
