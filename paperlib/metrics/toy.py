"""Distances between sample sets and mode statistics for the 2-D toy problems.

* :func:`wasserstein`: the exact W_p between the empirical measures of two sample sets, by the
  network-simplex solver of POT (``ot.emd2``), with uniform weights.
* :func:`mmd`: the unbiased estimate of the squared maximum mean discrepancy with a sum of
  Gaussian kernels (Gretton et al. 2012, eq. 3).
* :func:`mode_statistics`: number of mixture components covered and the share of "high-quality"
  samples, those within 3 standard deviations of their nearest centre (the convention of
  VEEGAN / Unrolled GAN for the 8- and 25-gaussian mixtures).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import ot
import torch

from paperlib.config import check_choice, check_finite, check_int
from paperlib.methods.penalties import gradient_norm

ArrayLike = np.ndarray | torch.Tensor


def _numpy(x: ArrayLike) -> np.ndarray:
    """Samples as a float64 ``(N, d)`` array; NaN or infinite values are refused (POT would return
    0.0 for them, a perfect score for a diverged run)."""
    x = x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)
    check_finite("samples", x)
    return x.reshape(len(x), -1).astype(np.float64)


def wasserstein(x: ArrayLike, y: ArrayLike, p: int = 1) -> float:
    """Exact ``W_p`` (p = 1 or 2, Euclidean ground cost) between two sample sets, via ``ot.emd2``."""
    check_choice("p", p, (1, 2))
    x, y = _numpy(x), _numpy(y)
    cost = ot.dist(x, y, metric="euclidean") ** p
    a, b = ot.unif(len(x)), ot.unif(len(y))
    return float(ot.emd2(a, b, cost, numItermax=10_000_000)) ** (1.0 / p)


def mmd(x: ArrayLike, y: ArrayLike, bandwidths: Sequence[float] = (0.1, 0.5, 1.0, 2.0)) -> float:
    """Unbiased ``MMD^2`` between two sample sets with the kernel ``sum_s exp(-||a-b||^2 / (2 s^2))``."""
    x, y = _numpy(x), _numpy(y)
    m, n = len(x), len(y)

    def kernel(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        d2 = ot.dist(a, b, metric="sqeuclidean")
        return sum(np.exp(-d2 / (2 * s**2)) for s in bandwidths)

    kxx, kyy, kxy = kernel(x, x), kernel(y, y), kernel(x, y)
    term_x = (kxx.sum() - np.trace(kxx)) / (m * (m - 1))
    term_y = (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
    return float(term_x + term_y - 2 * kxy.mean())


def mode_statistics(
    samples: ArrayLike, centers: ArrayLike, std: float, n_std: float = 3.0, min_count: int = 1
) -> dict[str, float]:
    """Modes covered and share of high-quality samples for a Gaussian mixture with per-axis ``std``.

    A sample is high quality when its Euclidean distance to the nearest centre is at most
    ``n_std * std``; a mode is covered when at least ``min_count`` high-quality samples fall on it.
    For exact samples of a 2-D isotropic mixture the high-quality share is ``1 - exp(-n_std^2 / 2)``
    (0.989 for 3 std), since the distance to the centre is Rayleigh distributed.
    """
    check_int("min_count", min_count, 1)
    samples, centers = _numpy(samples), _numpy(centers)
    dist = ot.dist(samples, centers, metric="euclidean")
    nearest = dist.argmin(axis=1)
    good = dist[np.arange(len(samples)), nearest] <= n_std * std
    counts = np.bincount(nearest[good], minlength=len(centers))
    return {"modes": int((counts >= min_count).sum()), "high_quality": float(good.mean())}


def optimal_pairs(x: ArrayLike, y: ArrayLike) -> np.ndarray:
    """Index ``j[i]`` of the point of ``y`` coupled to ``x[i]`` by an optimal W1 coupling (``ot.emd``).

    For two sets of the same size with uniform weights an optimal coupling is a permutation
    (Birkhoff), so each point has exactly one partner.
    """
    x, y = _numpy(x), _numpy(y)
    if len(x) != len(y):
        raise ValueError(f"optimal_pairs needs sets of equal size, got {len(x)} and {len(y)}")
    plan = ot.emd(ot.unif(len(x)), ot.unif(len(y)), ot.dist(x, y, metric="euclidean"), numItermax=10_000_000)
    return plan.argmax(axis=1)


def kr_efficiency(
    critic: torch.nn.Module, real: torch.Tensor, fake: torch.Tensor, probe: torch.Tensor
) -> float:
    """How much of the Kantorovich-Rubinstein bound a critic attains: ``gap / (L * W1)``.

    ``gap = E[D(real)] - E[D(fake)]``, ``L`` the largest gradient norm of the critic over ``probe``
    (an estimate of its Lipschitz constant) and ``W1`` the exact distance between the two sets. By
    KR duality ``gap <= L * W1`` for every L-Lipschitz critic, with equality for a multiple of the
    optimal critic, so the ratio is at most 1 (up to ``L`` being estimated on ``probe`` only) and
    measures how close the critic's *shape* is to the optimal one, whatever its scale. A critic
    that is flat at every point (zero gradient and zero gap, as a clipped ReLU critic whose units
    all died) attains none of it: 0. One with zero gradient at every point but a gap is refused,
    since ``probe`` then missed where it varies.
    """
    with torch.no_grad():
        gap = (critic(real).mean() - critic(fake).mean()).item()
    lipschitz = gradient_norm(critic, torch.cat([probe, real, fake])).max().item()
    if lipschitz == 0.0:
        if gap != 0.0:
            raise ValueError(f"the critic separates the sets by {gap} but has zero gradient on every probe")
        return 0.0
    return gap / (lipschitz * wasserstein(real, fake))
