"""The statistics behind the appeals report, computed from aggregate counts only.

Every function takes sums (successes and trials; totals and sums of squares), never
individual records, because that is all the server keeps. 95 % two-sided throughout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z_95 = 1.959963984540054  # the standard normal's 97.5th percentile
SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float


@dataclass(frozen=True)
class Comparison:
    z: float
    p_value: float

    @property
    def significant(self) -> bool:
        return self.p_value < SIGNIFICANCE


def _normal_two_sided_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


def wilson_interval(*, successes: int, trials: int, z: float = Z_95) -> Interval:
    """The Wilson score interval for a proportion: sound near 0 % and for small samples, where
    appeals' conversion rates live. With no trials, the whole of [0, 1]."""
    if trials <= 0:
        return Interval(0.0, 0.0, 1.0)
    successes = min(max(successes, 0), trials)
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator
    return Interval(p, max(0.0, centre - half), min(1.0, centre + half))


def two_proportion_test(
    *, successes_a: int, trials_a: int, successes_b: int, trials_b: int
) -> Comparison:
    """Two-proportion z-test with the pooled proportion. No data or no variation: p = 1."""
    if trials_a <= 0 or trials_b <= 0:
        return Comparison(0.0, 1.0)
    pooled = (successes_a + successes_b) / (trials_a + trials_b)
    variance = pooled * (1 - pooled) * (1 / trials_a + 1 / trials_b)
    if variance <= 0:
        return Comparison(0.0, 1.0)
    z = (successes_a / trials_a - successes_b / trials_b) / math.sqrt(variance)
    return Comparison(z, _normal_two_sided_p(z))


def _mean_and_variance(*, n: int, total: float, squares: float) -> tuple[float, float]:
    """Mean and unbiased sample variance of n values from their sum and sum of squares."""
    mean = total / n
    if n < 2:
        return mean, 0.0
    # max(): rounding in the sums must not produce a (tiny) negative variance.
    return mean, max(0.0, (squares - total * total / n) / (n - 1))


def mean_interval(*, n: int, total: float, squares: float, z: float = Z_95) -> Interval:
    """Normal-approximation interval for a mean from aggregates (here: revenue per view, where
    a view that brought nothing counts as 0). Fine for the thousands of views an appeal test
    needs; it does not pretend to be more than that for a handful."""
    if n <= 0:
        return Interval(0.0, 0.0, 0.0)
    mean, variance = _mean_and_variance(n=n, total=total, squares=squares)
    half = z * math.sqrt(variance / n)
    return Interval(mean, max(0.0, mean - half), mean + half)


def two_means_test(
    *, n_a: int, total_a: float, squares_a: float, n_b: int, total_b: float, squares_b: float
) -> Comparison:
    """Welch's z-test for the difference of two means, from aggregates."""
    if n_a < 2 or n_b < 2:
        return Comparison(0.0, 1.0)
    mean_a, var_a = _mean_and_variance(n=n_a, total=total_a, squares=squares_a)
    mean_b, var_b = _mean_and_variance(n=n_b, total=total_b, squares=squares_b)
    se = math.sqrt(var_a / n_a + var_b / n_b)
    if se <= 0:
        return Comparison(0.0, 1.0)
    z = (mean_a - mean_b) / se
    return Comparison(z, _normal_two_sided_p(z))
