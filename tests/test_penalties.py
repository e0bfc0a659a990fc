"""Gradient penalties and weight clipping (paperlib.methods.penalties)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
from torch import nn

from paperlib.config import ParameterError
from paperlib.methods.penalties import (
    FORMS,
    MEASURES,
    AnchoredInterpolates,
    GradientPenalty,
    WeightClipping,
    gradient_norm,
    simple_gradient_penalty,
)
from paperlib.nets.mlp import MLP, toy_critic


def _loop_norms(critic: nn.Module, points: torch.Tensor) -> torch.Tensor:
    """Independent reference: one autograd call per sample, norm of the whole flattened gradient."""
    norms = []
    for x in points:
        x = x[None].clone().requires_grad_(True)
        (g,) = torch.autograd.grad(critic(x).sum(), x)
        norms.append(torch.sqrt((g.reshape(-1) ** 2).sum()))
    return torch.stack(norms)


def _conv_critic() -> nn.Module:
    """A small image critic without batch coupling: conv, tanh, conv, flatten, linear."""
    return nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1),
        nn.Tanh(),
        nn.Conv2d(4, 4, 3, stride=2, padding=1),
        nn.Tanh(),
        nn.Flatten(),
        nn.Linear(4 * 4 * 4, 1),
    ).double()


class _Linear(nn.Module):
    """D(x) = <w, x> over all non-batch axes, so grad_x D = w for every sample."""

    def __init__(self, w: torch.Tensor) -> None:
        super().__init__()
        self.w = nn.Parameter(w.clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x * self.w).flatten(start_dim=1).sum(dim=1, keepdim=True)


def _scaled_direction(shape: tuple[int, ...], norm: float) -> torch.Tensor:
    w = torch.randn(shape, dtype=torch.float64)
    return w * norm / w.norm()


# ---------------------------------------------------------------- gradient_norm
def test_gradient_norm_mlp_matches_loop() -> None:
    """Per-sample gradient norms of a 2-D MLP critic equal a per-sample autograd loop."""
    critic = MLP(2, 1, depth=3, width=16, activation="tanh").double()
    x = torch.randn(9, 2, dtype=torch.float64)
    norms = gradient_norm(critic, x)
    assert norms.shape == (9,)
    torch.testing.assert_close(norms, _loop_norms(critic, x))


def test_gradient_norm_images_flattens_all_axes() -> None:
    """For 4-D inputs (5 images 3x8x8) the norm is over the whole image, not over channels only."""
    critic = _conv_critic()
    x = torch.randn(5, 3, 8, 8, dtype=torch.float64)
    norms = gradient_norm(critic, x)
    assert norms.shape == (5,)
    torch.testing.assert_close(norms, _loop_norms(critic, x))


@pytest.mark.parametrize("shape", [(2,), (3, 8, 8)])
def test_gradient_norm_linear_critic_is_norm_of_w(shape: tuple[int, ...]) -> None:
    """For D(x) = <w, x> every sample's gradient norm is exactly ||w||."""
    w = torch.randn(shape, dtype=torch.float64)
    critic = _Linear(w)
    x = torch.randn((6, *shape), dtype=torch.float64)
    torch.testing.assert_close(
        gradient_norm(critic, x), torch.full((6,), w.norm().item(), dtype=torch.float64)
    )


def test_gradient_norm_does_not_touch_inputs() -> None:
    """The input tensor keeps requires_grad=False and receives no gradient."""
    critic = toy_critic(width=8)
    x = torch.randn(4, 2)
    gradient_norm(critic, x)
    assert not x.requires_grad and x.grad is None


def test_gradient_norm_create_graph() -> None:
    """create_graph=True makes the norms differentiable w.r.t. the critic's parameters; False does not."""
    critic = toy_critic(width=8, activation="tanh")
    x = torch.randn(4, 2)
    assert gradient_norm(critic, x, create_graph=True).requires_grad
    assert not gradient_norm(critic, x, create_graph=False).requires_grad


# ---------------------------------------------------------------- forms
def test_forms_on_known_norms() -> None:
    """two_sided (n-1)^2, one_sided max(0, n-1)^2, squared n^2 on norms 0, 0.5, 1, 2, 3."""
    n = torch.tensor([0.0, 0.5, 1.0, 2.0, 3.0])
    torch.testing.assert_close(FORMS["two_sided"](n), torch.tensor([1.0, 0.25, 0.0, 1.0, 4.0]))
    torch.testing.assert_close(FORMS["one_sided"](n), torch.tensor([0.0, 0.0, 0.0, 1.0, 4.0]))
    torch.testing.assert_close(FORMS["squared"](n), torch.tensor([0.0, 0.25, 1.0, 4.0, 9.0]))


