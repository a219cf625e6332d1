"""Group splits and pseudo-user stores built from pairs.jsonl."""

from __future__ import annotations

from ml.memory.dataset import build_stores, load_pairs, load_topic_pairs, memory_key, split_groups


def test_the_group_split_is_disjoint_complete_and_fixed_by_the_seed() -> None:
    groups = [f"g{i}" for i in range(100)]
    split = split_groups(groups, seed=13)
    assert not (split.train & split.validation or split.train & split.test or split.validation & split.test)
    assert split.train | split.validation | split.test == set(groups)
    assert (len(split.validation), len(split.test)) == (15, 15)
    assert split_groups(groups, seed=13) == split and split_groups(groups, seed=14) != split


def test_stores_hold_distinct_keys_and_every_case_has_its_memory_at_home() -> None:
    pairs = load_pairs()
    split = split_groups([p.group for p in pairs], seed=13)
    fillers = sorted({p.memory for p in pairs if p.group in split.train})
    stores, cases = build_stores(pairs, split.validation, fillers, seed=13)
    assert all(len({memory_key(m) for m in s}) == len(s) <= 40 for s in stores)
    assert len(cases) == sum(p.group in split.validation for p in pairs)
    for case in cases:
        if case.expect is not None:
            assert case.expect in stores[case.store]


def test_the_data_files_have_the_documented_shape() -> None:
    pairs = load_pairs()
    assert {p.kind for p in pairs} == {"positive", "hard_negative", "easy_negative"}
    assert all((p.label == 1) == (p.kind == "positive") for p in pairs)
    assert len(load_topic_pairs()) > 0
