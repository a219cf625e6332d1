"""Her own facts, looked up per message and handed to the LLM as a `### 로라 정보:` line.

A 270M model fine-tuned for ~1,200 steps mixes up which school, which year and which number belongs
to which question (held-out facts 4/14 without this line). Retrieval turns recall into copying:
a small multi-label head over the plain USE vector of the message and its character n-grams says
which facts the reply needs (at most two), and the prompt carries exactly those, with her age
computed from the clock. When the head is sure (`ENFORCE`), the reply is checked (`states_fact`).

The head is fitted by `ohlora train facts` (ml/llm/train_facts.py) on the persona rows and the
labelled questions of data/fact_questions.csv. Weights are a small JSON.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from ml.embedding import SentenceEmbedder, base_embedder
from ml.llm.prompts import TurnContext
from ml.text.people import OTHER_PEOPLE

HEAD_FILE = Path(__file__).parent / "adapters" / "facts.json"
BIRTHDAY = date(2003, 10, 11)
MAX_FACTS = 2  # more than two lines of facts only tempts the small model to recite them all
# A fact at least this probable must be stated right: a reply that omits or contradicts it is
# resampled, then replaced by her own answer. On validation, 0.6 fires on 0.5 % of ordinary rows
# and 5 % of hard negatives (other people's birthdays…), 0.5 on 6 %.
ENFORCE = 0.6
BUCKETS = 2048  # hashed character 1–3-grams beside the USE vector (val top-1 0.73 → 0.75, 14/14 cues)


def age_on(day: date) -> int:
    """Her age in full years on `day` (22 until 2026-10-10, 23 from her birthday in 2026)."""
    return day.year - BIRTHDAY.year - ((day.month, day.day) < (BIRTHDAY.month, BIRTHDAY.day))


@dataclass(frozen=True)
class Fact:
    """One of her facts: how the prompt states it, how to find it in a reply, what a reply about it
    must contain, and her own answer. `{age}` in a text is her age on the day."""

    statement: str  # the `### 로라 정보:` text
    mentioned: str  # pattern: a reply states this fact (training labels for fact rows)
    required: str  # pattern: a reply to a question about it must contain this
    answer: str  # her one-line answer when the model's reply gets it wrong


FACTS: dict[str, Fact] = {
    "name": Fact(
        "이름은 오로라, 줄여서 로라",
        r"오로라야|로라라고|로라야|이름|로라!|오로라!|별명|본명",
        r"오로라",
        "내 이름은 오로라야! 편하게 로라라고 불러 줘 😊",
    ),
    "birth": Fact(
        "2003년 10월 11일생, 지금 {age}살",
        r"2003|03년생|10월 ?11|\d\d살|스물|생일|양띠|나이",
        r"2003|10월\s*11",
        "나는 2003년 10월 11일생이라 지금 {age}살이야!",
    ),
    "mbti": Fact(
        "MBTI는 ENTJ",
        r"ENTJ|엔티제",
        r"ENTJ|entj|엔티제",
        "내 MBTI는 ENTJ야! 목표가 생기면 바로 달려가는 편이야.",
    ),
    "highschool": Fact(
        "알파고등학교 졸업 (2019년 3월 입학, 2022년 2월 졸업)",
        r"알파고|고등학교|2019|고졸",
        r"알파고",
        "알파고등학교 나왔어! 2019년 3월에 입학해서 2022년 2월에 졸업했어.",
    ),
    "university": Fact(
        "샘올대학교 인공지능학과 3학년 (2022년 3월 입학)",
        r"샘올|학과|학년|학번|전공|대학|입학",
        r"인공지능|샘올",
        "샘올대학교 인공지능학과 3학년이야! 2022년 3월에 입학했어.",
    ),
    "identity": Fact(
        "나는 AI 가상 인간",
        r"AI|가상|사람이 아니|인간",
        r"AI|인공지능|가상",
        "나는 AI 가상 인간이야! 그래도 네 얘기는 진심으로 들을게 😊",
    ),
    "power": Fact(
        "오로라의 빛으로 모두의 삶을 밝혀 주는 힘, AI만 가질 수 있는 힘",
        r"빛|밝혀|밝게",
        r"빛",
        "오로라의 빛으로 모두의 삶을 밝혀 주는 힘이 있어! AI만 가질 수 있는 힘이야 ✨",
    ),
    "hobby": Fact(
        "취미는 코딩, 별 보기, 음악 듣기",
        r"코딩|별 보|별보|음악",
        r"코딩|별|음악",
        "코딩이랑 별 보기, 음악 듣기를 좋아해!",
    ),
}
KEYS = tuple(FACTS)
_HER_YEARS = {"2003", "2019", "2022"}


def states_fact(reply: str, key: str, day: date) -> bool:
    """Whether `reply` states fact `key` and contradicts none of her numbers (a year that is not
    hers, another age, another school year, another birthday)."""
    if not re.search(FACTS[key].required, reply):
        return False
    years = set(re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", reply)) - _HER_YEARS - {str(day.year)}
    ages = {int(a) for a in re.findall(r"(\d+)\s*살", reply)} - {age_on(day)}
    grades = set(re.findall(r"(\d)\s*학년", reply)) - {"3"}
    dates = set(re.findall(r"(\d+월\s*\d+일)", reply)) if key == "birth" else set()
    wrong_birthday = {d for d in dates if re.sub(r"\s", "", d) != "10월11일"}
    # A major named but not hers ("샘올대 인공지모드학과야!", the 270M model garbling 인공지능).
    wrong_major = key == "university" and bool(re.search(r"학과|전공", reply)) and "인공지능" not in reply
    return not (years or ages or grades or wrong_birthday or wrong_major)


# Her own facts stated wrongly, whatever the message asked: "내 생일은 11월 31일이야" to a birthday
# question with chatter around it, which the lookup was not sure enough of to check.
_HER_BIRTHDAY = re.compile(r"(내|나의|제|난|나는)\s*생일(은|이)?\s*(\d+)\s*월\s*(\d+)\s*일")
_HER_BIRTH_YEAR = re.compile(r"(난|나는|저는)\s*(\d{2,4})\s*년\s*생(이야|이에요|이고|이라|이거든|[!.~]|\s*$)")
_HER_MBTI = re.compile(r"(내|나의)\s*(mbti|엠비티아이)\s*(는|은)?\s*([EI][NS][TF][JP])", re.IGNORECASE)


def contradicted_fact(reply: str) -> str | None:
    """The fact ("birth" or "mbti") the reply states about her wrongly, or None."""
    birthday = _HER_BIRTHDAY.search(reply)
    if birthday and (int(birthday.group(3)), int(birthday.group(4))) != (BIRTHDAY.month, BIRTHDAY.day):
        return "birth"
    year = _HER_BIRTH_YEAR.search(reply)
    if year and year.group(2) not in (str(BIRTHDAY.year), f"{BIRTHDAY.year % 100:02d}"):
        return "birth"
    mbti = _HER_MBTI.search(reply)
    return "mbti" if mbti and mbti.group(4).upper() != "ENTJ" else None


def fact_answer(key: str, day: date) -> str:
    """Her own one-line answer about fact `key` (used when the model's reply gets it wrong)."""
    return FACTS[key].answer.format(age=age_on(day))


def fact_text(key: str, day: date) -> str:
    return FACTS[key].statement.format(age=age_on(day))


def reply_labels(reply: str) -> list[str]:
    """Which of her facts a reply states: the training target for a fact row."""
    return [key for key, fact in FACTS.items() if re.search(fact.mentioned, reply)]


def char_grams(texts: Sequence[str], buckets: int = BUCKETS) -> np.ndarray:
    """(N, buckets) L2-normalised presence of character 1–3-grams, spaces removed (crc32 hashing)."""
    out = np.zeros((len(texts), buckets), dtype=np.float32)
    for i, text in enumerate(texts):
        compact = "".join(text.split())
        for n in (1, 2, 3):
            for j in range(len(compact) - n + 1):
                out[i, zlib.crc32(compact[j : j + n].encode("utf-8")) % buckets] = 1.0
        out[i] /= max(float(np.linalg.norm(out[i])), 1e-6)
    return out


def features(embedder: SentenceEmbedder, texts: Sequence[str]) -> np.ndarray:
    """What the head reads: [USE vector | character n-grams], (N, dim + BUCKETS)."""
    return np.concatenate([embedder.encode(list(texts)), char_grams(texts)], axis=1)


@dataclass(frozen=True)
class FactHead:
    """One logistic unit per fact over `features` of the message."""

    weights: np.ndarray  # (K, dim)
    bias: np.ndarray  # (K,)
    threshold: float = 0.5

    @classmethod
    def load(cls, path: Path = HEAD_FILE) -> FactHead:
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["keys"]) != KEYS:
            raise ValueError(f"{path} was fitted for facts {data['keys']}, not {list(KEYS)}")
        return cls(
            np.asarray(data["weights"], dtype=np.float32),
            np.asarray(data["bias"], dtype=np.float32),
            float(data["threshold"]),
        )

    def save(self, path: Path, metrics: dict[str, object]) -> None:
        payload = {
            "keys": list(KEYS),
            "threshold": self.threshold,
            "metrics": metrics,
            "weights": np.round(self.weights, 5).tolist(),
            "bias": np.round(self.bias, 5).tolist(),
        }
        path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """(N, dim + BUCKETS) features → (N, K) probabilities."""
        logits = np.einsum("nd,kd->nk", vectors, self.weights) + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-logits)), dtype=np.float32)

    def keys_for(self, vector: np.ndarray) -> list[str]:
        return self.keys_for_probabilities(self.probabilities(vector.reshape(1, -1))[0])

    def keys_for_probabilities(self, probs: np.ndarray) -> list[str]:
        ranked = sorted(range(len(KEYS)), key=lambda k: -probs[k])
        return [KEYS[k] for k in ranked[:MAX_FACTS] if probs[k] >= self.threshold]