@pytest.mark.parametrize(
    ("form", "norm", "expected"),
    [
        ("two_sided", 0.5, 0.25),
        ("two_sided", 1.0, 0.0),
        ("two_sided", 2.0, 1.0),
        ("one_sided", 0.5, 0.0),
        ("one_sided", 2.0, 1.0),
        ("squared", 0.5, 0.25),
        ("squared", 2.0, 4.0),
    ],
)
@pytest.mark.parametrize("measure", sorted(MEASURES))
def test_penalty_on_linear_critic(form: str, norm: float, expected: float, measure: str) -> None:
    """With D = <w, .> and ||w|| known, the penalty is weight * form(||w||) for every measure."""
    critic = _Linear(_scaled_direction((2,), norm))
    real, fake = torch.randn(8, 2, dtype=torch.float64), torch.randn(8, 2, dtype=torch.float64)
    value = GradientPenalty(3.0, measure, form).penalty(critic, real, fake)
    assert value.item() == pytest.approx(3.0 * expected, abs=1e-12)


# ---------------------------------------------------------------- measures
@pytest.fixture
def mlp_batch() -> tuple[nn.Module, torch.Tensor, torch.Tensor]:
    critic = MLP(2, 1, depth=3, width=16, activation="tanh").double()
    real = torch.randn(10, 2, dtype=torch.float64)
    fake = torch.randn(10, 2, dtype=torch.float64) + 1
    return critic, real, fake


@pytest.mark.parametrize("measure", ["real", "fake"])
def test_penalty_real_fake_measures(
    measure: str, mlp_batch: tuple[nn.Module, torch.Tensor, torch.Tensor]
) -> None:
    """On the real (fake) batch: weight * mean((||grad D(x_i)|| - 1)^2) over that batch."""
    critic, real, fake = mlp_batch
    points = real if measure == "real" else fake
    expected = 2.5 * ((_loop_norms(critic, points) - 1) ** 2).mean()
    value = GradientPenalty(2.5, measure).penalty(critic, real, fake)
    torch.testing.assert_close(value, expected)


def test_penalty_interpolates_2d(mlp_batch: tuple[nn.Module, torch.Tensor, torch.Tensor]) -> None:
    """Interpolates: eps ~ U[0,1] per sample (drawn first), x^ = eps x + (1 - eps) x~; default WGAN-GP."""
    critic, real, fake = mlp_batch
    torch.manual_seed(42)
    value = GradientPenalty().penalty(critic, real, fake)
    torch.manual_seed(42)
    eps = torch.rand(10, 1, dtype=torch.float64)
    points = eps * real + (1 - eps) * fake
    expected = 10.0 * ((_loop_norms(critic, points) - 1) ** 2).mean()
    torch.testing.assert_close(value, expected)


def test_penalty_interpolates_images() -> None:
    """For images eps has shape (n, 1, 1, 1): one mixing weight per image."""
    critic = _conv_critic()
    real = torch.randn(5, 3, 8, 8, dtype=torch.float64)
    fake = torch.randn(5, 3, 8, 8, dtype=torch.float64)
    torch.manual_seed(7)
    value = GradientPenalty(1.0, "interpolates", "squared").penalty(critic, real, fake)
    torch.manual_seed(7)
    eps = torch.rand(5, 1, 1, 1, dtype=torch.float64)
    expected = (_loop_norms(critic, eps * real + (1 - eps) * fake) ** 2).mean()
    torch.testing.assert_close(value, expected)


def test_interpolates_lie_on_segments() -> None:
    """Every interpolate lies on the segment between its real and fake sample."""
    real, fake = torch.randn(50, 2, dtype=torch.float64), torch.randn(50, 2, dtype=torch.float64)
    pts = MEASURES["interpolates"](real, fake)
    t = ((pts - fake) * (real - fake)).sum(1) / ((real - fake) ** 2).sum(1)
    assert ((t >= 0) & (t <= 1)).all()
    torch.testing.assert_close(pts, fake + t[:, None] * (real - fake))
    assert t.std() > 0.1  # one eps per sample, not a shared one


def test_the_midpoint_measure_is_the_middle_of_each_pair() -> None:
    real, fake = torch.randn(20, 2, dtype=torch.float64), torch.randn(20, 2, dtype=torch.float64)
    torch.testing.assert_close(MEASURES["midpoint"](real, fake), (real + fake) / 2, rtol=0, atol=1e-15)


