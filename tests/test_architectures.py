"""WGAN-GP Table 1: deeper DCGANs, sampling architectures, and Table 2's outcome counts."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from paperlib import (
    TABLE1,
    Architecture,
    GradientPenalty,
    ParameterError,
    WeightClipping,
    outcome_counts,
    run_image,
    sample_architectures,
)
from paperlib.nets.dcgan import DCGANCritic, DCGANGenerator, base_depth


def _depth(net: nn.Module) -> int:
    """Layers with weights, norms excluded: convolutions, transposed convolutions, linear layers."""
    return sum(isinstance(m, nn.Conv2d | nn.ConvTranspose2d | nn.Linear) for m in net.modules())


@pytest.mark.parametrize("size, extra", [(32, 0), (32, 4), (32, 16), (64, 7), (48, 1)])
def test_extra_layers_add_depth_and_keep_shapes(size: int, extra: int) -> None:
    generator = DCGANGenerator(size, 1, dim=4, noise_dim=8, extra_layers=extra)
    critic = DCGANCritic(size, 1, dim=4, norm="layer", extra_layers=extra)
    assert base_depth(size) == (5 if size == 64 else 4)
    assert _depth(generator) == _depth(critic) == base_depth(size) + extra
    images = generator(torch.randn(3, 8))
    assert images.shape == (3, 1, size, size) and critic(images).shape == (3, 1)


def test_extra_layers_are_dealt_out_over_the_resolutions() -> None:
    """Five extra layers on the three stages of a 32x32 critic: 2, 2 and 1 (the smallest maps last)."""
    critic = DCGANCritic(32, 1, dim=4, extra_layers=5)
    per_block = [sum(isinstance(m, nn.Conv2d) for m in block) - 1 for block in critic.blocks]
    assert per_block == [2, 2, 1]
    generator = DCGANGenerator(32, 1, dim=4, noise_dim=8, extra_layers=4, batch_norm=True)
    assert sum(isinstance(m, nn.Conv2d) for m in generator.project) == 2  # at 4x4, the first stage
    assert sum(isinstance(m, nn.BatchNorm2d) for m in generator.modules()) == 2 + 4  # deconvs + extras


def test_sampling_is_seeded_and_stays_in_table_1() -> None:
    a, b = sample_architectures(50, seed=3), sample_architectures(50, seed=3)
    assert a == b and a != sample_architectures(50, seed=4)
    for arch in a:
        assert arch.g_activation in TABLE1["activation"] and arch.d_depth in TABLE1["depth"]
        assert arch.g_dim in TABLE1["dim"] and isinstance(arch.d_batch_norm, bool)
    assert {arch.g_depth for arch in a} == set(TABLE1["depth"])  # 50 draws hit all four depths


def test_architecture_networks_follow_the_settings() -> None:
    arch = Architecture("tanh", "smooth_elu", 8, 12, True, True, 8, 4)
    generator, critic = arch.networks(penalty=True, channels=1, noise_dim=8)
    assert _depth(generator) == 8 and _depth(critic) == 12
    assert any(isinstance(m, nn.Tanh) for m in generator.blocks.modules())
    assert any(isinstance(m, nn.GroupNorm) for m in critic.modules())  # layer norm with a penalty
    _, gan_critic = arch.networks(penalty=False, channels=1, noise_dim=8)
    assert any(isinstance(m, nn.BatchNorm2d) for m in gan_critic.modules())
    with pytest.raises(ParameterError, match="g_depth=3"):
        Architecture("relu", "relu", 3, 4, False, False, 8, 8).networks(penalty=True)


def test_an_architecture_is_read_back_from_its_repr_and_nothing_else_is() -> None:
    """A run's setup records an architecture as its repr; the samples of the run rebuild it from there."""
    for arch in sample_architectures(20, seed=5):
        assert Architecture.from_repr(repr(arch)) == arch
    text = repr(Architecture("relu", "tanh", 4, 5, True, False, 8, 16))
    for other in (text.replace("Architecture", "Other"), text[:-1], "Architecture(g_dim=8)", "dcgan"):
        with pytest.raises(ParameterError, match="is not the repr of an Architecture"):
            Architecture.from_repr(other)


def test_sampling_from_a_cpu_scale_set_and_bad_sets() -> None:
    small = dict(TABLE1, depth=(4, 5), dim=(4, 8))
    assert all(a.g_dim in (4, 8) and a.d_depth in (4, 5) for a in sample_architectures(20, 0, small))
    with pytest.raises(ParameterError, match="lacks \\['dim'\\]"):
        sample_architectures(2, 0, {k: v for k, v in TABLE1.items() if k != "dim"})


def test_random_architecture_trains_with_a_penalty_and_with_the_standard_gan() -> None:
    arch = sample_architectures(1, 0, dict(TABLE1, depth=(4, 5), dim=(4,)))[0]
    common = dict(steps=1, dataset="digits", architecture=arch, seed=0, noise_dim=8, batch_size=8, n_critic=1)
    wgan = run_image(**common, regularizer=GradientPenalty(10.0), eval_every=1, eval_samples=20)
    gan = run_image(**common, objective="minimax", eval_every=1, eval_samples=20)
    assert list(wgan.evals["step"]) == list(gan.evals["step"]) == [0, 1]
    clipped = run_image(**common, regularizer=WeightClipping(0.01))
    assert all(p.abs().max() <= 0.01 for p in clipped.critic.parameters())


def test_outcome_counts_like_table_2() -> None:
    gan = [1.2, 3.5, 6.0, 0.5]
    wgan_gp = [2.5, 3.2, 7.5, 0.9]
    assert outcome_counts(gan, wgan_gp, [1.0, 3.0, 5.0, 7.0, 9.0]) == [
        (1.0, 0, 0, 3, 1),
        (3.0, 0, 0, 2, 2),
        (5.0, 0, 0, 1, 3),
        (7.0, 0, 1, 0, 3),
        (9.0, 0, 0, 0, 4),
    ]
    assert outcome_counts([4.0], [2.0], [3.0]) == [(3.0, 1, 0, 0, 0)]
    with pytest.raises(ParameterError, match="equally long"):
        outcome_counts([1.0], [1.0, 2.0], [0.5])
