"""`ohlora chat`: talk to her in the terminal on the embedded models, no Discord token needed."""

from __future__ import annotations

import asyncio
import json
import sys

from bot.config import Settings
from bot.discord.client import reply_text
from bot.runtime import image_path, load_engine, open_runtime
from bot.service.types import ChatRequest, Rejection

HELP = "명령: /memory (기억 보기), /forget (기억 전부 지우기), /export (JSON), /quit (끝내기)"


async def run_chat(settings: Settings, user_id: int, user_name: str) -> int:
    print("오로라를 깨우는 중… (처음 한 번은 모델을 준비하느라 1–2분 걸려)", flush=True)
    engine = await asyncio.to_thread(load_engine, settings)
    runtime = await open_runtime(settings, engine)
    resumed = await runtime.service.start()
    if resumed:
        print(f"(지난번에 답하지 못한 메시지 {resumed}개를 이어서 처리할게)")
    print(f"로라와 이야기해 봐! {HELP}\n", flush=True)
    prompt = "나> " if sys.stdin.isatty() else ""  # piped input: no prompt glued to her reply
    try:
        while True:
            try:
                line = await asyncio.to_thread(input, prompt)
            except EOFError:
                break
            line = line.strip()
            if line in ("/quit", "/exit"):
                break
            if line == "/memory":
                items = await runtime.memories.list(user_id)
                print("\n".join(f"  {m.id}. {m.text}" for m in items) or "  (아직 기억이 없어)")
                continue
            if line == "/forget":
                print(f"  {await runtime.memories.forget_all(user_id)}개를 지웠어.")
                continue
            if line == "/export":
                print(json.dumps(await runtime.memories.export(user_id), ensure_ascii=False, indent=2))
                continue
            outcome = await runtime.service.submit(
                ChatRequest(user_id=user_id, user_name=user_name, channel_id=0, text=line)
            )
            if isinstance(outcome, Rejection):
                print(f"로라> {outcome.message}\n", flush=True)
                continue
            reply = await outcome.reply
            print(f"로라> {reply_text(reply)}", flush=True)
            if reply.image_png is not None:
                path = image_path(settings, reply.job_id)
                path.write_bytes(reply.image_png)
                print(f"      [얼굴: {path}]", flush=True)
            print(flush=True)
    finally:
        await runtime.close()
    print("다음에 또 얘기하자! 👋")
    return 0
