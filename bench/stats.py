"""Pure statistics used by the harness (unit-tested in tests/bench/)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise

NONE = "\N{EN DASH}"  # shown where there is no value
TIMES = "\N{MULTIPLICATION SIGN}"


def median(values: Sequence[float]) -> float:
    """The median; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (ordered[mid - 1] + ordered[mid]) / 2.0


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear interpolation between closest ranks; NaN for none."""
    if not 0.0 <= q <= 100.0:
        raise ValueError(f"percentile must be within 0..100, got {q}")
    if not values:
        return math.nan
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    rank = (len(ordered) - 1) * q / 100.0
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def iqr(values: Sequence[float]) -> float:
    """Interquartile range (p75 - p25): the spread shown next to each median."""
    return percentile(values, 75) - percentile(values, 25)


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator; NaN when either is NaN or the denominator is not positive."""
    if math.isnan(numerator) or math.isnan(denominator) or denominator <= 0:
        return math.nan
    return numerator / denominator


def paired_ratio(numerators: Sequence[float], denominators: Sequence[float]) -> float:
    """Median of the per-round ratios of two series measured back to back in each round.

    Pairing cancels drift in the machine's load (other processes on the two cores):
    each round's ratio compares two measurements taken moments apart.
    """
    if len(numerators) != len(denominators):
        raise ValueError("paired series must have the same length")
    ratios = [ratio(n, d) for n, d in zip(numerators, denominators, strict=True)]
    return median([r for r in ratios if not math.isnan(r)])


def paired_difference(minuends: Sequence[float], subtrahends: Sequence[float]) -> float:
    """Median of the per-round differences of two series measured back to back in each
    round (what one variant's extra work costs, with the machine's drift cancelled)."""
    if len(minuends) != len(subtrahends):
        raise ValueError("paired series must have the same length")
    return median([a - b for a, b in zip(minuends, subtrahends, strict=True)])


def marginal_slopes(sizes: Sequence[float], times: Sequence[float]) -> list[float]:
    """Time per extra unit of size between consecutive points (sorted by size)."""
    if len(sizes) != len(times):
        raise ValueError("sizes and times must have the same length")
    points = sorted(zip(sizes, times, strict=True))
    slopes = []
    for (s0, t0), (s1, t1) in pairwise(points):
        if s1 <= s0:
            raise ValueError("sizes must be distinct")
        slopes.append((t1 - t0) / (s1 - s0))
    return slopes


def growth_exponent(sizes: Sequence[float], times: Sequence[float]) -> float:
    """Least-squares slope of log(time) over log(size): 1 is linear, 2 quadratic.

    With a fixed start-up cost the exponent of the total time is below 1 even for
    linear work, so it is a lower bound; `superlinearity` is the budget's test.
    """
    if len(sizes) != len(times) or len(sizes) < 2:
        raise ValueError("need at least two (size, time) points")
    xs = [math.log(s) for s in sizes]
    ys = [math.log(t) for t in times]
    mx = sum(xs) / len(xs)
    my = sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        raise ValueError("sizes must differ")
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


def superlinearity(sizes: Sequence[float], times: Sequence[float]) -> float:
    """How much the cost of one more unit grows: last marginal slope / first marginal slope.

    About 1 for linear growth (the fixed start-up cost cancels out), about the size
    ratio for quadratic growth. Needs at least three points.
    """
    slopes = marginal_slopes(sizes, times)
    if len(slopes) < 2:
        raise ValueError("need at least three (size, time) points")
    return ratio(slopes[-1], slopes[0])


def format_duration(seconds: float) -> str:
    """A duration with a unit that keeps 3 significant digits: 7.31 µs, 23.5 ms, 1.20 s."""
    if math.isnan(seconds):
        return NONE
    magnitude = abs(seconds)
    if magnitude >= 1:
        value, unit = seconds, "s"
    elif magnitude >= 1e-3:
        value, unit = seconds * 1e3, "ms"
    else:
        value, unit = seconds * 1e6, "µs"
    if abs(value) >= 100:
        return f"{value:.0f} {unit}"
    if abs(value) >= 10:
        return f"{value:.1f} {unit}"
    return f"{value:.2f} {unit}"
