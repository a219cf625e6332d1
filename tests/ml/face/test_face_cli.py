from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest
from PIL import Image

from ml.face import cli
from ml.face.renderer import FaceConfig


def parse(add: object, argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    assert callable(add)
    add(parser)
    return parser.parse_args(argv)


def face_args(config: FaceConfig) -> list[str]:
    return [
        "--generator",
        config.generator,
        "--checkpoint",
        str(config.checkpoint),
        "--identity",
        str(config.identity),
        "--directions",
        str(config.directions),
        "--segmenter",
        str(config.segmenter),
    ]


def test_render_command_writes_a_png(tiny_face: FaceConfig, tmp_path: Path) -> None:
    out = tmp_path / "face.png"
    args = parse(
        cli.add_render_arguments,
        [
            "--eyes",
            "크게",
            "--mouth",
            "아주 크게",
            "--pose",
            "많이",
            "--hue",
            "1.0",
            "-o",
            str(out),
            *face_args(tiny_face),
        ],
    )
    assert cli.run_render(args) == 0
    assert Image.open(io.BytesIO(out.read_bytes())).size == (256, 256)


def test_render_command_reports_a_bad_hue(
    tiny_face: FaceConfig, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = parse(
        cli.add_render_arguments,
        ["--hue", "1.5", "-o", str(tmp_path / "x.png"), *face_args(tiny_face)],
    )
    assert cli.run_render(args) == 2
    assert "hue" in capsys.readouterr().err


def test_render_command_reports_a_missing_checkpoint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = parse(
        cli.add_render_arguments,
        ["--generator", "stylegan2", "--checkpoint", str(tmp_path / "absent.safetensors")],
    )
    assert cli.run_render(args) == 2
    assert "absent.safetensors" in capsys.readouterr().err


def test_offline_commands_say_how_to_create_the_tools_venv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OHLORA_TOOLS_PYTHON", str(tmp_path / "no-python"))
    for add, run in (
        (cli.add_train_directions_arguments, cli.run_train_directions),
        (cli.add_train_segmenter_arguments, cli.run_train_segmenter),
        (cli.add_eval_face_arguments, cli.run_eval_face),
    ):
        assert run(parse(add, [])) == 2
        err = capsys.readouterr().err
        assert "python3 -m venv .venv-tools" in err and err.count("\n") == 1
