"""Noise distribution and the alias table."""
import numpy as np
import pytest

from w2v.corpus import AliasTable, noise_distribution


def test_noise_distribution_formula():
    counts = np.array([100, 10, 1, 0])
    p = noise_distribution(counts)
    expected = counts ** 0.75 / (counts ** 0.75).sum()
    np.testing.assert_allclose(p, expected)
    assert p.dtype == np.float64 and p.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(noise_distribution(counts, exponent=1.0), counts / counts.sum())
    with pytest.raises(ValueError):
        noise_distribution(np.zeros(3))


@pytest.mark.parametrize("seed", [0, 1])
def test_alias_table_reproduces_distribution_exactly(seed):
    p = np.random.default_rng(seed).dirichlet(np.ones(50) * 0.3)
    table = AliasTable.from_probabilities(p)
    assert table.accept.dtype == np.float32 and table.alias.dtype == np.int32
    assert np.all((table.accept >= 0) & (table.accept <= 1))
    assert np.all((table.alias >= 0) & (table.alias < 50))
    np.testing.assert_allclose(table.probabilities(), p, atol=1e-6)


def test_alias_sampling_frequencies_chi_square():
    counts = np.array([500, 200, 120, 80, 40, 30, 20, 7, 2, 1])
    p = noise_distribution(counts)
    table = AliasTable.from_probabilities(p)
    n = 200_000
    draws = table.sample(n, np.random.default_rng(12345))
    observed = np.bincount(draws, minlength=len(p))
    expected = n * p
    chi2 = float(((observed - expected) ** 2 / expected).sum())
    # 9 degrees of freedom: the 99.9% quantile is 27.9.
    assert chi2 < 27.9, chi2


def test_zero_probability_never_drawn():
    table = AliasTable.from_probabilities(np.array([0.5, 0.0, 0.5]))
    draws = table.sample(10_000, 0)
    assert 1 not in set(draws.tolist())


def test_alias_rejects_bad_input():
    with pytest.raises(ValueError):
        AliasTable.from_probabilities(np.array([]))
    with pytest.raises(ValueError):
        AliasTable.from_probabilities(np.array([0.0, 0.0]))
    with pytest.raises(ValueError):
        AliasTable.from_probabilities(np.array([1.0, -0.5]))
