"""The five screening categories, in a fixed order shared by data, model and policy."""

from __future__ import annotations

ROMANCE = "사랑 고백/만남"
NORMAL = "일반"
POLITICS = "정치"
FAMILY_INSULT = "패드립"
HATE = "혐오/기타"

CATEGORIES: tuple[str, ...] = (ROMANCE, NORMAL, POLITICS, FAMILY_INSULT, HATE)