def test_anchored_interpolates_draw_uniformly_on_the_segments_to_the_anchor() -> None:
    """mu_g,anc with A = (2, -1): every point is A + (1 - eps)(x~ - A) with eps ~ U[0, 1], one per sample
    (the mean and variance of eps over 20,000 samples within 4 standard errors of 1/2 and 1/12), and
    the real batch plays no part."""
    torch.manual_seed(0)
    fake = torch.randn(20_000, 2, dtype=torch.float64)
    measure = AnchoredInterpolates((2.0, -1.0))
    points = measure(torch.full_like(fake, 1e6), fake)
    anchor = torch.tensor([2.0, -1.0], dtype=torch.float64)
    eps = 1 - ((points - anchor) * (fake - anchor)).sum(1) / ((fake - anchor) ** 2).sum(1)
    torch.testing.assert_close(points, eps[:, None] * anchor + (1 - eps[:, None]) * fake)
    n = len(eps)
    assert abs(eps.mean().item() - 0.5) < 4 * (1 / 12) ** 0.5 / n**0.5
    assert abs(eps.var().item() - 1 / 12) < 4 * (1 / 180) ** 0.5 / n**0.5  # Var of (eps - 1/2)^2 is 1/180
    assert eps.min() >= 0 and eps.max() <= 1


def test_anchors_are_fixed_across_calls_processes_and_shapes() -> None:
    """A gray anchor is constant; a random one is the same image at every call (a generator of its
    own: the global RNG neither changes it nor is consumed by it), differs between seeds, lies in
    [-1, 1], and fits the sample shape; a point anchor of the wrong size is refused."""
    images = torch.zeros(4, 3, 8, 8)
    gray = AnchoredInterpolates(0.0).anchor_like(images)
    assert gray.shape == (3, 8, 8) and torch.equal(gray, torch.zeros(3, 8, 8))
    random = AnchoredInterpolates("random", seed=3)
    torch.manual_seed(0)
    state = torch.get_rng_state()
    first = random.anchor_like(images)
    assert torch.equal(torch.get_rng_state(), state)  # the global RNG is not consumed
    torch.manual_seed(99)
    assert torch.equal(AnchoredInterpolates("random", seed=3).anchor_like(images), first)  # built afresh
    assert not torch.equal(AnchoredInterpolates("random", seed=4).anchor_like(images), first)
    assert first.min() >= -1 and first.max() <= 1 and first.std() > 0.5  # uniform on [-1, 1]: std 0.577
    assert repr(random) == "AnchoredInterpolates(anchor='random', seed=3)"  # what a checkpoint must match
    with pytest.raises(ParameterError, match=r"anchor \(2.0, -1.0\) has 2 coordinates; a sample has 192"):
        AnchoredInterpolates((2.0, -1.0)).anchor_like(images)
    with pytest.raises(ParameterError, match="anchor"):
        AnchoredInterpolates("gray")
    with pytest.raises(ParameterError, match="anchor"):
        AnchoredInterpolates(math.nan)
    with pytest.raises(ParameterError, match="seed=1 applies to anchor='random' only"):
        AnchoredInterpolates(0.0, seed=1)
    assert AnchoredInterpolates([2.0, -1.0]) == AnchoredInterpolates((2.0, -1.0))  # a list is a point too


def test_only_measures_that_resume_are_accepted() -> None:
    """A plain function as a measure would make a run that cannot resume (its repr, which a checkpoint
    must match, holds a memory address): it is refused, naming the allowed measures; a name or a
    measure object is taken."""
    with pytest.raises(ParameterError, match="penalty measure=.*'interpolates', 'real', 'fake', 'midpoint'"):
        GradientPenalty(1.0, lambda real, fake: real)
    assert "0x" not in repr(GradientPenalty(1.0, AnchoredInterpolates("random", seed=2)))


def test_an_anchored_run_resumes_with_its_anchor(tmp_path: Path) -> None:
    """A toy run with mu_g,anc, stopped after a checkpoint and resumed in a fresh trainer, ends as the
    uninterrupted run; a resume with another anchor is refused, naming the regularizer."""
    from paperlib.setups import toy_trainer

    settings = dict(
        dataset="8gaussians",
        seed=0,
        width=16,
        batch_size=32,
        n_critic=2,
        regularizer=simple_gradient_penalty(10.0, AnchoredInterpolates((2.0, -1.0))),
    )
    straight = toy_trainer(**settings).train(6)
    toy_trainer(**settings, run_dir=tmp_path, checkpoint_every=3).train(3)
    resumed = toy_trainer(**settings, run_dir=tmp_path, checkpoint_every=3).train(6, resume=True)
    for a, b in zip(straight.critic.parameters(), resumed.critic.parameters(), strict=True):
        assert torch.equal(a, b)
    other = settings | {"regularizer": simple_gradient_penalty(10.0, AnchoredInterpolates((0.0, 0.0)))}
    with pytest.raises(ParameterError, match="regularizer"):
        toy_trainer(**other, run_dir=tmp_path, checkpoint_every=3).train(9, resume=True)


