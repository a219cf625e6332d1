"""A compact StyleGAN2 generator (mapping + synthesis) for operators who bring their own weights.

Parameter and buffer names follow the widely used rosinality/stylegan2-pytorch layout
(`style.*`, `input.input`, `conv1.*`, `to_rgb1.*`, `convs.*`, `to_rgbs.*`, `noises.noise_*`), so a
`g_ema` state dict from that code base converts into our safetensors format by a key-for-key copy
(`convert_rosinality`). Upsampling is the transposed conv + [1, 3, 3, 1] FIR blur of the paper,
written in plain torch (no custom CUDA ops). Checkpoints carry their config in the header.
"""

from __future__ import annotations

import argparse
import math
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ml.face.checkpoints import load_checkpoint, load_state_strict, save_checkpoint
from ml.face.dcgan import to_uint8_images
from ml.face.generator import RENDER_SIZE, FloatArray, ImageArray, check_latents

CHECKPOINT_KIND = "stylegan2"
BLUR = (1.0, 3.0, 3.0, 1.0)
SQRT2 = math.sqrt(2.0)


@dataclass(frozen=True)
class StyleGAN2Config:
    size: int = 256  # output resolution, a power of two ≥ 8
    style_dim: int = 512  # z and w dimensionality
    n_mlp: int = 8  # mapping-network depth
    channel_multiplier: int = 2  # widens the layers above 32 px (rosinality's convention)
    channel_max: int = 512  # cap on every layer's width (shrink it for tiny test models)
    lr_mlp: float = 0.01  # equalised-lr multiplier of the mapping network

    def channels(self, res: int) -> int:
        """Feature maps at resolution `res`."""
        wide = {64: 256, 128: 128, 256: 64, 512: 32, 1024: 16}
        c = wide[res] * self.channel_multiplier if res in wide else 512
        return min(c, self.channel_max)

    @property
    def log_size(self) -> int:
        log = int(math.log2(self.size))
        if 2**log != self.size or log < 3:
            raise ValueError(f"size must be a power of two ≥ 8, got {self.size}")
        return log

    @property
    def num_layers(self) -> int:
        """Styled convolutions (each with one noise input)."""
        return (self.log_size - 2) * 2 + 1

    @property
    def n_latent(self) -> int:
        """Per-layer w slots consumed by the synthesis network."""
        return self.log_size * 2 - 2


def make_kernel(taps: tuple[float, ...]) -> torch.Tensor:
    k = torch.tensor(taps, dtype=torch.float32)
    k2 = k[None, :] * k[:, None]
    return k2 / k2.sum()


def upfirdn2d(
    x: torch.Tensor, kernel: torch.Tensor, up: int = 1, pad: tuple[int, int] = (0, 0)
) -> torch.Tensor:
    """Zero-insert upsample by `up`, pad, then FIR filter with `kernel`. x (B, C, H, W)."""
    b, c, h, w = x.shape
    if up > 1:
        x = x.reshape(b, c, h, 1, w, 1)
        x = F.pad(x, [0, up - 1, 0, 0, 0, up - 1]).reshape(b, c, h * up, w * up)
    x = F.pad(x, [pad[0], pad[1], pad[0], pad[1]])
    weight = kernel.flip(0, 1)[None, None].expand(c, 1, *kernel.shape).to(x.dtype)
    return F.conv2d(x, weight, groups=c)


def fused_lrelu(x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return F.leaky_relu(x + bias.view(shape), 0.2) * SQRT2


class PixelNorm(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.pow(2).mean(dim=1, keepdim=True) + 1e-8)


class EqualLinear(nn.Module):
    """Linear layer with equalised learning rate; optional fused leaky ReLU."""

    def __init__(
        self,
        in_dim: int,
        out_dim: int,
        bias_init: float = 0.0,
        lr_mul: float = 1.0,
        activate: bool = False,
    ) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_dim, in_dim) / lr_mul)
        self.bias = nn.Parameter(torch.full((out_dim,), bias_init))
        self.scale, self.lr_mul, self.activate = lr_mul / math.sqrt(in_dim), lr_mul, activate

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.linear(x, self.weight * self.scale)
        bias = self.bias * self.lr_mul
        return fused_lrelu(out, bias) if self.activate else out + bias


class Blur(nn.Module):
    def __init__(self, pad: tuple[int, int], gain: float = 1.0) -> None:
        super().__init__()
        self.kernel: torch.Tensor
        self.register_buffer("kernel", make_kernel(BLUR) * gain)
        self.pad = pad

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return upfirdn2d(x, self.kernel, pad=self.pad)


