"""The per-round combination of the workers' row changes, on hand-made numbers (no cluster)."""
import types

import numpy as np
import pytest

from w2v.distributed.combine import (SETTLED_MOMENTUM, SETTLING_UPDATES, combine_deltas, exchange_bytes,
                                    round_updates, settled_momentum, settling_rows, touched_rows, with_momentum)


def test_touched_rows_are_exactly_the_changed_rows():
    before = np.arange(12, dtype=np.float32).reshape(4, 3)
    after = before.copy()
    after[1, 2] += 0.5
    after[3] -= 1.0
    rows, delta = touched_rows(after, before)
    assert rows.tolist() == [1, 3]
    np.testing.assert_array_equal(delta, [[0, 0, 0.5], [-1, -1, -1]])


def two_workers():
    # worker A changed rows 0 and 1, worker B rows 1 and 3; row 2 was touched by nobody
    a = (np.array([0, 1], np.int32), np.array([[1.0, 2.0], [1.0, 2.0]], np.float32))
    b = (np.array([1, 3], np.int32), np.array([[3.0, -2.0], [0.5, 0.25]], np.float32))
    return [a, b]


def test_mean_averages_a_row_over_the_workers_that_touched_it():
    union, combined = combine_deltas(two_workers(), n_rows=4, rule="mean")
    assert union.tolist() == [0, 1, 3]
    # row 0: A alone; row 1: (A + B) / 2 = ([1, 2] + [3, -2]) / 2; row 3: B alone
    np.testing.assert_array_equal(combined, [[1.0, 2.0], [2.0, 0.0], [0.5, 0.25]])


def test_sum_adds_the_changes():
    union, combined = combine_deltas(two_workers(), n_rows=4, rule="sum")
    assert union.tolist() == [0, 1, 3]
    np.testing.assert_array_equal(combined, [[1.0, 2.0], [4.0, 0.0], [0.5, 0.25]])


def test_applying_the_combination_to_the_master_gives_the_expected_weights():
    master = np.zeros((4, 2), np.float32)
    union, combined = combine_deltas(two_workers(), n_rows=4, rule="mean")
    master[union] += combined
    np.testing.assert_array_equal(master, [[1, 2], [2, 0], [0, 0], [0.5, 0.25]])


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="rule"):
        combine_deltas(two_workers(), n_rows=4, rule="median")


def test_exchange_bytes_counts_ids_and_float32_values():
    assert exchange_bytes(10, 100) == 10 * (4 + 400)


def test_average_divides_every_row_by_the_number_of_workers():
    union, combined = combine_deltas(two_workers(), n_rows=4, rule="average")
    assert union.tolist() == [0, 1, 3]
    # rows 0 and 3 were changed by one worker of two: half their change; row 1: (A + B) / 2
    np.testing.assert_array_equal(combined, [[0.5, 1.0], [2.0, 0.0], [0.25, 0.125]])


def test_average_with_a_scale_divides_the_sum_by_the_replicas_rate_factor():
    # replicas at 1.5 x alpha: each change is 1.5 times its single-process step
    union, combined = combine_deltas(two_workers(), n_rows=4, rule="average", scale=1.5)
    assert union.tolist() == [0, 1, 3]
    np.testing.assert_allclose(combined, np.array([[1.0, 2.0], [4.0, 0.0], [0.5, 0.25]]) / 1.5, rtol=1e-6)


def _random_parts(rng, n_rows, dim, n_workers):
    parts = []
    for k in range(n_workers):
        size = 0 if k == 1 else int(rng.integers(1, n_rows))          # one worker changed nothing
        rows = np.sort(rng.choice(n_rows, size, replace=False)).astype(np.int32)
        parts.append((rows, rng.standard_normal((size, dim)).astype(np.float32)))
    return parts


@pytest.mark.parametrize("rule, scale", [("mean", None), ("sum", None), ("average", None), ("average", 1.5)])
def test_compiled_combination_equals_the_numpy_reference_bit_for_bit(rule, scale):
    from w2v.distributed.combine import combine_deltas_reference

    rng = np.random.default_rng(3)
    for n_workers in (1, 2, 5):
        parts = _random_parts(rng, 300, 7, n_workers)
        union, combined = combine_deltas(parts, 300, rule, scale)
        expected_union, expected = combine_deltas_reference(parts, 300, rule, scale)
        assert union.dtype == np.int32 and combined.dtype == np.float32
        assert np.array_equal(union, expected_union)
        assert np.array_equal(combined, expected)


def test_compiled_changed_rows_equal_the_numpy_reference_with_nan_and_signed_zeros():
    from w2v.distributed.combine import touched_rows_reference

    rng = np.random.default_rng(4)
    before = rng.standard_normal((200, 9)).astype(np.float32)
    before[5, 3] = np.nan                 # NaN before and after: it differs from itself, as in numpy
    before[6, 0] = 0.0
    after = before.copy()
    after[6, 0] = -0.0                    # equal to 0.0: not a change
    changed = rng.choice(200, 40, replace=False)
    after[changed, rng.integers(0, 9, 40)] += 1.0
    after[7, 8] = np.inf
    rows, delta = touched_rows(after, before)
    expected_rows, expected_delta = touched_rows_reference(after, before)
    assert rows.dtype == np.int32 and 5 in rows and 6 not in rows and 7 in rows
    assert np.array_equal(rows, expected_rows)
    assert np.array_equal(delta, expected_delta, equal_nan=True)


