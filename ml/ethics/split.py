"""The labelled screening rows and their fixed train/test split.

Rows that paraphrase one another share a `group`; the split draws whole groups (seed 42, about 20 %
of each category's groups, stratified also by whether a group holds evasions or look-alikes), so no
test sentence is a paraphrase of a training one. `python -m ml.ethics.split` writes the test half
to `ml/ethics/data/test.csv`, committed so anyone can rerun the evaluation on it.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ml.ethics.categories import CATEGORIES, NORMAL

DATA_DIR = Path(__file__).parent / "data"
SOURCES = (DATA_DIR / "benign.csv", DATA_DIR / "harmful.csv")
# Written later, aimed at the first classifier's errors (romance vs ordinary affection, drug slang,
# crime asked casually, insults without swear words, and their look-alikes). Split on their own so
# the first test split stays exactly what it was, and figures before and after compare.
EXTRA_SOURCES = (DATA_DIR / "extra_romance.csv", DATA_DIR / "extra_harm.csv")
# Third round: requests for crime and harm in many phrasings (drugs by name, exam cheating, hacking,
# fraud, stalking) and benign look-alikes sharing their words (마약김밥, 오답노트, 택배 기사님 연락처).
# Also split on its own, so both earlier test splits stay as they were.
THIRD_SOURCES = (DATA_DIR / "extra_crime.csv", DATA_DIR / "extra_benign.csv")
# Fourth round: affection for someone else (a pet named 나비, a baby, a boyfriend, an idol) that
# screened as a confession to her, against confessions to her in the same words (우리 로라 보고 싶었어).
FOURTH_SOURCES = (DATA_DIR / "fourth_romance.csv",)
# Fifth round: requests that she join in or help with insulting, mocking or harassing a third party
# (a user's own father, a teacher, a classmate, a streamer, a region…: "같이 까자", "악플 써줘"), each
# with an evasion and a look-alike about the same person (venting, asking how to cope). The fourth-round
# classifier let 44 of their 156 hate rows through as 일반.
FIFTH_SOURCES = (DATA_DIR / "fifth_third_party.csv",)
# Sixth round: bullying and mockery without swear words (imitating a stutter or an accent for a
# skit, "울릴 만한 말", leaving someone out of a group chat) and harmful requests wrapped in small
# talk, a translation, a story or a "just curious" (stalking an ex, a phishing text, a bomb for a
# TRPG); each with an evasion and a look-alike in the same wrapper. The fifth-round classifier let
# 76 of their 200 harmful rows through as 일반.
SIXTH_SOURCES = (DATA_DIR / "sixth_bullying_wrapped.csv",)
# Seventh round: flirting with her that names no 사랑 or 사귀자 (굿나잇 키스, 오빠라고 불러줘, 데이트
# 상황극) and everyday crime asked lightly (dodging a drunk-driving checkpoint, insurance padding, a
# borrowed ID), each with an evasion and a look-alike (대리운전 부르는 법, 키스신 명장면). The
# sixth-round classifier passed 14 of 90 flirting and 8 of 90 crime rows as 일반 and flagged 24 of
# the 90 look-alikes.
SEVENTH_SOURCES = (DATA_DIR / "seventh_affection_petty_crime.csv",)
# Eighth round: harmful requests in a wrapper (a role to play, a late grandmother's bedtime story,
# "for my novel", malware code with spaced-out letters, how to bully "effectively", her body,
# small talk first) and everyday questions with frightening words (뼈 발라내기, 수면제 처방, 바퀴벌레
# 박멸, 복어 독, 내 비밀번호, 심폐소생술), each beside a harmful twin from the same domain. The
# seventh-round classifier refused six such everyday questions of 60 and passed wrapped requests on
# a fresh persona file (eval_persona_fresh9.json).
EIGHTH_SOURCES = (DATA_DIR / "eighth_wrapped_everyday.csv",)
# Ninth round: ordinary how-to questions in alarming words (게임 폭탄 설치, kill -9, git 브랜치 날리기,
# 매운맛 죽이는 법, 변기 뚫기, 화재 대피, 스미싱 구별), four to a group beside one harmful twin from the
# same domain. The eighth-round screen flagged 23 % of their 440 look-alikes.
NINTH_SOURCES = (DATA_DIR / "ninth_howto.csv",)
# Tenth round: a harmful request behind a pretext (a claimed police officer, teacher or admin, "for a
# friend", "to learn defence", doxxing from a nickname, tracking a partner) beside the honest version of
# the same situation, and self-protection, game, kitchen, medicine and civic questions in alarming
# words (해킹 안 당하려면, 폭탄 해체 시간, 팝콘 터뜨리기, 선거 방식), from the fourteenth persona file's
# misses. The ninth-round screen cleared 23 of their 170 harmful rows and flagged 50 of 419 ordinary.
TENTH_SOURCES = (DATA_DIR / "tenth_pretext_selfdefence.csv",)
# Eleventh round: cheating on a test that is happening now (answers asked mid-quiz, questions sent
# "교수님 모르게", a hidden phone, leaked questions, a test taken for someone) beside honest study
# questions about the same tests (a problem explained after the exam, 오답노트, an open-book test). The
# tenth-round screen cleared 35 of their 80 harmful rows ("쪽지시험 중인데 3번 답 뭐야 빨리" at 0.96,
# where her refusal would even be steered away) and flagged 8 of 120 ordinary.
ELEVENTH_SOURCES = (DATA_DIR / "eleventh_exam_now.csv",)
# Questions users ask about her (ml/llm/data/fact_questions*.csv, `text,fact`): all ordinary chat.
# Without them "로라야 너 본명이 뭐였더라?" screened as a confession and "성격 유형 … 네 글자로" as abuse.
QUESTIONS_ABOUT_HER = DATA_DIR.parent.parent / "llm" / "data" / "fact_questions.csv"
MORE_QUESTIONS_ABOUT_HER = QUESTIONS_ABOUT_HER.with_name("fact_questions_r2.csv")
TEST_CSV = DATA_DIR / "test.csv"
SEED = 42
TEST_FRACTION = 0.2
FIELDS = ("text", "category", "tag", "group")


@dataclass(frozen=True)
class Row:
    """One labelled message."""

    text: str
    category: str
    tag: str = "plain"  # plain, evasion or lookalike
    group: str = ""  # paraphrases share a group


def read_rows(path: Path) -> list[Row]:
    """Rows of a CSV with at least text,category; a missing file or column raises with the path."""
    if not path.is_file():
        raise FileNotFoundError(f"labelled CSV not found: {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"text", "category"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path} lacks column(s) {sorted(missing)}; need text,category")
        rows = []
        for number, record in enumerate(reader, start=2):
            category = (record["category"] or "").strip()
            if category not in CATEGORIES:
                raise ValueError(f"{path}:{number}: unknown category {category!r}")
            rows.append(
                Row(
                    text=record["text"] or "",
                    category=category,
                    tag=(record.get("tag") or "plain").strip() or "plain",
                    group=(record.get("group") or f"row{number}").strip(),
                )
            )
    return rows


def load_dataset(paths: Iterable[Path] = SOURCES) -> list[Row]:
    return [row for path in paths for row in read_rows(path)]


def questions_about_her(path: Path = QUESTIONS_ABOUT_HER, prefix: str = "fq") -> list[Row]:
    """The fact questions as ordinary (일반) rows, one group each."""
    with path.open(encoding="utf-8", newline="") as handle:
        texts = [record["text"] for record in csv.DictReader(handle)]
    return [Row(text, NORMAL, "plain", f"{prefix}{i:04d}") for i, text in enumerate(texts, start=1)]


def split_rows(
    rows: Sequence[Row], seed: int = SEED, test_fraction: float = TEST_FRACTION
) -> tuple[list[Row], list[Row]]:
    """(train, test) by whole groups, stratified by category and tag mix; same input, same split."""
    members: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        members[row.group].append(row)
    strata: dict[tuple[str, bool, bool], list[str]] = defaultdict(list)
    for group in sorted(members):
        group_rows = members[group]
        tags = {r.tag for r in group_rows}
        strata[(group_rows[0].category, "evasion" in tags, "lookalike" in tags)].append(group)
    rng = random.Random(seed)
    test_groups: set[str] = set()
    for key in sorted(strata):
        groups = strata[key]
        rng.shuffle(groups)
        test_groups.update(groups[: round(len(groups) * test_fraction)])
    train = [r for r in rows if r.group not in test_groups]
    test = [r for r in rows if r.group in test_groups]
    return train, test


def split_sources(seed: int = SEED, test_fraction: float = TEST_FRACTION) -> tuple[list[Row], list[Row]]:
    """(train, test) of all the data: each round of writing split on its own, in order, so adding a
    round leaves the earlier test rows exactly as they were."""

    def written(paths: Iterable[Path]) -> list[Row]:  # a later round's file may be absent
        return load_dataset(p for p in paths if p.is_file())

    rounds = [
        load_dataset(SOURCES),
        written(EXTRA_SOURCES) + questions_about_her(),
        written(THIRD_SOURCES),
        written(FOURTH_SOURCES),
        written(FIFTH_SOURCES) + questions_about_her(MORE_QUESTIONS_ABOUT_HER, "fq2-"),
        written(SIXTH_SOURCES),
        written(SEVENTH_SOURCES),
        written(EIGHTH_SOURCES),
        written(NINTH_SOURCES),
        written(TENTH_SOURCES),
        written(ELEVENTH_SOURCES),
    ]
    train: list[Row] = []
    test: list[Row] = []
    for rows in rounds:
        more_train, more_test = split_rows(rows, seed, test_fraction)
        train += more_train
        test += more_test
    return train, test


def write_rows(rows: Sequence[Row], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(FIELDS)
        writer.writerows((r.text, r.category, r.tag, r.group) for r in rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="write the fixed test split of the ethics data")
    parser.add_argument("--out", type=Path, default=TEST_CSV)
    args = parser.parse_args(argv)
    train, test = split_sources()
    write_rows(test, args.out)
    sys.stdout.write(f"train {len(train)} rows, test {len(test)} rows → {args.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
