"""Call `landmarks_tool.py` inside the tools venv through its npz file protocol.

Only the offline commands (train directions, train segmenter, eval, bench) use this; the serving
path never does, and nothing here imports mediapipe.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from tqdm import tqdm

from ml.face.generator import ImageArray

REPO_ROOT = Path(__file__).resolve().parents[2]
TOOL_SCRIPT = Path(__file__).with_name("landmarks_tool.py")
CREATE_COMMAND = (
    "python3 -m venv .venv-tools && .venv-tools/bin/pip install -r ml/face/tools-requirements.txt"
)


class ToolsVenvMissing(RuntimeError):
    """The tools venv (mediapipe) is not there; the message says how to create it."""


def tools_python() -> Path:
    """Interpreter of the tools venv: $OHLORA_TOOLS_PYTHON, else <repo>/.venv-tools/bin/python."""
    override = os.environ.get("OHLORA_TOOLS_PYTHON")
    return Path(override) if override else REPO_ROOT / ".venv-tools" / "bin" / "python"


def require_tools_venv() -> Path:
    """The tools interpreter, or ToolsVenvMissing with the one-line command that creates it."""
    python = tools_python()
    if not python.is_file():
        raise ToolsVenvMissing(
            f"mediapipe tools venv not found at {python}; create it from the repo root with: {CREATE_COMMAND}"
        )
    return python


@dataclass(frozen=True)
class ToolResult:
    found: NDArray[np.bool_]  # (N,) face mesh found a face
    landmarks: NDArray[np.float32]  # (N, 468, 3) normalised face-mesh points, NaN when not found
    person: NDArray[np.float32] | None  # (N, H, W) person probability, None unless asked
    ms_landmarks: NDArray[np.float64]  # (N,) per-image face-mesh time in ms
    ms_person: NDArray[np.float64]  # (N,) per-image selfie-segmentation time in ms


def run_landmarks_tool(
    images: ImageArray,
    tasks: tuple[str, ...] = ("landmarks",),
    desc: str = "mediapipe",
    progress: bool = True,
) -> ToolResult:
    """Run mediapipe on (N, H, W, 3) uint8 images in the tools venv; a tqdm bar follows it."""
    python = require_tools_venv()
    if images.dtype != np.uint8 or images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"images must be uint8 (N, H, W, 3), got {images.dtype} {images.shape}")
    with tempfile.TemporaryDirectory(prefix="ohlora-face-") as tmp:
        request, response = Path(tmp) / "request.npz", Path(tmp) / "response.npz"
        np.savez(request, images=images, tasks=np.array(tasks))
        proc = subprocess.Popen(
            [str(python), str(TOOL_SCRIPT), str(request), str(response)],
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp,
        )
        assert proc.stderr is not None
        other: list[str] = []
        with tqdm(total=len(images), desc=desc, disable=not progress, file=sys.stderr) as bar:
            for line in proc.stderr:
                if line.startswith("progress "):
                    bar.update(int(line.split()[1]) - bar.n)
                else:
                    other.append(line)
        if proc.wait() != 0:
            tail = "".join(other[-20:])
            raise RuntimeError(f"landmarks_tool failed (exit {proc.returncode}):\n{tail}")
        with np.load(response) as res:
            return ToolResult(
                found=res["found"],
                landmarks=res["landmarks"],
                person=res["person"] if "person" in res.files else None,
                ms_landmarks=res["ms_landmarks"],
                ms_person=res["ms_person"],
            )
