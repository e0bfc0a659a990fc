"""GAN objectives on critic outputs (paperlib.methods.losses)."""

from __future__ import annotations

import pytest
import torch

from paperlib.methods.losses import OBJECTIVES, Objective


@pytest.fixture
def outputs() -> tuple[torch.Tensor, torch.Tensor]:
    """Critic outputs (real, fake) of different batch sizes, float64 for exact comparisons."""
    g = torch.Generator().manual_seed(1)
    return torch.randn(13, 1, generator=g, dtype=torch.float64) * 2, torch.randn(
        7, 1, generator=g, dtype=torch.float64
    ) * 2 - 1


def test_objective_names() -> None:
    """The three objectives exist and carry their key as name."""
    assert set(OBJECTIVES) == {"wasserstein", "minimax", "non_saturating"}
    for key, obj in OBJECTIVES.items():
        assert isinstance(obj, Objective) and obj.name == key


def test_wasserstein(outputs: tuple[torch.Tensor, torch.Tensor]) -> None:
    """WGAN: critic loss mean(fake) - mean(real); generator loss -mean(fake)."""
    real, fake = outputs
    obj = OBJECTIVES["wasserstein"]
    expected = sum(fake.flatten().tolist()) / 7 - sum(real.flatten().tolist()) / 13
    assert obj.critic(real, fake).item() == pytest.approx(expected, abs=1e-12)
    assert obj.generator(fake).item() == pytest.approx(-sum(fake.flatten().tolist()) / 7, abs=1e-12)


def _sigmoid(t: torch.Tensor) -> torch.Tensor:
    return 1 / (1 + torch.exp(-t))


@pytest.mark.parametrize("name", ["minimax", "non_saturating"])
def test_logistic_critic(name: str, outputs: tuple[torch.Tensor, torch.Tensor]) -> None:
    """Both logistic objectives share the critic -mean(log sigmoid(r)) - mean(log(1 - sigmoid(f)))."""
    real, fake = outputs
    expected = -torch.log(_sigmoid(real)).mean() - torch.log(1 - _sigmoid(fake)).mean()
    torch.testing.assert_close(OBJECTIVES[name].critic(real, fake), expected)


def test_minimax_generator(outputs: tuple[torch.Tensor, torch.Tensor]) -> None:
    """Minimax generator loss = mean(log(1 - sigmoid(f)))."""
    _, fake = outputs
    torch.testing.assert_close(OBJECTIVES["minimax"].generator(fake), torch.log(1 - _sigmoid(fake)).mean())


def test_non_saturating_generator(outputs: tuple[torch.Tensor, torch.Tensor]) -> None:
    """Non-saturating generator loss = -mean(log sigmoid(f))."""
    _, fake = outputs
    torch.testing.assert_close(
        OBJECTIVES["non_saturating"].generator(fake), -torch.log(_sigmoid(fake)).mean()
    )


def test_logistic_losses_stable_for_large_logits() -> None:
    """Large logits give the exact asymptotes instead of inf/NaN (log sigmoid(-200) = -200)."""
    r = torch.tensor([-200.0])
    f = torch.tensor([200.0])
    critic = OBJECTIVES["minimax"].critic(r, f)
    assert critic.item() == pytest.approx(400.0)
    assert OBJECTIVES["minimax"].generator(f).item() == pytest.approx(-200.0)
    assert OBJECTIVES["non_saturating"].generator(-f).item() == pytest.approx(200.0)


def test_generator_gradients_saturate_differently() -> None:
    """For a confidently rejected fake (f << 0), minimax has a vanishing gradient, non-saturating not."""
    f = torch.tensor([-10.0], requires_grad=True)
    (g_mm,) = torch.autograd.grad(OBJECTIVES["minimax"].generator(f), f)
    (g_ns,) = torch.autograd.grad(OBJECTIVES["non_saturating"].generator(f), f)
    assert abs(g_mm.item()) < 1e-4  # -sigmoid(f)
    assert g_ns.item() == pytest.approx(-1.0, abs=1e-4)  # -(1 - sigmoid(f))


def test_critic_optimum_wasserstein_sign() -> None:
    """A critic that scores real above fake has negative WGAN critic loss (it is being minimised)."""
    real, fake = torch.full((4, 1), 2.0), torch.full((4, 1), -1.0)
    assert OBJECTIVES["wasserstein"].critic(real, fake).item() == pytest.approx(-3.0)
