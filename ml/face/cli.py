"""Face commands as plain argparse functions; the lead wires them into the `ohlora` CLI.

ohlora render            add_render_arguments / run_render
ohlora train directions  add_train_directions_arguments / run_train_directions
ohlora select identity   add_select_identity_arguments / run_select_identity
ohlora train segmenter   add_train_segmenter_arguments / run_train_segmenter
ohlora eval face         add_eval_face_arguments / run_eval_face
ohlora bench face        add_bench_face_arguments / run_bench_face (wraps bench_face)
ohlora face gallery      add_gallery_arguments / run_gallery
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch

from ml.expression import EYES_LEVELS, MOUTH_LEVELS, POSE_LEVELS, Expression
from ml.face.renderer import (
    ASSETS,
    GENERATORS,
    FaceConfig,
    FaceRenderer,
    build_generator,
    intra_op_threads,
)
from ml.face.style import HairStyle
from ml.face.tools_venv import ToolsVenvMissing, require_tools_venv

log = logging.getLogger(__name__)
DEFAULT_STYLE = HairStyle()


def _add_face_config_arguments(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("face model")
    g.add_argument("--generator", choices=GENERATORS, default="dcgan", help="generator family")
    g.add_argument(
        "--checkpoint",
        type=Path,
        default=None,
        help="generator safetensors (default: the embedded DCGAN)",
    )
    g.add_argument(
        "--identity",
        type=Path,
        default=ASSETS / "dcgan_identity.safetensors",
        help="her latent + calibrated targets",
    )
    g.add_argument(
        "--directions",
        type=Path,
        default=ASSETS / "dcgan_directions.safetensors",
        help="expression directions",
    )
    g.add_argument(
        "--segmenter",
        type=Path,
        default=ASSETS / "hair_segmenter.safetensors",
        help="student hair segmenter",
    )
    g.add_argument("--device", default="cpu", help="torch device")


def _face_config(args: argparse.Namespace) -> FaceConfig:
    return FaceConfig(
        generator=args.generator,
        checkpoint=args.checkpoint,
        identity=args.identity,
        directions=args.directions,
        segmenter=args.segmenter,
        device=args.device,
    )


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


# ---------------------------------------------------------------- render
def add_render_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--eyes", choices=EYES_LEVELS, default="보통", help="eye openness")
    parser.add_argument("--mouth", choices=MOUTH_LEVELS, default="보통", help="mouth openness")
    parser.add_argument("--pose", choices=POSE_LEVELS, default="없음", help="head turn")
    parser.add_argument("--hue", type=float, default=DEFAULT_STYLE.hue, help="ombre hue in [0, 1]")
    parser.add_argument(
        "--ombre-height",
        type=float,
        default=DEFAULT_STYLE.ombre_height,
        help="where the dye starts, fraction of the hair's height from its top",
    )
    parser.add_argument(
        "--ombre-length",
        type=float,
        default=DEFAULT_STYLE.ombre_length,
        help="fade-in length, fraction of the hair's height",
    )
    parser.add_argument("-o", "--output", type=Path, default=Path("face.png"), help="PNG to write")
    _add_face_config_arguments(parser)


def run_render(args: argparse.Namespace) -> int:
    try:
        expression = Expression(args.eyes, args.mouth, args.pose)
        style = HairStyle(args.hue, args.ombre_height, args.ombre_length)
        renderer = FaceRenderer.load(_face_config(args))
        png = renderer.render_png(expression, style)
    except (FileNotFoundError, ValueError) as exc:
        return _fail(str(exc))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(png)
    print(f"wrote {args.output} ({len(png) // 1024} KiB)")
    return 0


# ---------------------------------------------------------------- train directions
def add_train_directions_arguments(parser: argparse.ArgumentParser) -> None:
    from ml.face.train_directions import TrainDirectionsConfig

    d = TrainDirectionsConfig()
    parser.add_argument("--samples", type=int, default=d.samples, help="latents to render and score")
    parser.add_argument("--seed", type=int, default=d.seed, help="latent sampling seed")
    parser.add_argument("--out", type=Path, default=d.out, help="directions file to write")
    parser.add_argument("--cache", type=Path, default=d.cache, help="landmark cache (git-ignored)")
    _add_face_config_arguments(parser)


def run_train_directions(args: argparse.Namespace) -> int:
    from ml.face.train_directions import TrainDirectionsConfig, train_directions

    try:
        require_tools_venv()
        generator = build_generator(_face_config(args))
    except (ToolsVenvMissing, FileNotFoundError, ValueError) as exc:
        return _fail(str(exc))
    config = TrainDirectionsConfig(
        samples=args.samples, seed=args.seed, out=args.out, identity=args.identity, cache=args.cache
    )
    report = train_directions(generator, config)
    print(json.dumps(report))
    return 0


# ---------------------------------------------------------------- select identity
def add_select_identity_arguments(parser: argparse.ArgumentParser) -> None:
    from ml.face.select_identity import SelectConfig

    d = SelectConfig()
    parser.add_argument("--seed", type=int, default=d.seed, help="candidate sampling seed")
    parser.add_argument("--candidates", type=int, default=d.candidates, help="latents to consider")
    parser.add_argument(
        "--pick",
        type=int,
        default=None,
        help="rank chosen from the contact sheet; omit to only write the sheet",
    )
    parser.add_argument(
        "--index",
        type=int,
        default=None,
        help="candidate index (#N on the sheet) chosen; stable across reruns",
    )
    parser.add_argument("--sheet", type=Path, default=d.sheet_path, help="contact sheet PNG")
    _add_face_config_arguments(parser)


def run_select_identity(args: argparse.Namespace) -> int:
    from ml.face.directions import load_directions, save_identity
    from ml.face.select_identity import SelectConfig, select_identity

    try:
        require_tools_venv()
        generator = build_generator(_face_config(args))
        directions = load_directions(args.directions)
    except (ToolsVenvMissing, FileNotFoundError, ValueError) as exc:
        return _fail(str(exc))
    config = SelectConfig(
        seed=args.seed,
        candidates=args.candidates,
        pick=args.pick or 0,
        pick_index=args.index,
        sheet_path=args.sheet,
    )
    identity, summary = select_identity(generator, directions, config)
    print(f"contact sheet: {args.sheet}; chosen: {json.dumps(summary)}")
    if args.pick is None and args.index is None:
        print("nothing written: look at the sheet and re-run with --index N (or --pick RANK)")
        return 0
    save_identity(identity, args.identity)
    print(f"wrote {args.identity}")
    return 0


# ---------------------------------------------------------------- train segmenter
def add_train_segmenter_arguments(parser: argparse.ArgumentParser) -> None:
    from ml.face.train_segmenter import TrainSegmenterConfig

    d = TrainSegmenterConfig()
    parser.add_argument("--random-images", type=int, default=d.random_images)
    parser.add_argument("--her-images", type=int, default=d.her_images)
    parser.add_argument("--heldout-images", type=int, default=d.heldout_images)
    parser.add_argument("--epochs", type=int, default=d.epochs)
    parser.add_argument("--batch-size", type=int, default=d.batch_size)
    parser.add_argument("--lr", type=float, default=d.lr)
    parser.add_argument("--seed", type=int, default=d.seed)
    parser.add_argument("--out", type=Path, default=d.out, help="student checkpoint to write")
    parser.add_argument("--cache", type=Path, default=d.cache, help="labelled renders (git-ignored)")
    _add_face_config_arguments(parser)


def run_train_segmenter(args: argparse.Namespace) -> int:
    from ml.face.directions import load_directions, load_identity
    from ml.face.train_segmenter import TrainSegmenterConfig, train_segmenter

    try:
        require_tools_venv()
        generator = build_generator(_face_config(args))
        directions, identity = load_directions(args.directions), load_identity(args.identity)
    except (ToolsVenvMissing, FileNotFoundError, ValueError) as exc:
        return _fail(str(exc))
    config = TrainSegmenterConfig(
        random_images=args.random_images,
        her_images=args.her_images,
        heldout_images=args.heldout_images,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        seed=args.seed,
        out=args.out,
        cache=args.cache,
    )
    print(json.dumps(train_segmenter(generator, directions, identity, config)))
    return 0


# ---------------------------------------------------------------- eval
def add_eval_face_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--heldout-images", type=int, default=100, help="her renders for the segmenter check")
    parser.add_argument("--seed", type=int, default=4242, help="seed of the held-out renders")
    _add_face_config_arguments(parser)


def run_eval_face(args: argparse.Namespace) -> int:
    from ml.face.expression_measure import commanded_vs_measured, level_scores, random_scores
    from ml.face.train_segmenter import compare_student_teacher, her_latents, label_with_teacher

    try:
        require_tools_venv()
        renderer = FaceRenderer.load(_face_config(args))
    except (ToolsVenvMissing, FileNotFoundError, ValueError) as exc:
        return _fail(str(exc))
    gen, dirs, ident = renderer.generator, renderer.directions, renderer.identity
    targets = ident.targets_for(dirs)
    levels = commanded_vs_measured(gen, dirs, ident.latent, targets, level_scores())
    cont = commanded_vs_measured(gen, dirs, ident.latent, targets, random_scores(64, args.seed))
    for name, r in (("36 level combinations", levels), ("64 random continuous scores", cont)):
        print(
            f"her commanded vs measured, {name} ({r.found} faces found): "
            + ", ".join(f"{k} {v:.3f}" for k, v in r.corr.items())
        )
    held = her_latents(gen, dirs, ident, args.heldout_images, args.seed)
    images, masks, teacher_ms = label_with_teacher(gen.render_batch(held), "teacher (eval)")
    with intra_op_threads(renderer.config.torch_threads):  # as the student runs when serving
        seg = compare_student_teacher(renderer.masker, images, masks)
    print(
        f"student vs teacher on {len(images)} held-out renders: IoU {seg['seg_iou']:.3f}, "
        f"Dice {seg['seg_dice']:.3f}; per image student {seg['student_ms']:.1f} ms, "
        f"teacher {float(np.median(teacher_ms)):.1f} ms"
    )
    print(
        json.dumps(
            {
                "corr_eyes": levels.corr["eyes"],
                "corr_mouth": levels.corr["mouth"],
                "corr_pose": levels.corr["pose"],
                "seg_iou": seg["seg_iou"],
                "seg_dice": seg["seg_dice"],
            }
        )
    )
    return 0


# ---------------------------------------------------------------- bench
def _median_ms(fn: object, repeats: int) -> float:
    assert callable(fn)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return float(np.median(times))


def bench_face(repeats: int, config: FaceConfig | None = None) -> dict[str, float]:
    """Median ms of each stage on this machine; teacher_segment_ms is NaN without the tools venv.

    generate: expression edit + generator to 256 px; segment: student mask; ombre: dye;
    render: the whole `render_png` (PNG encode included); teacher: mediapipe models + composite
    per image, measured inside the tools venv (its start-up excluded).
    """
    from ml.face.ombre import apply_ombre

    config = config or FaceConfig()
    renderer = FaceRenderer.load(config)
    expression, style = Expression("크게", "크게", "보통"), HairStyle()
    renderer.render_png(expression, style)  # warm-up
    # each stage under the same thread setting that `render` uses
    with torch.inference_mode(), intra_op_threads(config.torch_threads):
        face = renderer.generator.render(renderer.latent_for(expression))
        hair = renderer.masker.predict(face[None])[0]
        result = {
            "generate_ms": _median_ms(
                lambda: renderer.generator.render(renderer.latent_for(expression)), repeats
            ),
            "segment_ms": _median_ms(lambda: renderer.masker.predict(face[None]), repeats),
            "ombre_ms": _median_ms(lambda: apply_ombre(face, hair, style), repeats),
        }
    result["render_ms"] = _median_ms(lambda: renderer.render_png(expression, style), repeats)
    result["teacher_segment_ms"] = math.nan
    try:
        from ml.face.teacher import teacher_hair_masks

        _, found, ms = teacher_hair_masks(np.repeat(face[None], max(repeats, 1), 0), progress=False)
        result["teacher_segment_ms"] = float(np.median(ms[found])) if found.any() else math.nan
    except ToolsVenvMissing as exc:
        log.warning("teacher timing skipped: %s", exc)
    return result


def add_gallery_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", type=Path, default=ASSETS / "gallery.png")
    _add_face_config_arguments(parser)


def run_gallery(args: argparse.Namespace) -> int:
    from ml.face.gallery import make_gallery

    try:
        renderer = FaceRenderer.load(_face_config(args))
    except (FileNotFoundError, ValueError) as exc:
        return _fail(str(exc))
    make_gallery(renderer, args.output)
    print(f"wrote {args.output} ({args.output.stat().st_size // 1024} KiB)")
    return 0


def add_bench_face_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repeats", type=int, default=30, help="timed runs per stage")


def run_bench_face(args: argparse.Namespace) -> int:
    print(json.dumps(bench_face(args.repeats)))
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m ml.face.cli COMMAND …` until the lead wires these into `ohlora`."""
    parser = argparse.ArgumentParser(prog="python -m ml.face.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    commands = {
        "render": (add_render_arguments, run_render),
        "train-directions": (add_train_directions_arguments, run_train_directions),
        "select-identity": (add_select_identity_arguments, run_select_identity),
        "train-segmenter": (add_train_segmenter_arguments, run_train_segmenter),
        "eval-face": (add_eval_face_arguments, run_eval_face),
        "bench-face": (add_bench_face_arguments, run_bench_face),
        "gallery": (add_gallery_arguments, run_gallery),
    }
    for name, (add, _) in commands.items():
        add(sub.add_parser(name))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    return commands[args.command][1](args)


if __name__ == "__main__":
    raise SystemExit(main())