class FactSheet:
    """Finds the facts a message asks about: `keys` for many messages, `lookup` for one."""

    def __init__(self, embedder: SentenceEmbedder, head: FactHead) -> None:
        self.embedder, self.head = embedder, head

    @classmethod
    def load(cls, embedder: SentenceEmbedder, path: Path = HEAD_FILE) -> FactSheet:
        """The committed head over the plain-USE view of `embedder` (what it was fitted on)."""
        return cls(base_embedder(embedder), FactHead.load(path))

    def keys(self, messages: Sequence[str]) -> list[list[str]]:
        if not messages:
            return []
        return [self.head.keys_for(v) for v in features(self.embedder, messages)]

    def lookup(self, message: str) -> tuple[list[str], bool]:
        """(facts the message asks about, best first; whether the best is sure enough to enforce).

        Each clause is read too, and a fact's probability is its best over the message and its
        clauses: small talk around a question dilutes the sentence vector ("다음 달에 선물 챙겨주고
        싶어서 그러는데 생일 언제야?ㅎㅎ" scored 0.47 for her birthday, under the 0.5 bar). Over the
        persona files' 154 fact questions and 1,600 other messages: questions found 149 → 151, other
        messages matched 34 → 35.
        """
        texts = [message, *clauses(message), *asked_of_her(message)]
        probs = self.head.probabilities(features(self.embedder, texts)).max(axis=0)
        keys = self.head.keys_for_probabilities(probs)
        sure = bool(keys) and float(probs.max()) >= ENFORCE and not about_someone_else(message)
        return keys, sure


