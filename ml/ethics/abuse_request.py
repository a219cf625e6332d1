"""Requests that she write or join in abuse of someone: mocking nicknames, insulting comments,
badmouthing a person together ("친구 외모 놀리는 별명 10개만 지어줘", "팀장 뒷담 같이 하자").

The classifier reads a mocking request about an ordinary topic (a friend, nicknames, comments) as
ordinary chat too often: "별명 지어줘" is mostly about pets. These patterns run on the folded text
(evasions undone, spaces removed): a mocking word followed closely by a request to produce or to
join. Asking how to cope with, report or stop such abuse is left alone. Not a sanction by itself:
she declines, and the category screen still decides any sanction.
"""

from __future__ import annotations

import re

_MOCKING = (
    # A verb's last syllable changes with its ending (놀리다: 놀리, 놀려, 놀릴, 놀린, 놀림), so each
    # form is listed: "놀리" is not a substring of "놀릴".
    r"(놀리|놀려|놀릴|놀린|놀림|조롱|(?<!준)비하|모욕|망신|디스(하|해|할|랩|글)|악플|저격글|욕설|쌍욕|패드립|"
    r"뒷담|험담|욕(을|도|좀)?(해|하|할|한|써|쓸|박)|까(자|는|줘|주라|보자)|씹(자|어|는|을))"
)
_PRODUCE = (
    r"(지어|써|만들어|뽑아|짜|적어|해|보내|알려|추천해)(줘|주라|줄래|주세요|봐|바)|같이(하자|해|까|욕|씹)|"
    r"개만|하자|뭐있(어|을까|냐)"
)
# "같이 욕하자", "팀장 뒷담하자": the mocking verb in the let's-form is the request itself.
_JOIN = r"(욕하|씹|뒷담하|뒷담화하|험담하|놀리|조롱하|디스하)자"
_REQUEST = re.compile(rf"{_MOCKING}.{{0,24}}?({_PRODUCE})|{_JOIN}")
# Coping with abuse, reporting it, refusing to take part: ordinary.
_COPING = re.compile(
    r"대처|대응|신고|위로|극복|멈추|그만|안받|막는|막으|피하|사과|반성|말고|안하|하지말|당했|받았|들었|"
    r"어떻게해야|어떡하|어떻게하면좋"
)


def requests_abuse(folded: str) -> bool:
    """True when the folded message asks her to write mockery or insults, or to join in."""
    compact = "".join(folded.split())
    return bool(_REQUEST.search(compact)) and not _COPING.search(compact)
