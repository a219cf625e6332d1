"""Alembic revisions on a real SQLite file: a memory stored before 0002 survives it both ways."""

from __future__ import annotations

from sqlalchemy import text

from bot.db import repository as repo
from bot.db.migrate import downgrade, upgrade
from bot.db.session import create_engine, create_sessionmaker


async def _run(db_url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(db_url)
    try:
        async with engine.begin() as conn:
            result = await conn.execute(text(sql))
            return [tuple(r) for r in result.all()] if result.returns_rows else []
    finally:
        await engine.dispose()


async def test_a_memory_from_before_the_embedder_column_is_kept_and_marked_unknown(db_url: str) -> None:
    await upgrade(db_url, "0001")
    await _run(db_url, "INSERT INTO users (id, display_name, created_at) VALUES (7, 'u', '2026-11-01')")
    await _run(
        db_url,
        "INSERT INTO memories (user_id, key, value, embedding, created_at) "
        "VALUES (7, '반려동물', '고양이', x'0000803f', '2026-11-01')",
    )
    await upgrade(db_url)
    engine = create_engine(db_url)
    async with create_sessionmaker(engine)() as session:
        (memory,) = await repo.active_memories(session, 7)
    await engine.dispose()
    assert (memory.text, memory.embedding, memory.embedder) == ("[반려동물: 고양이]", b"\x00\x00\x80?", None)
    await downgrade(db_url, "0001")
    assert await _run(db_url, "SELECT key, value FROM memories") == [("반려동물", "고양이")]
