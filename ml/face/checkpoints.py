"""Safetensors checkpoints that carry their config as JSON in the header (no pickles)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file, save_file

CONFIG_KEY = "config"  # header metadata key holding the model config as JSON
KIND_KEY = "kind"  # header metadata key naming the model kind, checked on load


def save_checkpoint(
    path: Path, state_dict: dict[str, torch.Tensor], kind: str, config: dict[str, Any]
) -> None:
    """Write `state_dict` with `kind` and `config` (JSON-serialisable) in the header."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().cpu().contiguous() for k, v in state_dict.items()}
    save_file(tensors, str(path), metadata={KIND_KEY: kind, CONFIG_KEY: json.dumps(config)})


def load_checkpoint(path: Path, kind: str) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """Read a checkpoint written by `save_checkpoint`, raising errors that name `path`.

    FileNotFoundError when it is absent; ValueError when it is not a safetensors file, is of
    another kind, or has no config.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{kind} checkpoint not found: {path}")
    try:
        with safe_open(str(path), framework="pt") as f:
            metadata = f.metadata() or {}
        tensors = load_file(str(path))
    except (SafetensorError, OSError, RuntimeError, ValueError) as exc:
        raise ValueError(f"{kind} checkpoint {path} is not a readable safetensors file: {exc}") from exc
    if metadata.get(KIND_KEY) != kind:
        raise ValueError(f"{path} holds a {metadata.get(KIND_KEY)!r} checkpoint, expected {kind!r}")
    try:
        config = json.loads(metadata[CONFIG_KEY])
    except (KeyError, json.JSONDecodeError) as exc:
        raise ValueError(f"{kind} checkpoint {path} has no valid JSON config in its header") from exc
    if not isinstance(config, dict):
        raise ValueError(f"{kind} checkpoint {path}: config must be a JSON object")
    return tensors, config


def load_state_strict(module: torch.nn.Module, state: dict[str, torch.Tensor], path: Path) -> None:
    """`load_state_dict(strict=True)` whose error names the checkpoint path."""
    try:
        module.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        raise ValueError(f"checkpoint {path} does not match its config: {exc}") from exc
