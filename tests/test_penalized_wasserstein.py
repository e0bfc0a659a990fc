"""The penalized Wasserstein divergences of the First Order GAN paper (paperlib.methods.penalized_wasserstein)
and its perturbed points Q'_theta (paperlib.methods.penalties.NearFake), against per-pair loops."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np
import pytest
import torch
from torch import nn

from paperlib.config import ParameterError, seed_everything
from paperlib.data.toy import ToySampler
from paperlib.methods.penalized_wasserstein import (
    FirstOrderPenalty,
    LipschitzPenalty,
    gradient_targets,
    lipschitz_terms,
)
from paperlib.methods.penalties import NearFake
from paperlib.nets.dcgan import DCGANCritic, DCGANGenerator
from paperlib.nets.mlp import MLP, toy_critic, toy_generator
from paperlib.training.trainer import Trainer


def _critic(dim: int) -> nn.Module:
    return MLP(dim, 1, depth=3, width=16, activation="tanh").double()


class _ConvCritic(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.head = nn.Linear(4 * 6 * 6, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.tanh(self.conv(x)).flatten(start_dim=1))


def _batches(shape: tuple[int, ...], n: int = 7) -> tuple[torch.Tensor, torch.Tensor]:
    real = torch.randn(n, *shape, dtype=torch.float64)
    return real, torch.randn(n, *shape, dtype=torch.float64) + 0.5


def _f(critic: nn.Module, x: torch.Tensor) -> float:
    return critic(x[None]).item()


def _slope(critic: nn.Module, x: torch.Tensor) -> torch.Tensor:
    point = x[None].clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(point).sum(), point)
    return grad.flatten().norm()


def _loop_target(critic: nn.Module, real: torch.Tensor, x_prime: torch.Tensor, joint_norm: bool) -> float:
    """t(x') by Definition 6 (or, uncapped, the joint norm of the DCGAN code of 2017), one real sample
    at a time."""
    vectors, inverse = [], []
    for x in real:
        r = (x - x_prime).flatten().norm().item() + 1e-6
        vectors.append((x - x_prime).flatten() * (_f(critic, x) - _f(critic, x_prime)) / r**3)
        inverse.append(1 / r)
    top = torch.stack(vectors).norm() if joint_norm else torch.stack(vectors).mean(dim=0).norm()
    return top.item() / (sum(inverse) / len(inverse))


@pytest.mark.parametrize("shape", [(2,), (3, 6, 6)])
def test_the_lipschitz_term_is_the_mean_over_matched_pairs(shape: tuple[int, ...]) -> None:
    critic = _critic(2) if shape == (2,) else _ConvCritic().double()
    real, fake = _batches(shape)
    loop = [
        (_f(critic, x) - _f(critic, y)) ** 2 / (x - y).flatten().norm().item()
        for x, y in zip(real, fake, strict=True)
    ]
    value = LipschitzPenalty(0.3).penalty(critic, real, fake)
    # the same sums in another order: agreement to float64 rounding, not bitwise
    assert value.item() == pytest.approx(0.3 * sum(loop) / len(loop), rel=1e-12)


def test_a_pair_closer_than_the_guard_pays_nothing_and_keeps_gradients_finite() -> None:
    critic = _critic(2)
    real, fake = _batches((2,), 4)
    fake = fake.clone()
    fake[1] = real[1] + 1e-10  # the official code drops pairs closer than 1e-8
    fake.requires_grad_(True)
    terms = lipschitz_terms(real, fake, critic(real).flatten(), critic(fake).flatten())
    assert terms[1].item() == 0.0 and (terms[[0, 2, 3]] > 0).all()
    terms.sum().backward()
    assert torch.isfinite(fake.grad).all()


@pytest.mark.parametrize("target", ["definition", "capped_joint_norm"])
@pytest.mark.parametrize("shape", [(2,), (3, 6, 6)])
def test_gradient_targets_match_a_loop_over_the_real_batch(shape: tuple[int, ...], target: str) -> None:
    critic = _critic(2) if shape == (2,) else _ConvCritic().double()
    real, fake = _batches(shape, 6)
    t = gradient_targets(real, fake[:5], critic(real).flatten(), critic(fake[:5]).flatten(), target)
    loop = [_loop_target(critic, real, y, target == "capped_joint_norm") for y in fake[:5]]
    # the matrix form rewrites mean_i w_ji (x_i - x'_j) as two sums: float64 rounding apart
    torch.testing.assert_close(t, torch.tensor(loop, dtype=torch.float64), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("shape", [(2,), (3, 6, 6)])
def test_the_first_order_penalty_is_both_terms_against_a_loop(shape: tuple[int, ...]) -> None:
    critic = _critic(2) if shape == (2,) else _ConvCritic().double()
    real, fake = _batches(shape)
    lam, mu = 0.4, 1.5
    value = FirstOrderPenalty(lam, mu).penalty(critic, real, fake)
    lipschitz = LipschitzPenalty(1.0).penalty(critic, real, fake).item()
    gradient = [(_slope(critic, y).item() - _loop_target(critic, real, y, False)) ** 2 for y in fake]
    assert value.item() == pytest.approx(lam * lipschitz + mu * sum(gradient) / len(gradient), rel=1e-9)


def test_the_capped_joint_norm_target_is_capped_at_the_optimal_slope() -> None:
    critic = _critic(2)
    real, fake = _batches((2,), 32)
    out = critic(real).flatten(), critic(fake).flatten()
    raw = gradient_targets(real, fake, *out, "capped_joint_norm")
    capped = FirstOrderPenalty(lam=2.0, mu=1.0, target="capped_joint_norm").targets(real, fake, *out)
    assert (raw > 0.25).any()  # the cap binds somewhere, else this test checks nothing
    torch.testing.assert_close(capped, raw.clamp(max=1 / (2 * 2.0)), rtol=0, atol=0)
    assert torch.equal(
        FirstOrderPenalty(lam=2.0, mu=1.0).targets(real, fake, *out), gradient_targets(real, fake, *out)
    )


# ---------------------------------------------------------------- the official DCGAN code
RELEASED, SUPERSEDED = "66826b8480e8994a046cfeb7f52bd4262278abdd", "66ec0f0fed41ef33756106507a69c7c073f60409"


def _official_dcgan_target(
    commit: str, inputs: np.ndarray, x_prime: np.ndarray, logits_real: np.ndarray, logit: float, lam: float
) -> float:
    """The slope target of one x' that the gradient penalty of zalandoresearch/first_order_gan,
    ``DCGAN_FID_batched/model.py``, subtracts, transcribed line by line in float64 on NHWC batches.

    At 66826b8 (2018-01-25; unchanged to the repository's head, and what ``run_fogan.sh`` runs)::

        map_input_difference = inputs - map_G_interpolate
        map_norm = l2norm(map_input_difference) + 10e-7
        map_bot = tf.squeeze(tf.pow(map_norm , -3))
        map_top = tf.squeeze(tf.stop_gradient(self.D_logits_real) - map_g_logits_interpolate)
        first_output = map_input_difference * tf.reshape(map_top * map_bot, [self.batch_size, 1, 1, 1])
        first_output = tf.norm(tf.reduce_mean(first_output, axis=[0]))
        second_output = tf.reduce_mean(tf.pow(map_norm , -1))
        return tf.maximum(0., first_output / second_output)
        ...
        gradient_penalty = tf.reduce_mean(tf.square(slopes - d_slope_target))

    At 66ec0f0 (2017-11-16) the same but for two lines (the second is one line in the source)::

        first_output = tf.reduce_mean(tf.norm(first_output))
        gradient_penalty = tf.reduce_mean(tf.square(
            slopes-tf.minimum(1. / (2. * self.lipschitz_penalty), d_slope_target)))

    with ``l2norm(x) = tf.squeeze(tf.sqrt(tf.reduce_sum(tf.square(x), axis=[1,2,3])))``.
    """
    map_input_difference = inputs - x_prime
    map_norm = np.sqrt(np.sum(np.square(map_input_difference), axis=(1, 2, 3))) + 10e-7
    map_bot = np.power(map_norm, -3)
    map_top = logits_real - logit
    first_output = map_input_difference * (map_top * map_bot).reshape(-1, 1, 1, 1)
    if commit == RELEASED:
        first_output = np.sqrt(np.sum(np.square(np.mean(first_output, axis=0))))
    else:  # tf.norm of the whole (batch, h, w, c) tensor, then the mean of that scalar
        first_output = np.sqrt(np.sum(np.square(first_output)))
    second_output = np.mean(np.power(map_norm, -1))
    target = max(0.0, first_output / second_output)
    return target if commit == RELEASED else min(1.0 / (2.0 * lam), target)


@pytest.mark.parametrize("target, commit", [("definition", RELEASED), ("capped_joint_norm", SUPERSEDED)])
def test_the_image_targets_are_the_official_dcgan_code_at_its_commits(target: str, commit: str) -> None:
    """Definition 6 (the default) is the released DCGAN code; ``capped_joint_norm`` its form of 2017.
    Both against the transcription above, on a small random conv critic: the targets, and the whole
    penalty (``model.py``'s Lipschitz term and ``mu * tf.reduce_mean(tf.square(slopes - t))``)."""
    seed_everything(0)
    critic = _ConvCritic().double()
    real, fake = _batches((3, 6, 6), 16)
    with torch.no_grad():
        f_real, f_fake = critic(real).flatten().numpy(), critic(fake).flatten().numpy()
    x, x_prime = real.permute(0, 2, 3, 1).numpy(), fake.permute(0, 2, 3, 1).numpy()

    def official(commit: str, lam: float) -> np.ndarray:
        pairs = zip(x_prime, f_fake, strict=True)
        return np.array([_official_dcgan_target(commit, x, y, f_real, f, lam) for y, f in pairs])

    # the cap 1 / (2 lam) at the median of the released target binds for some x' under both forms, so
    # a cap missing from the old form or applied to the default would fail this test
    lam, mu = 1 / (2 * np.median(official(RELEASED, 1.0))), 1.5
    cap = 1 / (2 * lam)
    assert (official(SUPERSEDED, lam) == cap).any() and (official(RELEASED, lam) > cap).any()
    t = official(commit, lam)
    penalty = FirstOrderPenalty(lam, mu) if target == "definition" else FirstOrderPenalty(lam, mu, target)
    out = critic(real).flatten(), critic(fake).flatten()
    # float64 on both sides, but the package forms mean_i v_ij from two matrix products and the loop
    # elementwise: rounding apart, sums of n d = 1,728 terms of 1e-16 relative error each, amplified
    # by the cancellation in the mean (sum_i |v_ij| over |sum_i v_ij|, under 16 here); 1e-9 is far above
    torch.testing.assert_close(penalty.targets(real, fake, *out), torch.from_numpy(t), rtol=1e-9, atol=0)
    top, bot = f_real - f_fake, np.sqrt(np.sum(np.square(x - x_prime), axis=(1, 2, 3)))
    lipschitz = np.mean(np.where(bot < 10e-9, 0.0, np.square(top) / bot))
    slopes = np.array([_slope(critic, y).item() for y in fake])
    expected = lam * lipschitz + mu * np.mean(np.square(slopes - t))
    assert penalty.penalty(critic, real, fake).item() == pytest.approx(expected, rel=1e-9)  # as above


def test_the_superseded_image_target_is_several_times_the_released_one() -> None:
    """At the paper's image settings (batch 64, lam = 0.5) on a random DCGAN critic, the form of 2017
    is about 15 times Definition 6's target (seeds 0 to 3: medians 13 to 19), so the choice matters.
    Per x', sqrt(sum_i |v_i|^2) / |mean_i v_i| >= sqrt(64) = 8 by Cauchy-Schwarz, with equality only
    when all v_i are equal; the cap 1 / (2 lam) = 1 is far above both targets here."""
    seed_everything(0)
    critic, generator = DCGANCritic(size=32, dim=64), DCGANGenerator(size=32, dim=64, noise_dim=100)
    with torch.no_grad():
        real, fake = torch.rand(64, 3, 32, 32) * 2 - 1, generator(torch.randn(64, 100))
        out = critic(real).flatten(), critic(fake).flatten()
    released = FirstOrderPenalty(0.5, 1.0).targets(real, fake, *out)
    superseded = FirstOrderPenalty(0.5, 1.0, "capped_joint_norm").targets(real, fake, *out)
    assert superseded.max() < 1  # uncapped: the ratio below is the forms', not the cap's
    assert (superseded / released).median() > 10


def test_the_target_carries_no_gradient() -> None:
    """The critic's gradient of tau_F is that of the two terms with t(x') held constant; differentiating
    through t as well would give another gradient (so the check can tell the two apart)."""
    seed_everything(0)
    critic = _critic(2)
    real, fake = _batches((2,))
    params = list(critic.parameters())
    got = torch.autograd.grad(FirstOrderPenalty(0.1, 1.0).penalty(critic, real, fake), params)

    def by_hand(target_has_gradient: bool) -> tuple[torch.Tensor, ...]:
        x = fake.clone().requires_grad_(True)
        real_out, fake_out = critic(real).flatten(), critic(x).flatten()
        (grad,) = torch.autograd.grad(fake_out.sum(), x, create_graph=True)
        r = torch.cdist(x, real) + 1e-6
        w = (real_out[None, :] - fake_out[:, None]) / r**3
        v = (w[..., None] * (real[None, :, :] - x[:, None, :])).mean(dim=1)
        t = v.norm(dim=1) / (1 / r).mean(dim=1)
        t = t if target_has_gradient else t.detach()
        lip = ((real_out - fake_out) ** 2 / (real - x).norm(dim=1)).mean()
        return torch.autograd.grad(0.1 * lip + ((grad.norm(dim=1) - t) ** 2).mean(), params)

    for a, b in zip(got, by_hand(False), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-9, atol=1e-12)
    assert any((a - b).abs().max() > 1e-6 for a, b in zip(got, by_hand(True), strict=True))
    real_out = critic(real).flatten()
    assert not gradient_targets(real, fake, real_out, critic(fake).flatten()).requires_grad


def test_tau_simple_between_two_points_is_a_quarter_of_their_distance() -> None:
    """Eq. 6: sup_f f(a) - f(b) - (f(a) - f(b))^2 / |a - b| = |a - b| / 4, found by training a rich
    critic (an MLP) on the Lipschitz term at weight 1, against the closed form."""
    seed_everything(0)
    a, b = torch.tensor([[0.3]]), torch.tensor([[-1.2]])
    critic = MLP(1, 1, depth=3, width=32, activation="relu")
    optimizer = torch.optim.Adam(critic.parameters(), lr=1e-2)
    penalty = LipschitzPenalty(1.0)
    for _ in range(600):
        gain = critic(a).mean() - critic(b).mean() - penalty.penalty(critic, a, b)
        optimizer.zero_grad()
        (-gain).backward()
        optimizer.step()
    with torch.no_grad():
        gain = critic(a).mean() - critic(b).mean() - penalty.penalty(critic, a, b)
        difference = (critic(a) - critic(b)).item()
    # the objective is concave in d = f(a) - f(b): d - d^2 / 1.5 has its maximum 0.375 at d = 0.75
    assert gain.item() == pytest.approx(1.5 / 4, abs=1e-4) and difference == pytest.approx(0.75, abs=1e-2)


# ---------------------------------------------------------------- Q'_theta
@pytest.mark.parametrize("side", ["fake", "real"])
def test_near_fake_points_lie_within_eps_of_the_generated_end(side: str) -> None:
    real, fake = _batches((3, 4, 4), 4000)
    torch.manual_seed(0)
    points = NearFake(0.01, side)(real, fake)
    # x' = x~ - alpha (x~ - x): alpha per sample, read back from any coordinate
    alpha = ((fake - points) / (fake - real)).flatten(start_dim=1)
    torch.testing.assert_close(alpha, alpha[:, :1].expand_as(alpha), rtol=1e-6, atol=1e-9)
    alpha = alpha[:, 0]
    assert 0 <= alpha.min() and alpha.max() <= 0.01
    # U[0, 0.01] for both sides: mean 0.005 and sd 0.01 / sqrt(12) = 0.00289; with 4,000 samples the
    # standard error of the mean is 4.6e-5, so 2e-4 is over four of them
    assert alpha.mean().item() == pytest.approx(0.005, abs=2e-4)
    assert alpha.std().item() == pytest.approx(0.01 / 12**0.5, abs=2e-4)


def test_the_two_sides_are_the_same_law_but_not_the_same_points() -> None:
    real, fake = _batches((2,), 5)
    torch.manual_seed(1)
    by_fake = NearFake(0.01, "fake")(real, fake)
    torch.manual_seed(1)
    by_real = NearFake(0.01, "real")(real, fake)
    assert not torch.allclose(by_fake, by_real, rtol=0, atol=1e-12)  # alpha = eps u against eps (1 - u)
    torch.manual_seed(1)
    u = torch.rand(5, 1, dtype=torch.float64)
    torch.testing.assert_close(by_real, fake - 0.01 * (1 - u) * (fake - real))


@pytest.mark.parametrize("kwargs", [{"eps": 0.0}, {"eps": 1.5}, {"eps": float("nan")}, {"side": "middle"}])
def test_near_fake_refuses_bad_settings(kwargs: dict) -> None:
    with pytest.raises(ParameterError, match="near-fake"):
        NearFake(**kwargs)


def test_the_first_order_penalty_refuses_bad_settings() -> None:
    with pytest.raises(ParameterError, match="gradient target"):
        FirstOrderPenalty(target="images")
    with pytest.raises(ParameterError, match="mu"):
        FirstOrderPenalty(mu=-1.0)
    with pytest.raises(ParameterError, match="lam"):
        FirstOrderPenalty(lam=float("inf"))


# ---------------------------------------------------------------- in the trainer
@dataclass(frozen=True)
class _Recorded:
    """NearFake that records the batch sizes it is called with."""

    calls: list = field(default_factory=list, compare=False, repr=False)

    def __call__(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        self.calls.append((len(real), len(fake), real.requires_grad, fake.requires_grad))
        return NearFake(0.01)(real, fake)


def test_the_trainer_moves_both_losses_to_the_near_fake_points() -> None:
    seed_everything(0)
    recorded = _Recorded()
    trainer = Trainer(
        toy_generator(width=8), toy_critic(width=8), ToySampler("8gaussians", seed=0),
        regularizer=FirstOrderPenalty(0.1, 1.0), fake_points=recorded, n_critic=3, batch_size=16,
        generator_batch_multiple=2,
    )  # fmt: skip
    trainer.train(2)
    # per iteration: three critic steps (generated batch without grad), then one generator step
    # whose generated batch, twice the size, carries the generator's graph
    critic_call, generator_call = (16, 16, False, False), (32, 32, False, True)
    assert recorded.calls == 2 * ([critic_call] * 3 + [generator_call])
    assert (
        "fake_points" in trainer.config()
        and "fake_points"
        not in Trainer(toy_generator(width=8), toy_critic(width=8), ToySampler("8gaussians", seed=0)).config()
    )  # a checkpoint made before the option still resumes


def test_the_trainer_refuses_a_plain_function_as_fake_points() -> None:
    with pytest.raises(ParameterError, match="fake_points"):
        Trainer(toy_generator(), toy_critic(), ToySampler("8gaussians"), fake_points=lambda r, f: f)


def test_outputs_computed_without_input_gradients_are_refused() -> None:
    """Handed the critic's outputs, the gradient term needs them differentiable in the fake batch (what
    the trainer arranges with gradient_at_fake); outputs from a batch without grad are refused."""
    critic = _critic(2)
    real, fake = _batches((2,))
    with pytest.raises(ValueError, match="requires grad"):
        FirstOrderPenalty().penalty(critic, real, fake, (critic(real), critic(fake)))
    fake = fake.requires_grad_(True)
    given = FirstOrderPenalty().penalty(critic, real, fake, (critic(real), critic(fake)))
    assert given.item() == pytest.approx(
        FirstOrderPenalty().penalty(critic, real, fake.detach()).item(), rel=1e-12
    )


def test_under_bfloat16_the_points_and_targets_stay_float32() -> None:
    """Under amp the generator hands over bfloat16 samples: Q'_theta's mixing weights and the gradient
    target are still float32 (in bfloat16, 1 - alpha near 1 takes four values)."""
    real, fake = _batches((2,), 4000)
    points = NearFake(0.01)(real.float(), fake.bfloat16())
    assert points.dtype == torch.float32
    alpha = ((fake.bfloat16().float() - points) / (fake.bfloat16().float() - real.float()))[:, 0]
    assert alpha.unique().numel() > 1000 and alpha.max() <= 0.01 + 1e-6
    critic = _critic(2).float()
    x, y = real.float(), fake.float()
    out = critic(x).flatten(), critic(y).flatten()
    plain = gradient_targets(x, y, *out)
    with torch.autocast("cpu", dtype=torch.bfloat16):  # the trainer hands over float32 outputs
        under_amp = gradient_targets(x, y, *out)
        autocast_matmul = (out[0][None] * torch.ones(4000, 1)) @ x  # what autocast would do to it
    assert autocast_matmul.dtype == torch.bfloat16  # so the check below can tell
    assert torch.equal(under_amp, plain)  # float32 throughout: the same operations in the same order


class _StrictSampler:
    """A data source that, like DatasetSampler, gives batches of one size only."""

    def __init__(self, batch_size: int) -> None:
        self.batch_size, self.sampler = batch_size, ToySampler("8gaussians", seed=0)

    def __call__(self, n: int) -> torch.Tensor:
        assert n == self.batch_size, n
        return self.sampler(n)


def _fogan_trainer(data: object = None, **kwargs: object) -> Trainer:
    seed_everything(0)
    return Trainer(
        toy_generator(width=8), toy_critic(width=8), data or ToySampler("8gaussians", seed=0),
        regularizer=FirstOrderPenalty(0.1, 1.0), fake_points=NearFake(0.01), n_critic=1, batch_size=16,
        **kwargs,
    )  # fmt: skip


def test_both_losses_are_evaluated_at_the_moved_points() -> None:
    """One critic step's loss is the critic loss at x' = Q'(real, G(z)), and one generator step's loss
    is -E f(x'), computed by hand on a copy with the same random streams; at G(z) itself they differ."""
    trainer = _fogan_trainer()
    twin = copy.deepcopy(trainer)
    torch.manual_seed(5)
    loss_d = trainer.critic_step()["loss_d"]
    torch.manual_seed(5)
    real = twin.data(16)
    with torch.no_grad():
        fake = twin.generator(twin.noise(16))
        moved = twin.fake_points(real, fake)
    assert torch.equal(loss_d, twin.critic_loss(real, moved)[0].detach())  # the same operations in order
    assert not torch.allclose(loss_d, twin.critic_loss(real, fake)[0].detach())
    twin = copy.deepcopy(trainer)
    torch.manual_seed(6)
    loss_g = trainer.generator_step()
    torch.manual_seed(6)
    fake = twin.generator(twin.noise(16))
    real = twin.data(16)
    assert torch.equal(loss_g, -twin.critic(twin.fake_points(real, fake)).float().mean().detach())
    assert not torch.allclose(loss_g, -twin.critic(fake).float().mean().detach())


def test_a_generator_batch_multiple_draws_as_many_real_batches() -> None:
    trainer = _fogan_trainer(_StrictSampler(16), generator_batch_multiple=3)
    trainer.train(2)  # a sampler of one batch size serves the 48 generated samples of each generator step
    assert trainer.step == 2
