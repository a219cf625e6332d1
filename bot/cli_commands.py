"""`ohlora eval …`, `ohlora train …` and `ohlora render`: thin wiring to the ml/ tools."""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

from bot.config import Settings
from bot.runtime import engine_config


def _call(module: str, func: str):  # type: ignore[no-untyped-def]
    def run(args: argparse.Namespace, settings: Settings) -> int:
        args.settings = settings
        args.engine_config = engine_config(settings)  # the same model choices serving uses
        result: int = getattr(importlib.import_module(module), func)(args)
        return result

    return run


def _add(
    parent: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help_text: str,
    module: str,
    adder: str | None,
    runner: str,
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = parent.add_parser(name, help=help_text)
    if adder is not None:
        getattr(importlib.import_module(module), adder)(parser)
    parser.set_defaults(run=_call(module, runner))
    return parser


def register_eval(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="what", required=True)
    ethics = sub.add_parser("ethics", help="per-category P/R/F1 on a CSV with text,category")
    ethics.add_argument("file", type=Path)
    ethics.set_defaults(run=_call("ml.ethics.evaluate", "run_eval"))
    memory = sub.add_parser("memory", help="retrieval top-1 and abstention on a JSON file")
    memory.add_argument("file", type=Path)
    memory.add_argument("--threshold", type=float, default=None, help="default: the tuned one")
    memory.set_defaults(run=_call("ml.memory.evaluate", "run_eval"))
    persona = sub.add_parser("persona", help="facts, 반말, refusals, latency on a JSON file")
    persona.add_argument("file", type=Path)
    persona.add_argument("--show", action="store_true", help="print each prompt and reply")
    persona.add_argument("--base", action="store_true", help="the un-tuned base model (prompted)")
    persona.add_argument("--limit", type=int, default=None, help="at most this many items per section")
    persona.set_defaults(run=_call("ml.llm.evaluate", "run_eval"))
    analysis = sub.add_parser("analysis", help="memories, summary, expression of a turn's analysis")
    analysis.add_argument("file", type=Path, nargs="?", default=None, help="default: the validation split")
    analysis.add_argument("--show", action="store_true", help="print each row's analysis")
    analysis.add_argument("--base", action="store_true", help="the un-tuned base model (prompted)")
    analysis.add_argument("--limit", type=int, default=None, help="at most this many rows")
    analysis.add_argument("--sweep", action="store_true", help="also score other memory-opening ratios")
    analysis.set_defaults(run=_call("ml.llm.evaluate_analysis", "run_eval"))
    layer = sub.add_parser("output-layer", help="trimmed against full output layer: identity and time")
    layer.add_argument("--limit", type=int, default=40, help="validation rows (default 40)")
    layer.add_argument("--show", action="store_true", help="print the rows whose outputs differ")
    layer.set_defaults(run=_call("ml.llm.evaluate_output_layer", "run_eval"))
    _add(
        sub,
        "face",
        "expression correlations and segmenter IoU",
        "ml.face.cli",
        "add_eval_face_arguments",
        "run_eval_face",
    )


def register_train(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="what", required=True)
    llm = sub.add_parser("llm", help="LoRA persona adapter from ml/llm/data")
    llm.add_argument("--epochs", type=float, default=1.0)
    llm.add_argument("--max-rows", type=int, default=None)
    llm.add_argument("--out", type=Path, default=None)
    llm.add_argument("--resume", type=Path, default=None, help="continue training this adapter")
    llm.add_argument("--seed", type=int, default=42)
    llm.add_argument("--lr", type=float, default=3e-4)
    llm.add_argument(
        "--oversample",
        default="fact,refuse",
        help="row kinds, or rounds by id prefix (p4), seen twice per epoch; comma-separated",
    )
    llm.set_defaults(run=_call("ml.llm.train", "run_train"))
    vocab = sub.add_parser("llm-vocab", help="an adapter's output vocabulary, from its training rows")
    vocab.add_argument("--adapter", type=Path, default=None, help="adapter folder (default: committed)")
    vocab.set_defaults(run=_call("ml.llm.train", "run_output_vocab"))
    facts = sub.add_parser("facts", help="her fact-lookup head (which facts a message asks about)")
    facts.add_argument("--out", type=Path, default=None)
    facts.add_argument("--seed", type=int, default=7)
    facts.set_defaults(run=_call("ml.llm.train_facts", "run_train"))
    ethics = sub.add_parser("ethics", help="ethics classifier head from ml/ethics/data")
    ethics.add_argument("--out", type=Path, default=None)
    ethics.set_defaults(run=_call("ml.ethics.train", "run_train"))
    memory = sub.add_parser("memory", help="memory S-BERT from ml/memory/data")
    memory.add_argument("--out", type=Path, default=None)
    memory.add_argument("--encoder", choices=("e5", "use"), default="e5", help="model to fine-tune")
    memory.add_argument("--epochs", type=int, default=None, help="passes over the pairs (default 6)")
    memory.add_argument("--threads", type=int, default=None, help="torch threads (default: e5 2, use 1)")
    memory.set_defaults(run=_call("ml.memory.train", "run_train"))
    threshold = sub.add_parser("memory-threshold", help="re-choose the memory threshold on validation users")
    threshold.add_argument("--model", type=Path, default=None, help="model folder (default: committed)")
    threshold.set_defaults(run=_call("ml.memory.train_threshold", "run_calibrate"))
    _add(
        sub,
        "directions",
        "expression directions in latent space",
        "ml.face.cli",
        "add_train_directions_arguments",
        "run_train_directions",
    )
    _add(
        sub,
        "identity",
        "choose her identity latent (rerunnable selection)",
        "ml.face.cli",
        "add_select_identity_arguments",
        "run_select_identity",
    )
    _add(
        sub,
        "segmenter",
        "distil the hair segmenter",
        "ml.face.cli",
        "add_train_segmenter_arguments",
        "run_train_segmenter",
    )


def register_gallery(parser: argparse.ArgumentParser) -> None:
    importlib.import_module("ml.face.cli").add_gallery_arguments(parser)
    parser.set_defaults(run=_call("ml.face.cli", "run_gallery"))


def register_render(parser: argparse.ArgumentParser) -> None:
    importlib.import_module("ml.face.cli").add_render_arguments(parser)
    parser.set_defaults(run=_call("ml.face.cli", "run_render"))