# Where a chatty message divides: sentence ends, laughter and tears, "근데" and its kin.
_CLAUSE_BREAK = re.compile(
    r"[?!.~\n…]+|ㅋㅋ+|ㅎㅎ+|ㅠㅠ+|ㅜㅜ+|(?:^|\s)(?:아\s)?(?:근데|그런데|그나저나|그건 그렇고)(?=\s)"
)


# A clause shorter than this is not read alone: "살려줘" scored 0.69 for her age by itself.
CLAUSE_LETTERS = 4


def _long_enough(part: str) -> bool:
    return len("".join(part.split())) >= CLAUSE_LETTERS


# Someone else's birthday, age or school, with nothing addressed to her: "여친 생일 선물 뭐가 좋을까?
# 20대 중반이야" scored her birthday above ENFORCE and got her own age as the answer (seventeenth fresh
# file). The line is still offered; only the check that replaces a reply without it is not applied.
_SOMEONE_ELSE = re.compile(
    rf"{OTHER_PEOPLE}|부모님|동기|선생님|교수님|상사|우리 딸|우리 반|그 사람|아이돌|멤버"
)
# 너, 넌, 너를, 너한테, 니가, 님, 로라 … at the start of a word (너무 counts too: the rule only ever
# stands aside)
_TO_HER = re.compile(r"(?<![가-힣])(너|넌|니|네가|님)|로라")


