"""`ohlora train segmenter`: distil the mediapipe hair teacher into the small torch student.

Data: renders of random identities plus her own under random expressions, labelled by the
teacher (soft probabilities) in the tools venv and cached under var/face/. Faces the teacher
cannot find are dropped. Her held-out renders (another seed) measure student vs teacher.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from numpy.typing import NDArray
from tqdm import tqdm

from ml.face.directions import ExpressionDirections, Identity
from ml.face.generator import FaceGenerator, ImageArray
from ml.face.segmenter import (
    HairMasker,
    HairSegmenter,
    SegmenterConfig,
    images_to_input,
    save_segmenter,
)
from ml.face.teacher import teacher_hair_masks

CACHE_SIZE = 128  # side of the cached training renders and labels (resized to the model's input)


@dataclass(frozen=True)
class TrainSegmenterConfig:
    random_images: int = 2000  # renders of random identities (variety)
    her_images: int = 1000  # renders of her under random expressions (the serving distribution)
    heldout_images: int = 150  # her renders, another seed, for student-vs-teacher evaluation
    seed: int = 0  # sampling, initialisation and shuffling seed
    epochs: int = 8  # passes over the training set
    batch_size: int = 32  # images per optimisation step
    lr: float = 3e-3  # AdamW peak learning rate (cosine decay)
    model: SegmenterConfig = field(default_factory=SegmenterConfig)  # student architecture
    out: Path = Path("ml/face/assets/hair_segmenter.safetensors")  # where the student goes
    cache: Path = Path("var/face/segmenter_data.npz")  # teacher-labelled renders, reused


def her_latents(
    generator: FaceGenerator,
    directions: ExpressionDirections,
    identity: Identity,
    n: int,
    seed: int,
) -> NDArray[np.float32]:
    """(n, D) her latent under uniformly random (eyes, mouth, pose) scores."""
    rng = np.random.default_rng(seed)
    targets = identity.targets_for(directions)
    scores = rng.uniform(0, 1, (n, 3))
    return np.stack(
        [directions.edit(identity.latent, (float(a), float(b), float(c)), targets) for a, b, c in scores]
    )


def label_with_teacher(
    images: ImageArray, desc: str
) -> tuple[ImageArray, NDArray[np.float32], NDArray[np.float64]]:
    """Teacher-label (N, 256, 256, 3) renders; keep found faces → (images, masks, ms per image)."""
    masks, found, ms = teacher_hair_masks(images, desc=desc)
    return images[found], masks[found], ms[found]


def build_dataset(
    generator: FaceGenerator,
    directions: ExpressionDirections,
    identity: Identity,
    config: TrainSegmenterConfig,
) -> dict[str, NDArray[np.generic]]:
    """Render + teacher-label the training and held-out sets (cached in var/face/)."""
    her = hashlib.sha256(identity.latent.tobytes()).hexdigest()[:12]
    counts = f"{config.random_images}-{config.her_images}-{config.heldout_images}-{config.seed}"
    key = np.array(f"{counts}-{her}-{directions.fingerprint()}")  # what the cache was built from
    if config.cache.is_file():
        data = dict(np.load(config.cache))
        if "key" in data and np.array_equal(data["key"], key):
            print(f"reusing teacher-labelled renders from {config.cache}")
            return data
    size = CACHE_SIZE
    latents = np.concatenate(
        [
            generator.sample_latents(config.random_images, config.seed),
            her_latents(generator, directions, identity, config.her_images, config.seed),
        ]
    )
    images, masks, _ = label_with_teacher(generator.render_batch(latents), "teacher (train)")
    small = images_to_input(images, size)  # (N, 3, S, S)
    labels = F.interpolate(torch.from_numpy(masks)[:, None], size=(size, size), mode="area")
    held = her_latents(generator, directions, identity, config.heldout_images, config.seed + 1)
    held_images, held_masks, held_ms = label_with_teacher(generator.render_batch(held), "teacher (held-out)")
    data = {
        "key": key,
        "x": (small * 255).round().to(torch.uint8).numpy(),
        "y": (labels * 255).round().to(torch.uint8).numpy(),
        "held_images": held_images,
        "held_masks": held_masks,
        "held_teacher_ms": held_ms,
    }
    config.cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(config.cache, **data)
    return data


def soft_dice_loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    p = torch.sigmoid(logits)
    inter = (p * target).sum(dim=(1, 2, 3))
    return (1 - (2 * inter + 1) / (p.sum(dim=(1, 2, 3)) + target.sum(dim=(1, 2, 3)) + 1)).mean()


def train_student(x: NDArray[np.uint8], y: NDArray[np.uint8], config: TrainSegmenterConfig) -> HairSegmenter:
    """Fit the student on (N, 3, S, S) uint8 images and (N, 1, S, S) uint8 soft labels."""
    torch.manual_seed(config.seed)
    model = HairSegmenter(config.model)
    xs, ys = torch.from_numpy(x), torch.from_numpy(y)
    steps_per_epoch = (len(xs) + config.batch_size - 1) // config.batch_size
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, config.lr, total_steps=config.epochs * steps_per_epoch)
    gen = torch.Generator().manual_seed(config.seed)
    model.train()
    with tqdm(total=config.epochs * steps_per_epoch, desc="train segmenter", unit="step") as bar:
        for epoch in range(config.epochs):
            order = torch.randperm(len(xs), generator=gen)
            for i in range(steps_per_epoch):
                idx = order[i * config.batch_size : (i + 1) * config.batch_size]
                xb, yb = xs[idx].float() / 255, ys[idx].float() / 255
                flip = torch.rand(len(idx), generator=gen) < 0.5  # hair is left/right symmetric
                xb[flip], yb[flip] = xb[flip].flip(-1), yb[flip].flip(-1)
                gain = 0.8 + 0.4 * torch.rand(len(idx), 1, 1, 1, generator=gen)  # brightness jitter
                xb = (xb * gain).clamp(0, 1)
                logits = model(xb)
                loss = F.binary_cross_entropy_with_logits(logits, yb) + 0.5 * soft_dice_loss(logits, yb)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                sched.step()
                bar.set_postfix(epoch=epoch, loss=f"{loss.item():.3f}")
                bar.update()
    return model.eval()


def iou_dice(
    pred: NDArray[np.float32], target: NDArray[np.float32], threshold: float = 0.5
) -> tuple[float, float]:
    """Mean per-image IoU and Dice of (N, H, W) probabilities thresholded at `threshold`."""
    p, t = pred >= threshold, target >= threshold
    inter = (p & t).sum(axis=(1, 2)).astype(np.float64)
    union = (p | t).sum(axis=(1, 2)).astype(np.float64)
    total = p.sum(axis=(1, 2)) + t.sum(axis=(1, 2))
    iou = np.where(union > 0, inter / np.maximum(union, 1), 1.0)
    dice = np.where(total > 0, 2 * inter / np.maximum(total, 1), 1.0)
    return float(iou.mean()), float(dice.mean())


def compare_student_teacher(
    masker: HairMasker, images: ImageArray, teacher: NDArray[np.float32]
) -> dict[str, float]:
    """IoU / Dice of student vs teacher on (N, 256, 256, 3) renders, and the student's ms/image."""
    preds = []
    ms = []
    for img in images:
        t0 = time.perf_counter()
        preds.append(masker.predict(img[None])[0])
        ms.append((time.perf_counter() - t0) * 1000)
    iou, dice = iou_dice(np.stack(preds), teacher)
    return {"seg_iou": iou, "seg_dice": dice, "student_ms": float(np.median(ms))}


