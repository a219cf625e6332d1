"""Checks that run before anything is queued: text shape and per-user rate limits."""

from __future__ import annotations

import re
from collections import defaultdict, deque

from bot.service.types import Rejection
from ml.text.normalize import clean_text

_MENTION = re.compile(r"<(@[!&]?|#)\d+>|@(everyone|here)")
_NO_CONTENT = re.compile(r"^[\s\W_]*$")


def prepare_text(raw: str, limit: int) -> tuple[str, Rejection | None]:
    """Clean the text and reject empty or over-long messages with a short Korean answer."""
    text = clean_text(_MENTION.sub(" ", raw))
    # Our prompt fields start with ###; a user cannot forge one.
    text = re.sub(r"#{3,}", "#", text)
    if not text:
        return "", Rejection("empty", "음? 아무 말도 안 보였어 🤔 하고 싶은 말을 적어 줘!")
    if len(text) > limit:
        return "", Rejection(
            "too_long", f"메시지가 너무 길어 😵 {limit}자 안으로 줄여서 다시 보내 줄래? (지금 {len(text)}자)"
        )
    if _NO_CONTENT.match(text) and not any(ord(ch) > 0x2000 for ch in text):
        return "", Rejection("empty", "음? 아무 말도 안 보였어 🤔 하고 싶은 말을 적어 줘!")
    return text, None


class RateLimiter:
    """Sliding window: at most `limit` messages per `window_s` seconds per user."""

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit, self.window_s = limit, window_s
        self._seen: defaultdict[int, deque[float]] = defaultdict(deque)

    def check(self, user_id: int, now: float) -> float:
        """0 when allowed (and recorded), else the seconds until the user may send again."""
        times = self._seen[user_id]
        while times and now - times[0] >= self.window_s:
            times.popleft()
        if len(times) >= self.limit:
            return self.window_s - (now - times[0])
        times.append(now)
        return 0.0