class Upsample(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.kernel: torch.Tensor
        self.register_buffer("kernel", make_kernel(BLUR) * 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return upfirdn2d(x, self.kernel, up=2, pad=(2, 1))


class ModulatedConv2d(nn.Module):
    """Style-modulated (and optionally demodulated / 2× upsampling) convolution."""

    def __init__(
        self,
        in_ch: int,
        out_ch: int,
        kernel: int,
        style_dim: int,
        demodulate: bool = True,
        upsample: bool = False,
    ) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(1, out_ch, in_ch, kernel, kernel))
        self.modulation = EqualLinear(style_dim, in_ch, bias_init=1.0)
        self.scale = 1 / math.sqrt(in_ch * kernel**2)
        self.demodulate, self.upsample, self.kernel = demodulate, upsample, kernel
        if upsample:
            self.blur = Blur(pad=(1, 1), gain=4.0)

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        """x (B, in, H, W), w (B, style_dim) → (B, out, H', W'), H' = 2H when upsampling."""
        b, in_ch, h, wd = x.shape
        out_ch, k = self.weight.shape[1], self.kernel
        style = self.modulation(w).view(b, 1, in_ch, 1, 1)
        weight = self.scale * self.weight * style  # (B, out, in, k, k)
        if self.demodulate:
            weight = weight * torch.rsqrt(weight.pow(2).sum([2, 3, 4]) + 1e-8).view(b, out_ch, 1, 1, 1)
        x = x.reshape(1, b * in_ch, h, wd)
        if self.upsample:
            weight = weight.transpose(1, 2).reshape(b * in_ch, out_ch, k, k)
            out = F.conv_transpose2d(x, weight, stride=2, groups=b)
            out = self.blur(out.view(b, out_ch, *out.shape[-2:]))
        else:
            out = F.conv2d(x, weight.reshape(b * out_ch, in_ch, k, k), padding=k // 2, groups=b)
            out = out.view(b, out_ch, *out.shape[-2:])
        return out


class NoiseInjection(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1))

    def forward(self, x: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        return x + self.weight * noise


class FusedLeakyReLU(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return fused_lrelu(x, self.bias)


class StyledConv(nn.Module):
    def __init__(self, in_ch: int, out_ch: int, style_dim: int, upsample: bool = False) -> None:
        super().__init__()
        self.conv = ModulatedConv2d(in_ch, out_ch, 3, style_dim, upsample=upsample)
        self.noise = NoiseInjection()
        self.activate = FusedLeakyReLU(out_ch)

    def forward(self, x: torch.Tensor, w: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.activate(self.noise(self.conv(x, w), noise))
        return out


class ToRGB(nn.Module):
    def __init__(self, in_ch: int, style_dim: int, upsample: bool = True) -> None:
        super().__init__()
        if upsample:
            self.upsample = Upsample()
        self.conv = ModulatedConv2d(in_ch, 3, 1, style_dim, demodulate=False)
        self.bias = nn.Parameter(torch.zeros(1, 3, 1, 1))

    def forward(self, x: torch.Tensor, w: torch.Tensor, skip: torch.Tensor | None) -> torch.Tensor:
        out: torch.Tensor = self.conv(x, w) + self.bias
        return out if skip is None else out + self.upsample(skip)


class ConstantInput(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.input = nn.Parameter(torch.randn(1, channels, 4, 4))


class StyleGAN2(nn.Module):
    """Mapping (z → w) and synthesis (w → image in [-1, 1]) of StyleGAN2 (config-e generator)."""

    def __init__(self, config: StyleGAN2Config) -> None:
        super().__init__()
        self.config = c = config
        self.style = nn.Sequential(
            PixelNorm(),
            *[EqualLinear(c.style_dim, c.style_dim, lr_mul=c.lr_mlp, activate=True) for _ in range(c.n_mlp)],
        )
        self.input = ConstantInput(c.channels(4))
        self.conv1 = StyledConv(c.channels(4), c.channels(4), c.style_dim)
        self.to_rgb1 = ToRGB(c.channels(4), c.style_dim, upsample=False)
        self.convs = nn.ModuleList()
        self.to_rgbs = nn.ModuleList()
        self.noises = nn.Module()
        for i in range(c.num_layers):
            res = 2 ** ((i + 5) // 2)
            self.noises.register_buffer(f"noise_{i}", torch.randn(1, 1, res, res))
        in_ch = c.channels(4)
        for log_res in range(3, c.log_size + 1):
            out_ch = c.channels(2**log_res)
            self.convs.append(StyledConv(in_ch, out_ch, c.style_dim, upsample=True))
            self.convs.append(StyledConv(out_ch, out_ch, c.style_dim))
            self.to_rgbs.append(ToRGB(out_ch, c.style_dim))
            in_ch = out_ch

    def mapping(self, z: torch.Tensor) -> torch.Tensor:
        """(B, style_dim) z → (B, style_dim) w."""
        if z.ndim != 2 or z.shape[1] != self.config.style_dim:
            raise ValueError(f"expected z of shape (B, {self.config.style_dim}), got {tuple(z.shape)}")
        w: torch.Tensor = self.style(z)
        return w

    def synthesis(self, w: torch.Tensor) -> torch.Tensor:
        """(B, style_dim) w (the same w at every layer) → (B, 3, size, size) in about [-1, 1]."""
        c = self.config
        if w.ndim != 2 or w.shape[1] != c.style_dim:
            raise ValueError(f"expected w of shape (B, {c.style_dim}), got {tuple(w.shape)}")
        noise = [getattr(self.noises, f"noise_{i}") for i in range(c.num_layers)]
        x = self.input.input.expand(w.shape[0], -1, -1, -1)
        x = self.conv1(x, w, noise[0])
        skip = self.to_rgb1(x, w, None)
        for j, to_rgb in enumerate(self.to_rgbs):
            x = self.convs[2 * j](x, w, noise[2 * j + 1])
            x = self.convs[2 * j + 1](x, w, noise[2 * j + 2])
            skip = to_rgb(x, w, skip)
        assert isinstance(skip, torch.Tensor)
        assert skip.shape[1:] == (3, c.size, c.size), skip.shape
        return skip

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.synthesis(self.mapping(z))


def save_stylegan2(model: StyleGAN2, path: Path) -> None:
    """Write `model` as safetensors with its config in the header."""
    save_checkpoint(path, model.state_dict(), CHECKPOINT_KIND, asdict(model.config))


def load_stylegan2(path: Path) -> StyleGAN2:
    """Read a checkpoint written by `save_stylegan2` (eval mode); errors name `path`."""
    state, raw = load_checkpoint(path, CHECKPOINT_KIND)
    try:
        config = StyleGAN2Config(**raw)
        model = StyleGAN2(config)
    except (TypeError, ValueError, KeyError) as exc:
        raise ValueError(f"StyleGAN2 checkpoint {path} has an invalid config {raw}: {exc}") from exc
    load_state_strict(model, state, path)
    return model.eval()


def convert_rosinality(src: Path, dst: Path, config: StyleGAN2Config) -> None:
    """Convert a rosinality `.pt` checkpoint's `g_ema` into our safetensors format.

    Loaded with `weights_only=True` (argparse.Namespace allowed for its `args` entry); the copy
    is checked by a strict `load_state_dict` into a model built from `config`.
    """
    with torch.serialization.safe_globals([argparse.Namespace]):
        blob = torch.load(src, map_location="cpu", weights_only=True)
    state = blob["g_ema"] if isinstance(blob, dict) and "g_ema" in blob else blob
    model = StyleGAN2(config)
    load_state_strict(model, state, src)
    save_stylegan2(model, dst)


class StyleGAN2FaceGenerator:
    """`FaceGenerator` over StyleGAN2 in w space, with truncation towards the mean w."""

    def __init__(
        self,
        model: StyleGAN2,
        device: str = "cpu",
        truncation: float = 0.7,
        batch_size: int = 16,
        mean_samples: int = 4096,
    ) -> None:
        self._model = model.to(device).eval()
        self._device = torch.device(device)
        self._truncation, self._batch_size = truncation, batch_size
        self._lock = threading.Lock()
        with torch.inference_mode():
            gen = torch.Generator().manual_seed(0)
            z = torch.randn(mean_samples, model.config.style_dim, generator=gen).to(device)
            self._w_avg = model.mapping(z).mean(0).cpu().numpy().astype(np.float32)

    @property
    def latent_dim(self) -> int:
        return self._model.config.style_dim

    def sample_latents(self, n: int, seed: int) -> FloatArray:
        gen = torch.Generator().manual_seed(seed)
        z = torch.randn(n, self.latent_dim, generator=gen)
        with self._lock, torch.inference_mode():
            w = self._model.mapping(z.to(self._device)).cpu().numpy()
        out: FloatArray = (self._w_avg + self._truncation * (w - self._w_avg)).astype(np.float32)
        return out

    def render_batch(self, latents: FloatArray) -> ImageArray:
        w = check_latents(latents, self.latent_dim)
        chunks = []
        with self._lock, torch.inference_mode():
            for start in range(0, len(w), self._batch_size):
                batch = torch.from_numpy(w[start : start + self._batch_size]).to(self._device)
                images = self._model.synthesis(batch)
                if images.shape[-1] > RENDER_SIZE:
                    images = F.interpolate(images, size=(RENDER_SIZE, RENDER_SIZE), mode="area")
                chunks.append(to_uint8_images(images))
        if not chunks:
            return np.zeros((0, RENDER_SIZE, RENDER_SIZE, 3), np.uint8)
        return np.concatenate(chunks)

    def render(self, latent: FloatArray) -> ImageArray:
        image: ImageArray = self.render_batch(np.asarray(latent, np.float32)[None])[0]
        return image