def train_segmenter(
    generator: FaceGenerator,
    directions: ExpressionDirections,
    identity: Identity,
    config: TrainSegmenterConfig,
) -> dict[str, float]:
    data = build_dataset(generator, directions, identity, config)
    x, y = data["x"].astype(np.uint8), data["y"].astype(np.uint8)
    if x.shape[-1] != config.model.input_size:
        size = (config.model.input_size,) * 2
        x = F.interpolate(torch.from_numpy(x).float(), size=size, mode="area").round().to(torch.uint8).numpy()
        y = F.interpolate(torch.from_numpy(y).float(), size=size, mode="area").round().to(torch.uint8).numpy()
    print(f"training the student on {len(x)} teacher-labelled renders")
    model = train_student(x, y, config)
    save_segmenter(model, config.out)
    size_kb = config.out.stat().st_size / 1024
    params = sum(p.numel() for p in model.parameters())
    print(f"saved {config.out} ({size_kb:.0f} KiB, {params} params)")
    report = compare_student_teacher(
        HairMasker(model),
        data["held_images"].astype(np.uint8),
        data["held_masks"].astype(np.float32),
    )
    report["teacher_ms"] = float(np.median(data["held_teacher_ms"].astype(np.float64)))
    print(
        f"held-out ({len(data['held_images'])} of her renders): student vs teacher "
        f"IoU {report['seg_iou']:.3f}, Dice {report['seg_dice']:.3f}; per image "
        f"student {report['student_ms']:.1f} ms vs teacher {report['teacher_ms']:.1f} ms"
    )
    return report