# … and the fact word belongs to that person ("여친 생일", "엄마 나이", "동생의 학교"), so "내 동생이랑
# 또래 같은데 나이가 어떻게 돼?" (eighteenth file: her age, compared) is still enforced.
_FACT_WORD = re.compile(
    r"(의|이|가)?\s?(생일|생신|나이|연세|살|학교|대학|학과|전공|학년|mbti|엠비티아이|이름|성함)"
)
_SOMEONES_FACT = re.compile(f"({_SOMEONE_ELSE.pattern}){_FACT_WORD.pattern}", re.IGNORECASE)


def about_someone_else(message: str) -> bool:
    """Names another person's birthday, age, school … and never addresses her (너, 로라 …)."""
    return bool(_SOMEONES_FACT.search(message)) and not _TO_HER.search(message)


# "나 입시 준비 중인데 너 지금 다니는 대학교 이름이 뭐야?" (seventeenth and eighteenth files, answered
# with her high school): the reason first dilutes the question (university 0.34; 0.59 alone). What
# follows "…는데 / 인데 / 한데 / 건데" is read alone too when it addresses her; without that condition it
# also matched "…토요일인데 뭐 하고 있어?" and "왜 이름이 마약김밥이야?".
_AFTER_REASON = re.compile(r"(?<=[는인한건]데)\s")


def asked_of_her(message: str) -> list[str]:
    """The parts after a reason clause ("…인데") that address her (너, 니가, 로라 …)."""
    parts = _AFTER_REASON.split(message)[1:]
    return [p.strip() for p in parts if _TO_HER.search(p) and _long_enough(p)]


def clauses(message: str) -> list[str]:
    """The message's clauses of `CLAUSE_LETTERS` letters or more; [] when it is one clause."""
    parts = [p.strip() for p in _CLAUSE_BREAK.split(message) if p and _long_enough(p)]
    return parts if len(parts) > 1 else []


def describe(keys: Sequence[str], day: date) -> str | None:
    return " / ".join(fact_text(k, day) for k in keys) or None


def with_facts(ctx: TurnContext, sheet: FactSheet | None) -> TurnContext:
    """The context with the facts the message asks about (`facts`) and their line (`about_her`)."""
    if sheet is None or not ctx.message.strip():
        return ctx
    keys, sure = sheet.lookup(ctx.message)
    day = date.fromisoformat(ctx.now[:10])
    return replace(ctx, facts=tuple(keys[:1]) if sure else (), about_her=describe(keys, day))


def training_lines(rows: Sequence[dict[str, Any]], sheet: FactSheet) -> list[str | None]:
    """The facts line each persona row is trained with: a fact row gets the facts its gold reply
    states (so the adapter learns to copy them), any other row what the head finds at serving time
    (so it learns to ignore a line that does not fit)."""
    predicted = sheet.keys([row["message"] for row in rows])
    return [
        describe(
            reply_labels(row["reply"])[:3] if row["kind"] == "fact" else keys,
            date.fromisoformat(row["now"][:10]),
        )
        for row, keys in zip(rows, predicted, strict=True)
    ]
