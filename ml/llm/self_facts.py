"""Lasting facts the user states about themself that the 270M analysis often misses: a pet they keep,
an allergy, a food they do not eat.

"나 고양이 키우는데 이름은 치즈야" stored nothing in the terminal chat: the analysis finds fewer than
half of the facts worth keeping (`ohlora eval analysis`), and a pet, an allergy and a food the user
will not eat are the facts a later message most often leans on ("치즈가 밥을 안 먹어", "서브웨이
꿀조합 알려줘"). Like `ml.llm.plans`, each is read from the message only when the model stored no
memory under that key, and only when the message states it of the user, now: someone else's pet
("친구가 고양이 키우는데"), a wish ("키우고 싶다"), a question, a past pet ("키웠었는데"), a denial
("알레르기 없어") and a passing state ("배불러서 더 못 먹어") are left alone.

    [반려동물: 고양이 치즈]   [알레르기: 복숭아]   [싫어하는 음식: 오이]
"""

from __future__ import annotations

import re

from ml.memory.records import MemoryFact
from ml.text.people import OTHER_PEOPLE

PET, ALLERGY, CANNOT_EAT = "반려동물", "알레르기", "싫어하는 음식"


def _words(text: str) -> list[str]:
    return text.split()


_SPECIES = {
    **dict.fromkeys(
        _words(
            "강아지 댕댕이 멍멍이 강쥐 말티즈 푸들 진돗개 시바견 포메 비숑 웰시코기 리트리버 치와와 닥스훈트 "
            "요크셔테리어 슈나우저 시츄 보더콜리 허스키 골든리트리버"
        ),
        "강아지",
    ),
    **dict.fromkeys(
        _words(
            "고양이 냥이 냥냥이 뚱냥이 러시안블루 코숏 페르시안 스코티시폴드 먼치킨 샴고양이 "
            "브리티시숏헤어 뱅갈 랙돌 노르웨이숲"
        ),
        "고양이",
    ),
    **dict.fromkeys(_words("햄스터 햄찌"), "햄스터"),
    **dict.fromkeys(_words("앵무새 모란앵무 왕관앵무 사랑앵무"), "앵무새"),
    **{n: n for n in _words("토끼 거북이 고슴도치 금붕어 열대어 구피 베타 도마뱀 게코 기니피그 페럿 소라게")},
}
_ANIMAL = "|".join(sorted(_SPECIES, key=len, reverse=True))
_COUNT = r"(?:\s*(?:한|두|세|네|다섯|\d+)\s*마리)?"
# "…키워", "…키우는데", "…키우고 있어", "…키움" — not "키우고 싶어", "키울까", "키웠었어", "키우는 법"
_KEEPS = (
    r"(?:키(?:워(?!\s*(?:볼|봐|도|야|줄|보|본|봤))|우는데|우는\s*중|우고\s*[있잇]|움|운다|웁니다|워요|우거든|"
    r"운\s*지|우잖|우면서)|입양했|입양함|데려왔|모시고\s*살)"
)
_KEPT = re.compile(rf"(?:^|[^가-힣])({_ANIMAL})({_COUNT})\s*(?:를|을|도|만|랑)?\s*(?:[가-힣]+\s+)?{_KEEPS}")
# "내가 키우는 고양이", "집에 금붕어 세 마리 있음"
_MINE = re.compile(
    rf"(?:내가|제가)?\s*키우는\s*({_ANIMAL})|(?:^|\s)(?:우리\s*)?집에\s*({_ANIMAL}){_COUNT}\s*(?:이|가|도)?\s*[있잇]"
)
_OURS = re.compile(
    rf"(?:^|\s)(?:우리\s*집|울\s*집|우리|울|내|제)\s*({_ANIMAL})(?![가-힣]*\s*(?:카페|영상|짤|키우))"
)
_NAMED = re.compile(
    r"이름(?:은|이)?\s*['\"]?([가-힣A-Za-z]{1,6}?)['\"]?\s*"
    r"(?:이야|야|예요|에요|이에요|임|이라고|라고|이고|고|으로|로|[!.~ㅋ]|\s*$)"
)
_NAMED_BEFORE = re.compile(rf"([가-힣A-Za-z]{{1,6}}?)(?:이)?라는\s*({_ANIMAL})")
# "우리 고양이 나비가 …", "우리 집 강아지 초코는 …": the word after the animal, before 가/는, is its name
_NAMED_AFTER = re.compile(rf"(?:{_ANIMAL})\s+([가-힣]{{1,4}}?)(?:가|는|이가|이는)(?:\s|$)")
# fmt: off
_NOT_A_NAME = {
    "너무", "진짜", "정말", "오늘", "요즘", "어제", "사진", "이름", "완전", "맨날", "자꾸", "계속",
    "키우",  # "앵무새 키우는 중": a verb, not a name
}
# fmt: on

