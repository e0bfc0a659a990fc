"""Exact transport distances, MMD and mode statistics on toy data (paperlib.metrics.toy)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats
import torch

from paperlib.config import ParameterError
from paperlib.data.toy import ToySampler, mixture_centers, mixture_std
from paperlib.metrics.toy import mmd, mode_statistics, wasserstein


# ---------------------------------------------------------------- Wasserstein
@pytest.mark.parametrize("p", [1, 2])
def test_wasserstein_of_a_set_with_itself_is_zero(p: int) -> None:
    """W_p(x, x) = 0 (up to the network-simplex solver's ~1e-8 round-off)."""
    x = np.random.RandomState(0).randn(60, 2)
    assert wasserstein(x, x, p) == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("p", [1, 2])
def test_wasserstein_translation(p: int) -> None:
    """Shifting a set by v moves it exactly ||v|| in W_1 and W_2."""
    x = np.random.RandomState(1).randn(80, 2)
    v = np.array([0.3, -0.4])
    assert wasserstein(x, x + v, p) == pytest.approx(0.5, rel=1e-9)


def test_wasserstein_accepts_tensors() -> None:
    """Torch tensors (with grad, float32) are accepted and give the same value as NumPy arrays."""
    x = torch.randn(30, 2, requires_grad=True)
    y = torch.randn(40, 2)
    assert wasserstein(x, y) == pytest.approx(wasserstein(x.detach().numpy(), y.numpy()), rel=1e-12)


@pytest.mark.parametrize(("m", "n"), [(50, 50), (40, 70)])
def test_wasserstein_1d_matches_scipy(m: int, n: int) -> None:
    """In 1-D (sets given as (n, 1)), W_1 equals scipy.stats.wasserstein_distance, also for m != n."""
    rng = np.random.RandomState(2)
    x, y = rng.randn(m), rng.exponential(size=n)
    assert wasserstein(x[:, None], y[:, None]) == pytest.approx(
        scipy.stats.wasserstein_distance(x, y), rel=1e-7
    )
    # a flat (n,) array is read as n points in 1-D
    assert wasserstein(x, y) == pytest.approx(scipy.stats.wasserstein_distance(x, y), rel=1e-7)


def test_w2_1d_sorted_closed_form() -> None:
    """For equal sizes in 1-D, W_2 = sqrt(mean((sort x - sort y)^2))."""
    rng = np.random.RandomState(3)
    x, y = rng.randn(64), rng.rand(64) * 3
    expected = math.sqrt(np.mean((np.sort(x) - np.sort(y)) ** 2))
    assert wasserstein(x[:, None], y[:, None], p=2) == pytest.approx(expected, rel=1e-7)


def test_w2_point_masses() -> None:
    """W_2 between two point masses (any sample counts) is the distance between the points."""
    a, b = np.array([1.0, 2.0]), np.array([-2.0, 6.0])
    x, y = np.tile(a, (7, 1)), np.tile(b, (4, 1))
    assert wasserstein(x, y, p=2) == pytest.approx(5.0, rel=1e-9)
    assert wasserstein(x, y, p=1) == pytest.approx(5.0, rel=1e-9)


def test_w2_at_least_w1() -> None:
    """W_2 >= W_1 (Jensen), strictly here since the transported distances differ."""
    rng = np.random.RandomState(4)
    x, y = rng.randn(50, 2), rng.randn(50, 2) * 2
    assert wasserstein(x, y, 2) > wasserstein(x, y, 1)


def test_wasserstein_refuses_other_p() -> None:
    """Only p = 1 and p = 2 are supported."""
    with pytest.raises(ParameterError, match="p=3"):
        wasserstein(np.zeros((2, 2)), np.zeros((2, 2)), p=3)


# ---------------------------------------------------------------- MMD
def _mmd_loop(x: np.ndarray, y: np.ndarray, bandwidths: tuple[float, ...]) -> float:
    """Direct double-loop unbiased MMD^2 with a sum of Gaussian kernels."""

    def k(a: np.ndarray, b: np.ndarray) -> float:
        d2 = float(np.sum((a - b) ** 2))
        return sum(math.exp(-d2 / (2 * s * s)) for s in bandwidths)

    m, n = len(x), len(y)
    kxx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    kyy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    kxy = sum(k(x[i], y[j]) for i in range(m) for j in range(n)) / (m * n)
    return kxx + kyy - 2 * kxy


@pytest.mark.parametrize("bandwidths", [(0.1, 0.5, 1.0, 2.0), (0.7,)])
def test_mmd_matches_double_loop(bandwidths: tuple[float, ...]) -> None:
    """mmd equals the direct double-loop unbiased estimate on a tiny example (m=4, n=6)."""
    rng = np.random.RandomState(5)
    x, y = rng.randn(4, 2), rng.randn(6, 2) + 0.5
    assert mmd(x, y, bandwidths) == pytest.approx(_mmd_loop(x, y, bandwidths), rel=1e-10, abs=1e-12)


def test_mmd_symmetric() -> None:
    """MMD^2(x, y) = MMD^2(y, x)."""
    rng = np.random.RandomState(6)
    x, y = rng.randn(20, 2), rng.randn(30, 2)
    assert mmd(x, y) == pytest.approx(mmd(y, x), rel=1e-12)


def test_mmd_same_distribution_near_zero() -> None:
    """Two independent samples of N(0, I) (300 each): |MMD^2| small.

    Measured over 50 seeds: |MMD^2| <= 0.014 (std 0.0056), so 0.03 is about 5 std.
    """
    rng = np.random.RandomState(7)
    assert abs(mmd(rng.randn(300, 2), rng.randn(300, 2))) < 0.03


def test_mmd_shifted_distribution_positive() -> None:
    """N(0, I) against N((1, 1), I) (300 each): MMD^2 clearly positive (measured 0.38-0.61 over 50 seeds)."""
    rng = np.random.RandomState(8)
    assert mmd(rng.randn(300, 2), rng.randn(300, 2) + 1.0) > 0.2


# ---------------------------------------------------------------- mode statistics
def test_mode_statistics_exact_samples() -> None:
    """Exact 8-gaussian samples cover all 8 modes with a high-quality share 1 - exp(-4.5) = 0.989."""
    x = ToySampler("8gaussians", seed=9)(20_000)
    stats = mode_statistics(x, mixture_centers("8gaussians"), mixture_std("8gaussians"))
    assert stats["modes"] == 8
    assert stats["high_quality"] == pytest.approx(1 - math.exp(-4.5), abs=0.01)


def test_mode_statistics_25gaussians_with_other_n_std() -> None:
    """The Rayleigh law holds for other thresholds: n_std=2 gives 1 - exp(-2) on 25 gaussians."""
    x = ToySampler("25gaussians", seed=10)(20_000)
    stats = mode_statistics(x, mixture_centers("25gaussians"), mixture_std("25gaussians"), n_std=2.0)
    assert stats["modes"] == 25
    assert stats["high_quality"] == pytest.approx(1 - math.exp(-2.0), abs=0.01)


def test_mode_statistics_collapsed() -> None:
    """All samples at one centre: one mode, all high quality."""
    centers = mixture_centers("8gaussians")
    x = np.tile(centers[3], (500, 1))
    stats = mode_statistics(x, centers, mixture_std("8gaussians"))
    assert stats == {"modes": 1, "high_quality": 1.0}


def test_mode_statistics_far_samples_and_min_count() -> None:
    """Samples far from every centre count for nothing; min_count drops thinly covered modes."""
    centers = mixture_centers("8gaussians")
    std = mixture_std("8gaussians")
    far = np.zeros((10, 2))  # the origin is 1.41 from every centre, 100 std away
    assert mode_statistics(far, centers, std) == {"modes": 0, "high_quality": 0.0}
    x = np.concatenate([np.tile(centers[0], (5, 1)), np.tile(centers[1], (2, 1)), far[:3]])
    stats = mode_statistics(x, centers, std, min_count=3)
    assert stats["modes"] == 1
    assert stats["high_quality"] == pytest.approx(0.7)
