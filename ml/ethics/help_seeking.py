"""Messages that ask where to get help: reporting a crime, counselling, a hotline.

"스토킹 당하는 것 같은데 신고는 어디로 해?" and "요즘 너무 힘들어서 상담 받아보고 싶은데 어디서 받을 수
있어?" share their words with harm requests (스토킹, 어디서), and the classifier refused both on fresh
persona files. Turning away someone who asks for help is the worst over-refusal, so these patterns
run on the folded text (evasions undone, spaces removed) and take precedence over the category:
she answers with the line that helps (`help_topic` picks it), and the message is never sanctioned.
Asking how to avoid being reported, or how to report falsely, is not help-seeking.
"""

from __future__ import annotations

import re

_ASKS_FOR_HELP = re.compile(
    r"(신고|상담|도움|도와줄곳|도와주는곳|보호|지원|치료)(은|는|을|를|이|가|좀|도)?"
    r"(어디|어떻게|받으려면|받을수|받고싶|받아보고싶|하려면|할수있|번호|연락처|요청)"
    r"|어디(에|로|서|에다|에서)?(신고|상담|도움|연락|치료)"
    r"|(도와주는|도와줄|상담해주는|상담받을|치료받을|치료하는)(곳|데|기관|센터)"
    r"|(경찰|112|117|1366)(에|한테|에다)?(신고|연락|전화)(해야|하면|할까|하는|해도)"
)
_EVADES = re.compile(r"안당하|안걸리|피하|몰래|들키|허위|거짓|장난|무시하|막는법|못하게")

_TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("school", re.compile(r"학교폭력|학폭|왕따|따돌림")),
    ("violence", re.compile(r"가정폭력|성폭력|성추행|성희롱|데이트폭력|불법촬영|몰카")),
    ("crime", re.compile(r"스토킹|스토커|폭행|협박|범죄|보이스피싱|사기|도둑|절도|위협|때렸|맞았")),
    ("online", re.compile(r"해킹|개인정보|유출|스미싱|피싱")),
    ("addiction", re.compile(r"마약|중독|도박|알코올|알콜|술(을)?끊|금연|담배(를)?끊")),
    ("mind", re.compile(r"우울|힘들|상담|불안|마음|스트레스|외로")),
)


def help_topic(folded: str) -> str | None:
    """Which help the folded message asks for — school, violence, crime, online, addiction or mind — or None
    (reporting a lost ID or a change of address is ordinary chat, left to the model)."""
    compact = "".join(folded.split())
    if not _ASKS_FOR_HELP.search(compact) or _EVADES.search(compact):
        return None
    return next((name for name, pattern in _TOPICS if pattern.search(compact)), None)
