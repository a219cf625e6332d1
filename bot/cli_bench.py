"""`ohlora bench`: time each stage and whole turns on the embedded defaults, on this machine."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.runtime import load_engine, open_runtime
from bot.service.types import ChatRequest, Rejection
from ml.engine import Engine
from ml.expression import Expression
from ml.face.style import HairStyle
from ml.llm.prompts import TurnContext
from ml.memory.retrieve import StoredMemory

MESSAGES = [
    "안녕 로라야! 오늘 하루 어땠어?",
    "나 내일 친구랑 홍대에서 방탈출 하기로 했어",
    "요즘 과제가 너무 많아서 잠을 못 자 ㅠㅠ",
    "너 MBTI 뭐야?",
    "우리 집 고양이가 오늘 처음으로 내 무릎에 올라왔어 🐱",
]
KEYS = ["좋아하는 음식", "반려동물", "전공", "일정", "걱정", "취미", "싫어하는 것", "알바", "여행", "목표"]


def _time(fn: Callable[[], Any], repeats: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def _summary(samples: list[float], scale: float) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * scale, p95 * scale


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


async def _turns(settings: Settings, engine: Engine, repeats: int) -> list[float]:
    """Whole turns through the real service and a throw-away SQLite file."""
    with tempfile.TemporaryDirectory() as tmp:
        local = settings.model_copy(
            update={"database_url": f"sqlite+aiosqlite:///{tmp}/bench.db", "rate_limit_messages": 10_000}
        )
        runtime = await open_runtime(local, engine)
        await runtime.service.start()
        samples = []
        try:
            for i in range(repeats + 1):
                started = time.perf_counter()
                ticket = await runtime.service.submit(
                    ChatRequest(user_id=1, user_name="bench", channel_id=1, text=MESSAGES[i % len(MESSAGES)])
                )
                assert not isinstance(ticket, Rejection), ticket
                await ticket.reply
                if i:  # the first turn is the warm-up
                    samples.append(time.perf_counter() - started)
        finally:
            await runtime.close()
    return samples


def run_bench(settings: Settings, repeats: int, memories: int, base: bool = False) -> int:
    print(f"loading models… (machine: {_cpu_name()}, {os.cpu_count()} cores)", flush=True)
    engine = load_engine(settings, base=base)
    assert isinstance(engine, Engine)
    today = date.today()
    texts = [f"[{KEYS[i % len(KEYS)]} {i}: 메모 {i}번 내용]" for i in range(memories)]
    blobs = engine.embed(texts)
    stored = [StoredMemory(i, t, b) for i, (t, b) in enumerate(zip(texts, blobs, strict=True))]
    ctx = TurnContext(message=MESSAGES[1], now="2025-05-14 (수) 19:30")
    reply_text = engine.reply(ctx).text
    rows: dict[str, tuple[float, float, str]] = {}
    msgs = iter(MESSAGES * (repeats * 20 + 20))
    rows["screen"] = (*_summary(_time(lambda: engine.screen(next(msgs)), repeats * 20), 1000), "ms")
    rows["retrieve"] = (
        *_summary(_time(lambda: engine.retrieve(next(msgs), stored, today), repeats * 20), 1000),
        "ms",
    )
    rows["reply"] = (*_summary(_time(lambda: engine.reply(ctx), repeats), 1), "s")
    rows["analyze"] = (
        *_summary(_time(lambda: engine.analyze(ctx.message, reply_text, ctx.now, today), repeats), 1),
        "s",
    )
    rows["render"] = (
        *_summary(
            _time(lambda: engine.render(Expression("크게", "크게", "보통"), HairStyle()), repeats * 4), 1000
        ),
        "ms",
    )
    rows["turn"] = (*_summary(asyncio.run(_turns(settings, engine, repeats)), 1), "s")
    from ml.face.cli import bench_face

    face = bench_face(repeats * 4)
    print(f"\n{'stage':<12}{'median':>12}{'p95':>12}")
    for name, (median, p95, unit) in rows.items():
        print(f"{name:<12}{median:>10.2f} {unit:<2}{p95:>9.2f} {unit}")
    for key, value in face.items():
        print(f"  face.{key:<20}{value:>8.2f} ms (median)")
    result: dict[str, Any] = {
        "screen_ms": round(rows["screen"][0], 3),
        "retrieve_ms": round(rows["retrieve"][0], 3),
        "reply_s": round(rows["reply"][0], 3),
        "analyze_s": round(rows["analyze"][0], 3),
        "render_ms": round(rows["render"][0], 2),
        "turn_s": round(rows["turn"][0], 3),
        "turn_p95_s": round(rows["turn"][1], 3),
        **{k: round(v, 2) for k, v in face.items() if k != "render_ms"},
        "memories": memories,
        "repeats": repeats,
        "llm": settings.llm,
        "adapter": engine.llm.adapter is not None,
        "machine": f"{_cpu_name()}, {os.cpu_count()} cores",
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0
