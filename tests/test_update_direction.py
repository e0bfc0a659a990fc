"""The update direction of a divergence (paperlib.analysis.update_direction): eq. 4's two directions, eq. 5's
alignment on the point mass, and eq. 6 through the trainer."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from paperlib.analysis.update_direction import divergence_between_points, update_alignment, update_and_descent
from paperlib.data.toy import ToySampler
from paperlib.methods.penalized_wasserstein import LipschitzPenalty
from paperlib.methods.penalties import NearFake
from paperlib.nets.mlp import MLP
from paperlib.setups import toy_trainer
from paperlib.training.optimizers import OptimizerSpec


def _affine_trainer(**method: object) -> tuple:
    trainer = toy_trainer("8gaussians", seed=0, width=16, generator="affine", generator_steps=0, **method)
    trainer.critic = MLP(2, 1, depth=2, width=16, activation="tanh")  # smooth: finite differences apply
    real = ToySampler("8gaussians", 5)(512)
    noise = torch.randn(512, 2, generator=torch.Generator().manual_seed(6))
    return trainer, real, noise


def test_without_a_penalty_the_update_is_the_steepest_descent() -> None:
    """Eq. 4 with m_2(x) = x and r_f = 0 (the WGAN): grad E_Q[f] is -grad tau(.; f) itself, so the
    autograd update and the finite-difference descent agree to the differences' error."""
    trainer, real, noise = _affine_trainer(regularizer=None)
    update, descent = update_and_descent(trainer, real, noise)
    assert update.shape == descent.shape == (6,)  # A (2 x 2) and b
    # float32 differences at the default step: errors of order 1e-5 (see the next test)
    np.testing.assert_allclose(descent, update, rtol=0, atol=1e-4)


def test_the_descent_includes_the_penalty_and_the_moved_points() -> None:
    """With tau_P's Lipschitz term at Q'_theta the descent is -grad of the whole gain, penalty included
    (autograd through the same random draws, as an independent computation), and differs from the
    update direction by that term."""
    trainer, real, noise = _affine_trainer(regularizer=LipschitzPenalty(0.5), fake_points=NearFake(0.01))
    state = torch.get_rng_state()
    update, descent = update_and_descent(trainer, real, noise, seed=3)
    assert torch.equal(torch.get_rng_state(), state)  # the training streams are left as they were
    before = {k: v.clone() for k, v in trainer.generator.state_dict().items()}
    update_and_descent(trainer, real, noise)
    assert all(torch.equal(before[k], v) for k, v in trainer.generator.state_dict().items())  # bitwise
    torch.manual_seed(3)
    fake = trainer.fake_points(real, trainer.generator(noise))
    loss, _, _ = trainer.critic_loss(real, fake)
    by_autograd = torch.cat(
        [g.flatten() for g in torch.autograd.grad(loss, list(trainer.generator.parameters()))]
    )
    # -grad gain = grad loss, to the differences' error: 1.9e-5 measured at the default step, where
    # it still falls with the step (truncation); 1e-4 allowed
    np.testing.assert_allclose(descent, by_autograd.numpy(), rtol=0, atol=1e-4)
    assert np.abs(descent - update).max() > 1e-2  # the penalty's own gradient: the check can tell


@pytest.mark.parametrize(("a", "b"), [(0.3, -1.2), (-3.0, 1.0)])
def test_tau_simple_between_two_points_is_found_by_the_trained_critic(a: float, b: float) -> None:
    """Eq. 6 through the trainer: the gain |a - b| / 4 at f(a) - f(b) = |a - b| / 2 (the maximum of
    the concave d - d^2 / |a - b|; Adam ends within 1e-6 of it, so 1e-4 leaves room for other CPUs),
    and not after one step."""
    found = divergence_between_points(a, b, LipschitzPenalty(1.0), seed=0)
    assert found["gain"] == pytest.approx(abs(a - b) / 4, abs=1e-4)
    assert found["difference"] == pytest.approx(abs(a - b) / 2, abs=1e-3)
    early = divergence_between_points(a, b, LipschitzPenalty(1.0), seed=0, steps=1)
    assert abs(early["difference"] - abs(a - b) / 2) > 1e-2


def test_update_alignment_on_the_point_mass_finds_eq_5_with_a_half() -> None:
    """With one real point the optimal tau_P critic is a cone, for which the update and the steepest
    descent are parallel with |descent| / |update| = 1/2 (the chapter's derivation). A trained PWGAN
    critic gets there (measured: cosine 0.999-1.000, ratio 0.51-0.52 at width 64; here width 16,
    400 steps); the untrained one is measured first, on the same probe."""
    found = update_alignment(
        "dirac", 400, seed=0, width=16, n_critic=1, eval_every=10**9, eval_samples=10,
        optimizer=OptimizerSpec("adam", 1e-3), regularizer=LipschitzPenalty(0.5), fake_points=NearFake(0.01),
    )  # fmt: skip
    assert set(found) == {"cosine_untrained", "ratio_untrained", "cosine", "ratio", "wall"}
    assert found["cosine"] > 0.99 and found["ratio"] == pytest.approx(0.5, abs=0.05)
    assert found["cosine_untrained"] < found["cosine"] and found["wall"] > 0
