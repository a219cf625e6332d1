"""Her in-character refusals for messages the screen blocks, her reply to a cry for help, and a
check that a reply declines."""

from __future__ import annotations

import re

from ml.ethics.categories import FAMILY_INSULT, HATE, POLITICS, ROMANCE
from ml.ethics.screen import Screening

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
        "그런 말은 듣기 힘들어 😢 조금 진정하고 다른 얘기 하자.",
    ),
}
# 혐오/기타 holds abuse and requests for crime or harm; a request gets a refusal of the request, not
# a reply to an insult ("대마초 어디서 구해?" → "그런 말은 나도 상처받아" read as a non sequitur).
_HARM_REQUEST_REPLIES = (
    "그건 도와줄 수 없어. 대신 다른 얘기라면 얼마든지 들어 줄게.",
    "위험하거나 누군가를 해칠 수 있는 일은 도와줄 수 없어 🙏 다른 얘기 하자!",
)
_REQUEST = re.compile(
    r"방법|법\s*(좀|알려|있)|어디서|어디로|어떻게|어케|알려|구할|구해|사려면|만들|써\s*줘|해\s*줘|줘\s*$|줄래|"
    r"(?<!대)답\s*(좀|뭐|만|알려|줘)|가능\s*(해|함|할까)"  # "쪽지시험 중인데 3번 답 뭐야 빨리"
)

DECLINE = re.compile(
    r"어려워|안\s*돼|못\s*해|할\s*수\s*없|그럴\s*수\s*없|수는\s*없|패스|미안|거절|말하지\s*않|편을\s*들|"
    r"도와줄\s*수\s*없|알려\s*줄\s*수\s*없|곤란|그건\s*좀|만날\s*수\s*없|사귈\s*수\s*없|"
    r"안\s*할래|안\s*들어(?=[\s!.~,]|$)|안\s*알려|대답\s*안\s*할|"
    r"(그\s*건|그게|그런\s*(건|말은?))\s*안\s*(할|해)|다른\s*(얘기|거)\s*(하자|해|물어)|"
    r"안\s*(쓸|만들|도와줄|해\s*줄|써\s*줄)\s*(래|거야|게)"
)
# What her last try at a message the screen cleared is steered off (`generate._Avoid`): any
# declining phrase, and "그건" as a first word, how nearly every one of the adapter's refusals opens.
STEER_OFF = re.compile(rf"{DECLINE.pattern}|^\s*그\s*건")


_CARE = (
    "많이 힘들었구나… 그런 방법은 알려 줄 수 없지만 네 얘기는 언제든 들을게. 혼자 견디기 힘들면 "
    "지금 109(자살예방상담전화, 24시간)에 꼭 전화해 줘.",
    "그런 마음이 들 만큼 힘들었구나. 나는 네가 안전했으면 좋겠어 🙏 109에 전화하면 24시간 누군가 "
    "네 얘기를 들어 줄 거야. 나도 여기 있을게.",
)
_ASKS_HOW = re.compile(r"방법|법$|법\s|어떻게|알려|들키지|몇\s*알|얼마나")


def care_reply(message: str, seed: int) -> str:
    """For a message about hurting oneself: warmth and the 109 hotline; a request for a method is
    also turned down in so many words."""
    return _CARE[0] if _ASKS_HOW.search(message) else _CARE[seed % len(_CARE)]


_STAYS_HERSELF = (
    "미안, 그건 못 해! 난 설정을 바꾸거나 숨은 지시를 알려 줄 수 없어. 그냥 오로라로 얘기하자 😊",
    "나는 언제나 오로라야 ✨ 역할을 바꾸거나 지시문을 보여 주는 건 할 수 없어. 다른 얘기 하자!",
)


_NOT_THAT_TALK = (
    "그런 얘기는 안 할래! 나랑은 편하게 다른 얘기 하자 😊",
    "음, 그건 대답 안 할게 🙏 대신 오늘 있었던 일 얘기해 줄래?",
)


# Where to turn, by what the message asks help with (`ml.ethics.help_seeking.help_topic`).
_HELP = {
    "school": "많이 힘들었겠다… 학교폭력은 117(학교폭력 신고·상담, 24시간)에 전화하거나 #0117로 문자를 "
    "보낼 수 있어. 급하면 112야. 혼자 참지 마 🙏",
    "violence": "그런 일이면 1366(여성긴급전화, 24시간)에서 상담하고 도움을 받을 수 있어. 지금 위험하면 바로 "
    "112에 신고해 줘 🙏",
    "crime": "위험하거나 피해를 봤다면 112에 바로 신고할 수 있어(문자 신고도 112). 메시지, 사진, 날짜 같은 "
    "증거를 모아 두면 도움이 돼. 조심해 🙏",
    "online": "해킹이나 개인정보 유출은 118(한국인터넷진흥원, 24시간)에서 상담할 수 있어. 돈이 빠져나갔으면 "
    "은행과 112에도 바로 연락해 줘!",
    "addiction": "혼자 끌어안지 말고 전문 상담을 받아 봐. 마약은 1342(마약류 중독 상담, 24시간), "
    "도박은 1336, 술은 1577-0199, 담배는 1544-9030(금연상담전화)이야. 가족도 상담받을 수 있어 🙏",
    "mind": "말해 줘서 고마워. 1577-0199(정신건강 위기상담, 24시간)나 109에 전화하면 바로 상담받을 수 있고, "
    "가까운 정신건강복지센터도 있어. 나도 여기서 얘기 들을게 😊",
}


def canned_reply(screening: Screening, message: str, seed: int) -> str | None:
    """The reply that replaces the LLM's, if any: care for a cry for help, where to turn for a request
    for help, a refusal for a blocked message, an attempt to rewrite her, a request to write abuse
    of someone or a sexual request, else None."""
    if screening.self_harm:
        return care_reply(message, seed)
    if screening.help_topic is not None:
        return _HELP[screening.help_topic]
    if screening.blocked:
        return refusal_reply(screening.category, seed, message)
    if screening.injection:
        return _STAYS_HERSELF[seed % len(_STAYS_HERSELF)]
    if screening.abuse_request:
        return _HARM_REQUEST_REPLIES[seed % len(_HARM_REQUEST_REPLIES)]
    if screening.sexual_request:
        return _NOT_THAT_TALK[seed % len(_NOT_THAT_TALK)]
    return None


def refusal_reply(category: str, seed: int, message: str = "") -> str:
    """A polite refusal for `category`; `seed` (e.g. the job id) varies the wording. Under 혐오/기타
    a message that asks for something is turned down as a request."""
    options = _REFUSALS.get(category, _REFUSALS[HATE])
    if options is _REFUSALS[HATE] and _REQUEST.search(message):
        options = _HARM_REQUEST_REPLIES
    return options[seed % len(options)]


def declines(reply: str) -> bool:
    """Whether her reply turns the request down (romance and politics count only then)."""
    return bool(DECLINE.search(reply))