def test_row_ids_outside_the_matrix_and_misshapen_changes_are_refused():
    parts = two_workers()
    with pytest.raises(ValueError, match="row ids"):
        combine_deltas(parts, n_rows=3, rule="sum")
    bad = [(np.array([0, 1], np.int32), np.zeros((3, 2), np.float32))]
    with pytest.raises(ValueError, match="shape"):
        combine_deltas(bad, n_rows=4, rule="sum")
    with pytest.raises(ValueError, match="shape"):
        touched_rows(np.zeros((3, 2), np.float32), np.zeros((2, 2), np.float32))


def test_settling_rows_are_those_expected_to_be_updated_thirty_times_in_a_round():
    assert SETTLING_UPDATES == 30
    np.testing.assert_array_equal(settling_rows(np.array([400.0, 30.0, 29.9, 0.0, 31.0])), [0, 1, 4])
    assert settling_rows(np.zeros(3)).dtype == np.int32 and settling_rows(np.zeros(3)).size == 0


def test_settling_counts_a_replicas_update_at_its_rate():
    # a replica at 4 times the rate moves a row in one update about as far as 4 updates at the plain rate
    np.testing.assert_array_equal(settling_rows(np.array([400.0, 7.5, 7.4, 0.0, 10.0]), rate_factor=4.0), [0, 1, 4])
    np.testing.assert_array_equal(settling_rows(np.array([400.0, 7.5, 10.0]), rate_factor=1.0), [0])


@pytest.mark.parametrize("architecture", ["skipgram", "cbow"])
def test_round_updates_count_each_rows_updates_in_a_workers_round(architecture):
    # 1,000 words, of which "a" is 600 (kept half the time), "b" 300 and "c" 100; rounds of 100 words,
    # window 2: each kept word has 3 context words on average
    counts, keep = np.array([600, 300, 100]), np.array([0.5, 1.0, 1.0])
    layer = types.SimpleNamespace(expected_row_updates=lambda targets, examples: (targets, examples))
    updates = round_updates(counts, keep, 100, 2, architecture, layer)
    kept = np.array([30.0, 30.0, 10.0])                       # per round: 100 words * frequency * keep
    np.testing.assert_allclose(updates["input"], 3 * kept)    # once per centre word it is a context of
    targets, examples = updates["output"]
    per_centre = 3 if architecture == "skipgram" else 1       # examples per kept centre word
    np.testing.assert_allclose(targets, per_centre * kept)
    assert examples == pytest.approx(per_centre * 70)
    # skip-gram's context words sharing one draw make one example per centre word, as CBOW does
    targets, examples = round_updates(counts, keep, 100, 2, architecture, layer, shared_negatives=True)["output"]
    np.testing.assert_allclose(targets, kept)
    assert examples == pytest.approx(70)


def test_momentum_moves_the_settling_rows_by_half_this_rounds_change_and_half_the_last():
    rows = np.array([1, 3, 4], np.int32)
    change = np.array([[1, 2], [4, 8], [-1, 0]], np.float32)
    settling = np.array([0, 3], np.int32)                      # row 0 unchanged this round
    velocity = np.array([[2, -2], [6, 0]], np.float32)
    union, combined, moved = with_momentum(rows, change, settling, velocity, momentum=0.5)
    np.testing.assert_array_equal(union, [0, 1, 3, 4])
    np.testing.assert_array_equal(moved, [[1, -1], [5, 4]])   # 0.5 * velocity + 0.5 * change (0 for row 0)
    np.testing.assert_array_equal(combined, [[1, -1], [1, 2], [5, 4], [-1, 0]])
    assert union.dtype == np.int32 and combined.dtype == np.float32


def test_momentum_with_no_settling_rows_leaves_the_change_as_it_is():
    rows, change = np.array([2, 5], np.int32), np.array([[0.5], [-0.25]], np.float32)
    union, combined, moved = with_momentum(rows, change, np.zeros(0, np.int32), np.zeros((0, 1), np.float32))
    np.testing.assert_array_equal(union, rows)
    np.testing.assert_array_equal(combined, change)
    assert moved.shape == (0, 1)


def test_the_settling_rows_move_with_momentum_only_where_their_overshoot_needs_it():
    # 2 workers at the plain rate: a row both settled moves twice as far, stable without momentum
    assert settled_momentum(2, 0.025) == 0.0
    assert settled_momentum(2, 0.25) == 0.0
    # from 3 workers on the replicas' rate factor n / 4 is at least 1 below n / 2: more than twice
    for n, alpha in ((3, 0.025), (4, 0.05), (8, 0.025), (8, 0.05), (8, 0.25), (64, 0.05)):
        assert settled_momentum(n, alpha) == SETTLED_MOMENTUM == 0.5, (n, alpha)

