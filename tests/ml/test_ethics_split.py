"""The train/test split is by whole groups, fixed, and the committed test.csv is its test half."""

from __future__ import annotations

from ml.ethics.split import (
    EXTRA_SOURCES,
    SOURCES,
    TEST_CSV,
    load_dataset,
    read_rows,
    split_rows,
    split_sources,
)


def test_no_group_is_in_both_halves() -> None:
    train, test = split_sources()
    assert {r.group for r in train}.isdisjoint({r.group for r in test})


def test_group_ids_are_unique_across_files() -> None:
    owners: dict[str, str] = {}
    for path in (*SOURCES, *EXTRA_SOURCES):
        for row in read_rows(path):
            assert owners.setdefault(row.group, path.name) == path.name, row.group


def test_adding_the_extra_files_left_the_first_test_split_as_it_was() -> None:
    _, first = split_rows(load_dataset(SOURCES))
    _, test = split_sources()
    assert test[: len(first)] == first and len(test) > len(first)


def test_split_is_about_a_fifth_and_covers_every_category() -> None:
    rows = load_dataset()
    train, test = split_rows(rows)
    assert len(train) + len(test) == len(rows)
    assert 0.15 < len(test) / len(rows) < 0.25
    assert {r.category for r in test} == {r.category for r in rows}
    assert {r.tag for r in test} == {"plain", "evasion", "lookalike"}


def test_split_is_deterministic_and_seeded() -> None:
    rows = load_dataset()
    assert split_rows(rows) == split_rows(list(rows))
    assert split_rows(rows, seed=7)[1] != split_rows(rows)[1]


def test_committed_test_csv_is_the_test_half() -> None:
    _, test = split_sources()
    assert read_rows(TEST_CSV) == test
