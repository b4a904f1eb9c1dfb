"""The per-round combination of the workers' row changes, on hand-made numbers (no cluster)."""
import numpy as np
import pytest

from w2v.distributed.combine import combine_deltas, exchange_bytes, touched_rows


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