_ALLERGIC = re.compile(
    r"([가-힣A-Za-z]{1,8}(?:\s*털)?)\s*알(?:레르기|러지)\s*(?:가|이|도)?\s*(?:좀\s*|조금\s*|심하게\s*|심한\s*게\s*)?"
    # not "있으면" (if), "있었" (had), nor "있는 친구" (someone who has it)
    r"(?:[있잇](?!으면|었|는\s+[가-힣])|심|라서|라\s|때문|땜)"
)
_CANNOT = re.compile(
    r"(?:^|\s)((?:매운|단|짠|신|느끼한|비린|날)\s*거|[가-힣]{1,8})(?:\s*같은\s*거)?\s+"
    r"(?:진짜|정말|완전|아예|절대|원래|전혀|진심|싫어서|싫어해서)?\s*"
    r"(?:못|안)\s*(?:먹(?:어|음|는다|는\s*편|거든|잖)|마셔|마심|마시(?:는다|는\s*편|거든|잖))"
)
# fmt: off
_NOT_FOOD = {
    "더", "잘", "또", "좀", "다", "그", "이", "저", "뭐", "거", "그거", "이거",
    "저거", "많이", "이제", "요즘", "오늘", "지금", "아직", "벌써", "밥", "아침", "점심", "저녁",
    "야식", "간식", "하나도", "아무것도", "나", "난", "저는", "전", "너", "약", "거의",
    "먹어", "먹고", "있어", "있는", "약간", "조금", "심한", "무슨", "어떤", "사료", "아무것", "때문에",
    "싫어서", "싫어해서", "건", "그런", "냄새", "같은", "이런", "저런",
}  # words before 못/안 먹어 that are not a food
# fmt: on

# Someone else is the subject ("친구가 고양이 키우는데", "동생이 새우 알레르기 있어").
_OTHERS = re.compile(
    rf"(?:{OTHER_PEOPLE}|언니|오빠|형|누나|남자\s*친구|여자\s*친구|신랑|옆집|이웃|사촌|얘|애기|아기|딸|룸메|"
    r"반\s*친구|지인|사람)(?:님)?(?:이|가|는|은|네|도|의|들)(?:\s|$)"
)
_ASKS = re.compile(r"\?|할까|될까|어때|어떻게|어떡|뭐|왜|있나|있을까|되나|되냐|인가|나요|까요|던데|대\b|래\b")
# Not a pet kept now: a wish, a plan, a past or lost pet, an animal in a game, a show or the street.
_NOT_A_PET = re.compile(
    r"싶|고민|예정|어릴\s*때|예전|옛날|키웠|무지개\s*다리|떠났|떠난|보내고|동숲|게임|길고양이|길냥이|보호소|영상|만화|드라마"
)
# Not a lasting fact about food: a denial, a passing state, a past one.
_NOT_LASTING = re.compile(r"없|아니|겠|오늘|지금|당분간|아직|배불|싶|금식|다이어트\s*중|나았")
_OTHER_SUBJECT = re.compile(r"(?<![내제])(?:[가-힣]가|[가-힣]{2,}이)\s")  # "나나가 당근을", not "내가"
_SENTENCE = re.compile(r"[.!?~…\n]+|[ㅋㅎㅠㅜ]{2,}|\s(?:근데|그런데|그래서|그리고|하지만)\s")


def self_facts(message: str) -> list[MemoryFact]:
    """The pet, allergy and food-refusal facts the message states about its writer, at most one each."""
    found: dict[str, MemoryFact] = {}
    for clause in _clauses(message):
        if not clause or _OTHERS.search(clause) or _ASKS.search(clause):
            continue
        pet = None if _NOT_A_PET.search(clause) else _pet(clause, message)
        if pet and PET not in found:
            found[PET] = MemoryFact(key=PET, value=pet)
        if _NOT_LASTING.search(clause):
            continue
        allergic = _ALLERGIC.search(clause)
        if allergic and allergic.group(1) not in _NOT_FOOD:
            if ALLERGY not in found:
                found[ALLERGY] = MemoryFact(key=ALLERGY, value=re.sub(r"\s+", " ", allergic.group(1)))
            continue  # "새우 알러지 있어서 새우깡도 못 먹음": the food follows from the allergy
        refused = _CANNOT.search(clause)
        if refused is None or _OTHER_SUBJECT.search(clause[: refused.start(1) + 1]):
            continue
        food = re.sub(r"(?<=[가-힣])(?:은|는|을|를)$", "", refused.group(1))
        if food and CANNOT_EAT not in found and food not in _NOT_FOOD:
            found[CANNOT_EAT] = MemoryFact(key=CANNOT_EAT, value=food)
    return list(found.values())


def _clauses(message: str) -> list[str]:
    """The message cut at sentence ends and conjunctions, each clause keeping its end mark (a "?")."""
    parts = re.split(f"({_SENTENCE.pattern})", message)
    return [
        (text + (parts[i + 1] if i + 1 < len(parts) else "")).strip()
        for i, text in enumerate(parts)
        if i % 2 == 0
    ]


def _pet(clause: str, message: str) -> str | None:
    kept = _KEPT.search(clause)
    other = None if kept else (_MINE.search(clause) or _OURS.search(clause))
    if kept is None and other is None:
        return None
    animal = kept.group(1) if kept else next(g for g in other.groups() if g)  # type: ignore[union-attr]
    species = _SPECIES[animal]
    count = re.sub(r"\s+", " ", kept.group(2)).strip() if kept else ""
    named = _NAMED.search(message) or _NAMED_BEFORE.search(clause) or _NAMED_AFTER.search(clause)
    name = named.group(1) if named and named.group(1) not in _NOT_A_NAME else ""
    return " ".join(part for part in (species, name or count) if part)
