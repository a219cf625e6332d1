"""The `ohlora` command: chat, bot, db, bench, eval, train, render."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Callable, Sequence

from bot.config import ConfigError, Settings, load_settings

# Weights come from packages or local folders; a hub request would fail here and on CI anyway.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

EXIT_CONFIG = 2


def _cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_chat import run_chat

    return asyncio.run(run_chat(settings, args.user_id, args.name))


def _cmd_bot(args: argparse.Namespace, settings: Settings) -> int:
    import discord

    from bot.cli_bot import run_bot

    try:
        return asyncio.run(run_bot(settings))
    except discord.LoginFailure:
        raise ConfigError("DISCORD_TOKEN was rejected by Discord: check the token in .env") from None
    except discord.PrivilegedIntentsRequired:
        raise ConfigError(
            "enable the Message Content intent for this bot in the Discord developer portal"
        ) from None


def _cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    from bot.db.migrate import downgrade, upgrade

    if args.action == "upgrade":
        asyncio.run(upgrade(settings.database_url, args.revision or "head"))
    else:
        asyncio.run(downgrade(settings.database_url, args.revision or "-1"))
    print(f"database {args.action}d: {settings.database_url}")
    return 0


def _cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_bench import run_bench

    return run_bench(settings, repeats=args.repeats, memories=args.memories, base=args.base)


def _lazy(module: str, func: str) -> Callable[[argparse.Namespace, Settings], int]:
    def run(args: argparse.Namespace, settings: Settings) -> int:
        import importlib

        result: int = getattr(importlib.import_module(module), func)(args, settings)
        return result

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ohlora", description="Oh-LoRA (오로라), a Korean virtual human")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    chat = sub.add_parser("chat", help="talk to her in this terminal (embedded models, no token)")
    chat.add_argument("--user-id", type=int, default=1, help="who you are to her memory")
    chat.add_argument("--name", default="터미널 사용자")
    chat.set_defaults(run=_cmd_chat)

    sub.add_parser("bot", help="run the Discord bot (DISCORD_TOKEN in .env)").set_defaults(run=_cmd_bot)

    db = sub.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "downgrade"])
    db.add_argument("revision", nargs="?", help="default: head for upgrade, -1 for downgrade")
    db.set_defaults(run=_cmd_db)

    bench = sub.add_parser("bench", help="time each stage and a whole turn on this machine")
    bench.add_argument("--repeats", type=int, default=5)
    bench.add_argument("--memories", type=int, default=1000, help="stored memories for the retrieval timing")
    bench.add_argument("--base", action="store_true", help="the prompted base LLM, without the LoRA adapter")
    bench.set_defaults(run=_cmd_bench)

    from bot.cli_commands import register_eval, register_gallery, register_render, register_train

    register_eval(sub.add_parser("eval", help="evaluate a model on a labelled file"))
    register_train(sub.add_parser("train", help="train an artefact from the data in the repo"))
    register_render(sub.add_parser("render", help="render her face to a PNG"))
    register_gallery(sub.add_parser("gallery", help="the README gallery of expressions and ombres"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    for noisy in ("discord", "httpx", "transformers", "sentence_transformers", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        settings = load_settings()
        code: int = args.run(args, settings)
    except ConfigError as exc:
        print(f"ohlora: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except FileNotFoundError as exc:
        print(f"ohlora: missing file: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
