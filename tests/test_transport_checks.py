"""Closed-form checks of the optimal-transport diagnostics behind WGAN-GP Proposition 1 and Figure 1a."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from torch import nn

from paperlib.analysis.diagnostics import coupled_segment_gradients, relative_change
from paperlib.config import ParameterError
from paperlib.metrics.toy import kr_efficiency, optimal_pairs


def _linear_critic(w: torch.Tensor) -> nn.Module:
    """D(x) = <w, x>: gradient w everywhere, Lipschitz constant ||w||."""
    critic = nn.Linear(len(w), 1, bias=False)
    with torch.no_grad():
        critic.weight.copy_(w[None])
    return critic


def test_optimal_pairs_equal_brute_force_minimum() -> None:
    """On 6 + 6 points the coupling found by POT has the cost of the best of all 720 permutations."""
    rng = np.random.RandomState(0)
    x, y = rng.randn(6, 2), rng.randn(6, 2) + 1
    cost = np.linalg.norm(x[:, None] - y[None], axis=2)
    best = min(cost[np.arange(6), list(p)].sum() for p in itertools.permutations(range(6)))
    pairs = optimal_pairs(x, y)
    assert sorted(pairs) == list(range(6))  # a permutation
    assert cost[np.arange(6), pairs].sum() == pytest.approx(best)


def test_optimal_pairs_recover_a_small_shuffled_shift() -> None:
    x = np.random.RandomState(1).rand(50, 2) * 10
    perm = np.random.RandomState(2).permutation(50)
    assert (optimal_pairs(x, x[perm] + 1e-3) == np.argsort(perm)).all()


def test_optimal_pairs_refuse_unequal_sizes() -> None:
    with pytest.raises(ValueError, match="equal size"):
        optimal_pairs(np.zeros((3, 2)), np.zeros((4, 2)))


def test_kr_efficiency_of_linear_critics_on_a_translation() -> None:
    """P_g = P_r - v: W1 = ||v||. A critic along v attains the KR bound (1), one across v nothing (0)."""
    real = torch.randn(300, 2)
    v = torch.tensor([0.6, 0.8])
    fake = real - v
    probe = torch.randn(100, 2)
    assert kr_efficiency(_linear_critic(3 * v), real, fake, probe) == pytest.approx(1.0, abs=1e-4)
    assert kr_efficiency(_linear_critic(torch.tensor([0.8, -0.6])), real, fake, probe) == pytest.approx(
        0, abs=1e-5
    )


def test_kr_efficiency_of_a_flat_critic_is_zero() -> None:
    """A critic that is constant (every ReLU dead) separates nothing; one flat on every probe but not
    between them is refused rather than divided by zero."""
    real, fake = torch.randn(50, 2), torch.randn(50, 2) + 1
    dead = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
    with torch.no_grad():
        dead[0].weight.zero_()
        dead[0].bias.fill_(-1.0)  # every unit off everywhere
    assert kr_efficiency(dead, real, fake, torch.randn(20, 2)) == 0.0
    step = torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.Sigmoid())
    with torch.no_grad():
        step[0].weight.copy_(torch.tensor([[1e4, 1e4]]))  # saturated on both sides of the line x + y = 0
        step[0].bias.fill_(-1e4 * 0.5)  # far from every point of the two sets
    real_far, fake_far = torch.full((10, 2), 5.0), torch.full((10, 2), -5.0)
    with pytest.raises(ValueError, match="zero gradient on every probe"):
        kr_efficiency(step, real_far, fake_far, torch.full((5, 2), 5.0))


def test_coupled_segment_gradients_of_the_optimal_critic_of_a_translation() -> None:
    """For P_g = P_r - v the optimal critic is <v/||v||, x>: Proposition 1 holds exactly."""
    real = torch.rand(200, 2) * 0.1  # a small set moved far: the optimal coupling is the translation
    v = torch.tensor([3.0, 4.0])
    result = coupled_segment_gradients(_linear_critic(v / 5), real - v, real)
    assert np.allclose(result["norm"], 1.0, atol=1e-6)
    assert np.allclose(result["cosine"], 1.0, atol=1e-6)
    rotated = coupled_segment_gradients(_linear_critic(torch.tensor([-0.8, 0.6])), real - v, real)
    assert np.allclose(rotated["cosine"], 0.0, atol=1e-3)


def test_random_pairs_are_the_negative_control_of_the_segment_check() -> None:
    """A spread-out set moved by a short v: the optimal coupling is the translation, along which the
    optimal critic <v/||v||, x> has cosine 1; on randomly paired segments its gradient is no longer
    aligned with y - x (median cosine 0.23 with the seed of the tests; bound 0.5)."""
    real = torch.randn(400, 2) * 3
    v = torch.tensor([0.3, 0.4])
    critic = _linear_critic(v / 0.5)
    coupled = coupled_segment_gradients(critic, real - v, real)
    shuffled = coupled_segment_gradients(critic, real - v, real, pairing="random")
    assert np.allclose(coupled["cosine"], 1.0, atol=1e-5)
    assert np.median(shuffled["cosine"]) < 0.5
    assert np.allclose(shuffled["norm"], 1.0, atol=1e-6)  # the norm alone cannot tell them apart
    with pytest.raises(ParameterError, match="pairing"):
        coupled_segment_gradients(critic, real - v, real, pairing="nearest")


def test_relative_change() -> None:
    assert relative_change([0, 0, 0, 0, 0, 0, 1, 1, 2, 2], fraction=0.2) == pytest.approx(0.5)
    assert relative_change(np.ones(50)) == 0.0
    with pytest.raises(ValueError, match="fraction"):
        relative_change([1.0, 2.0], fraction=0.2)
