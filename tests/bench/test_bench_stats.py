"""bench.stats: pure functions, exact answers."""

from __future__ import annotations

import math

import pytest

from bench import stats


def test_median_odd_even_and_empty() -> None:
    assert stats.median([3.0, 1.0, 2.0]) == 2.0
    assert stats.median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert math.isnan(stats.median([]))


def test_percentile_interpolates_between_ranks() -> None:
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert stats.percentile(values, 0) == 1.0
    assert stats.percentile(values, 100) == 100.0
    assert stats.percentile(values, 50) == pytest.approx(50.5)
    assert stats.percentile(values, 99) == pytest.approx(99.01)
    assert stats.percentile([7.0], 99) == 7.0
    assert math.isnan(stats.percentile([], 50))
    with pytest.raises(ValueError):
        stats.percentile(values, 101)


def test_iqr() -> None:
    assert stats.iqr([1.0, 2.0, 3.0, 4.0, 5.0]) == pytest.approx(2.0)


def test_ratio_guards_against_nan_and_zero() -> None:
    assert stats.ratio(6.0, 3.0) == 2.0
    assert math.isnan(stats.ratio(1.0, 0.0))
    assert math.isnan(stats.ratio(math.nan, 1.0))


def test_paired_ratio_is_the_median_of_per_round_ratios() -> None:
    # Round 2 ran while the machine was busy: both sides slowed, the ratio did not.
    ours = [11.0, 33.0, 12.0]
    base = [10.0, 30.0, 10.0]
    assert stats.paired_ratio(ours, base) == pytest.approx(1.1)
    with pytest.raises(ValueError):
        stats.paired_ratio([1.0], [1.0, 2.0])


def test_growth_exponent_of_linear_and_quadratic() -> None:
    sizes = [50.0, 200.0, 500.0]
    assert stats.growth_exponent(sizes, [s * 0.01 for s in sizes]) == pytest.approx(1.0)
    assert stats.growth_exponent(sizes, [s * s for s in sizes]) == pytest.approx(2.0)


def test_superlinearity_ignores_fixed_cost() -> None:
    sizes = [50.0, 200.0, 500.0]
    linear_with_startup = [0.5 + 0.01 * s for s in sizes]
    assert stats.superlinearity(sizes, linear_with_startup) == pytest.approx(1.0)
    quadratic = [0.5 + 1e-5 * s * s for s in sizes]
    assert stats.superlinearity(sizes, quadratic) == pytest.approx(700 / 250)
    with pytest.raises(ValueError):
        stats.superlinearity([1.0, 2.0], [1.0, 2.0])


def test_marginal_slopes_sorts_by_size() -> None:
    assert stats.marginal_slopes([200.0, 50.0], [3.0, 1.5]) == [pytest.approx(0.01)]
    with pytest.raises(ValueError):
        stats.marginal_slopes([1.0, 1.0], [1.0, 2.0])


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (7.31e-6, "7.31 µs"),
        (0.0235, "23.5 ms"),
        (0.312, "312 ms"),
        (1.2, "1.20 s"),
        (math.nan, stats.NONE),
    ],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert stats.format_duration(seconds) == text


def test_paired_difference_is_the_median_of_the_per_round_differences() -> None:
    assert stats.paired_difference([50.0, 60.0, 45.0], [10.0, 11.0, 9.0]) == 40.0
    with pytest.raises(ValueError, match="same length"):
        stats.paired_difference([1.0], [1.0, 2.0])
