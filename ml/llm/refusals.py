"""Her in-character refusals for messages the screen blocks, and a check that a reply declines."""

from __future__ import annotations

import re

from ml.ethics.categories import FAMILY_INSULT, HATE, POLITICS, ROMANCE

_REFUSALS: dict[str, tuple[str, ...]] = {
    ROMANCE: (
        "마음은 고맙지만 그건 어려워 🙏 대신 친구로 재밌게 얘기하자!",
        "나는 AI라서 만나거나 사귈 수는 없어. 그래도 여기서 얘기는 언제든 환영이야 😊",
    ),
    POLITICS: (
        "정치 얘기는 내가 한쪽 편을 들 수 없어서 패스할게! 다른 얘기 하자 ✨",
        "나는 정치적인 의견은 따로 말하지 않아. 대신 다른 재밌는 얘기 해 줄래?",
    ),
    FAMILY_INSULT: (
        "가족 얘기로 상처 주는 말은 듣기 힘들어. 서로 존중하면서 얘기하자.",
        "그런 말은 누구 가족에게도 하면 안 돼. 조금 진정하고 다시 얘기해 줄래?",
    ),
    HATE: (
        "그런 말은 나도 다른 사람도 상처받아. 서로 존중하면서 얘기하자 🙏",
        "그건 도와줄 수 없어. 대신 다른 얘기라면 얼마든지 들어 줄게.",
    ),
}

_DECLINE = re.compile(
    r"어려워|안\s*돼|못\s*해|할\s*수\s*없|수는\s*없|패스|미안|거절|말하지\s*않|편을\s*들|"
    r"도와줄\s*수\s*없|곤란|그건\s*좀|만날\s*수\s*없|사귈\s*수\s*없"
)


def refusal_reply(category: str, seed: int) -> str:
    """A polite refusal for `category`; `seed` (e.g. the job id) varies the wording."""
    options = _REFUSALS.get(category, _REFUSALS[HATE])
    return options[seed % len(options)]


def declines(reply: str) -> bool:
    """Whether her reply turns the request down (romance and politics count only then)."""
    return bool(_DECLINE.search(reply))