def test_the_simple_gradient_penalty_is_half_lambda_times_the_squared_norm() -> None:
    """Definition 4 of the SGP paper: (lam / 2) E_mu ||grad D||^2; on D = <w, .>, (lam / 2) ||w||^2 for
    every measure."""
    w = torch.tensor([0.6, -1.2], dtype=torch.float64)
    real, fake = torch.randn(8, 2, dtype=torch.float64), torch.randn(8, 2, dtype=torch.float64)
    for measure in [*MEASURES, AnchoredInterpolates((2.0, -1.0))]:
        sgp = simple_gradient_penalty(4.0, measure)
        assert sgp == GradientPenalty(2.0, measure, "squared")
        value = sgp.penalty(_Linear(w), real, fake).item()
        assert value == pytest.approx(4.0 / 2 * (w**2).sum().item(), rel=1e-12)


def test_penalty_is_differentiable(mlp_batch: tuple[nn.Module, torch.Tensor, torch.Tensor]) -> None:
    """Backward through the penalty reaches every weight matrix with a nonzero gradient."""
    critic, real, fake = mlp_batch
    GradientPenalty(10.0).penalty(critic, real, fake).backward()
    for p in critic.parameters():
        if p.dim() >= 2:
            assert p.grad is not None and p.grad.abs().sum() > 0


def test_penalty_gradient_matches_finite_difference(
    mlp_batch: tuple[nn.Module, torch.Tensor, torch.Tensor],
) -> None:
    """d penalty / d W[0, 0] from autograd equals a central finite difference (float64)."""
    critic, real, fake = mlp_batch
    gp = GradientPenalty(1.0, "real")
    w = critic.blocks[0][0].weight
    gp.penalty(critic, real, fake).backward()
    analytic = w.grad[0, 0].item()
    h = 1e-6
    with torch.no_grad():
        w[0, 0] += h
    plus = gp.penalty(critic, real, fake).item()
    with torch.no_grad():
        w[0, 0] -= 2 * h
    minus = gp.penalty(critic, real, fake).item()
    assert analytic == pytest.approx((plus - minus) / (2 * h), rel=1e-5, abs=1e-8)


def test_penalty_project_is_noop() -> None:
    """project() of a gradient penalty leaves the critic unchanged."""
    critic = toy_critic(width=8)
    before = {k: v.clone() for k, v in critic.state_dict().items()}
    GradientPenalty().project(critic)
    assert all(torch.equal(before[k], v) for k, v in critic.state_dict().items())


@pytest.mark.parametrize(
    "kwargs",
    [{"measure": "everywhere"}, {"form": "cubic"}, {"weight": -1.0}, {"weight": "10"}],
)
def test_gradient_penalty_refuses_bad_parameters(kwargs: dict) -> None:
    """Unknown measures and forms and negative or non-numeric weights are parameter errors."""
    with pytest.raises(ParameterError, match="penalty"):
        GradientPenalty(**kwargs)


def test_gradient_penalty_error_lists_choices() -> None:
    """The error for a bad measure names the allowed measures."""
    with pytest.raises(ParameterError, match="'interpolates', 'real', 'fake'"):
        GradientPenalty(measure="nowhere")


# ---------------------------------------------------------------- weight clipping
def test_weight_clipping_clamps_every_parameter() -> None:
    """project() puts every parameter (weights, biases, norm gains) into [-c, c] by clamping."""
    critic = toy_critic(width=16, norm="layer")
    with torch.no_grad():
        for p in critic.parameters():
            p.copy_(torch.randn_like(p) * 0.05)
    before = [p.detach().clone() for p in critic.parameters()]
    assert any((b.abs() > 0.01).any() for b in before)
    WeightClipping(0.01).project(critic)
    for b, p in zip(before, critic.parameters(), strict=True):
        assert p.abs().max() <= 0.01
        assert torch.equal(p, b.clamp(-0.01, 0.01))


def test_weight_clipping_adds_no_penalty() -> None:
    """Clipping contributes nothing to the loss."""
    assert WeightClipping().penalty(toy_critic(width=4), torch.zeros(2, 2), torch.zeros(2, 2)) is None


@pytest.mark.parametrize("c", [0.0, -0.01, "0.01"])
def test_weight_clipping_refuses_bad_c(c: object) -> None:
    """The clip value must be a number > 0."""
    with pytest.raises(ParameterError, match="clip c"):
        WeightClipping(c)  # type: ignore[arg-type]


def test_clipped_linear_critic_bounded_gradient() -> None:
    """After clipping, a linear critic's gradient norm is at most c * sqrt(dim) (a Lipschitz bound)."""
    critic = _Linear(torch.randn(3, 8, 8, dtype=torch.float64))
    WeightClipping(0.01).project(critic)
    norms = gradient_norm(critic, torch.randn(4, 3, 8, 8, dtype=torch.float64))
    assert (norms <= 0.01 * math.sqrt(3 * 8 * 8) + 1e-12).all()
