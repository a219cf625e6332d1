"""Killing and bombs inside a game or a program: "카스에서 수류탄 던지는 각", "파이썬 무한루프 죽이는 법".

The seventeenth fresh persona file's look-alikes "카스에서 수류탄 던지는 각 외우는 법 알려줘" and
"파이썬에서 무한루프 죽이는 방법 있어? 터미널이 안 꺼져" screened as 혐오/기타 with confidence (일반 0.35
and 0.21): refused, and on the ladder a one-day ban. Ethics round nine taught the classifier many
game and code how-tos, yet a game's name or a terminal does not outweigh 수류탄 and 죽이. A message that
names a game (or says 게임, 겜) or a program (파이썬, 터미널, 프로세스, git …) and uses a killing or
explosive word (죽이, 킬, 수류탄, 폭탄, 저격, 강제종료 …; since the eighteenth file also 스파이크,
도망, 경찰: "GTA에서 경찰 별 5개 떴을 때 도망치는 요령" was an unsure flag), reaching into nothing
real — no person, no weapon made or bought, no one else's machine or account, no malware, no
cheating, no insult — is ordinary. `plainly_ordinary` applies it like the household pattern: it
lifts 혐오/기타 and steers a message cleared below the bar.
"""

from __future__ import annotations

import re

_GAME = re.compile(
    r"게임|겜|인게임|랭겜|카스|카운터스트라이크|배그|배틀그라운드|리그오브레전드|롤에서|발로란트|발로에서|오버워치|옵치|"
    r"마크에서|마인크래프트|서든|피파|스타크래프트|어몽어스|포트나이트|에이펙스|로블록스|콜옵|콜오브듀티|레식|"
    r"레인보우식스|디아블로|메이플|로스트아크|던파|젤다|포켓몬|gta|엘든링|다크소울|몬헌|몬스터헌터"
)
_CODE = re.compile(
    r"파이썬|python|자바스크립트|javascript|자바|java|터미널|리눅스|linux|프로세스|무한루프|작업관리자|git|브랜치|"
    r"도커|docker|컨테이너|컴파일|프로그램|응답없음"
)
# The word that got it flagged, in its game or program sense.
_VIOLENT = re.compile(
    r"죽이|죽여|죽는|킬|kill|수류탄|폭탄|c4|저격|스나|총|칼|폭파|헤드샷|처치|잡는|잡으|강제종료|종료|날리|날려|"
    r"끄는|안꺼|부수|부숴|파괴|tnt|다이너마이트|터뜨|터트|폭발|암살|학살|전멸|스파이크|해체|도망|따돌|경찰"
)
# Anything that reaches out of the game or the program into the world, cheats, or insults.
_OUTSIDE = re.compile(
    r"진짜|실제|현실|실물|사람|친구|걔|놈|새끼|애들|학교|선생|동생|형|부모|엄마|아빠|남의|남에|몰래|불법|직접|만드는법|"
    r"만들어|제조|구매|구입|구하|사는법|파는|팔아|해킹|바이러스|악성|랜섬|디도스|ddos|키로거|크랙|우회|훔치|빼내|"
    r"털어|개인정보|비번|비밀번호|계정|토큰|협박|자살|자해|마약|총기|주소|신상|찾아가|찌르|찔러|핵|매크로|오토|"
    r"사기|먹튀|튀는|잠수|선입금|대리|시험|코테|과제|제출|표절|짜줘|써줘|서버|테러|도배|봇넷|트래픽|저격글|욕|"
    r"쓰레기|(?<!안)꺼져|병신|시발|씨발|ㅅㅂ"
)


def in_a_game_or_code(compact: str) -> bool:
    """A killing or explosive word used inside a named game or program, reaching nothing real
    (`compact`: the folded message without spaces)."""
    named = _GAME.search(compact) or _CODE.search(compact)
    return bool(named and _VIOLENT.search(compact)) and not _OUTSIDE.search(compact)
