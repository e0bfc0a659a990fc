"""Image generators and critics: DCGAN (paperlib.nets.dcgan), CIFAR-10 ResNet (paperlib.nets.resnet)."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest
import torch
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

from paperlib.config import ParameterError
from paperlib.methods.penalties import gradient_norm
from paperlib.nets.dcgan import DCGANCritic, DCGANGenerator
from paperlib.nets.resnet import ResNetCritic, ResNetGenerator
from paperlib.nets.text import TextCritic, TextGenerator

DIM = 4  # narrow networks keep the tests fast on a busy CPU
NORM_LAYERS = (_BatchNorm, nn.GroupNorm, nn.LayerNorm, nn.InstanceNorm2d)


def _count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def _has(module: nn.Module, kinds: type | tuple[type, ...]) -> bool:
    return any(isinstance(m, kinds) for m in module.modules())


@pytest.mark.parametrize("size", [28, 32, 48, 64])
@pytest.mark.parametrize("channels", [1, 3])
def test_dcgan_shapes(size: int, channels: int) -> None:
    """G: (n, noise_dim) -> (n, channels, size, size) in [-1, 1]; D: images -> (n, 1)."""
    g = DCGANGenerator(size, channels, dim=DIM, noise_dim=16)
    d = DCGANCritic(size, channels, dim=DIM)
    x = g(torch.randn(3, 16))
    assert x.shape == (3, channels, size, size)
    assert x.abs().max() <= 1
    assert d(x).shape == (3, 1)


@pytest.mark.parametrize(
    ("size", "sizes", "widths"),
    [
        (28, [4, 7, 14, 28], [4 * DIM, 2 * DIM, DIM, 3]),
        (32, [4, 8, 16, 32], [4 * DIM, 2 * DIM, DIM, 3]),
        (48, [6, 12, 24, 48], [4 * DIM, 2 * DIM, DIM, 3]),
        (64, [4, 8, 16, 32, 64], [8 * DIM, 4 * DIM, 2 * DIM, DIM, 3]),
    ],
)
def test_dcgan_generator_upsampling_chain(size: int, sizes: list[int], widths: list[int]) -> None:
    """The reshaped map and each 5x5 stride-2 deconv output: sizes double exactly, widths halve."""
    g = DCGANGenerator(size, dim=DIM)
    deconvs = [m for m in g.modules() if isinstance(m, nn.ConvTranspose2d)]
    assert all(m.kernel_size == (5, 5) and m.stride == (2, 2) for m in deconvs)
    shapes: list[tuple[int, ...]] = []
    hooks = [m.register_forward_hook(lambda _m, _i, out: shapes.append(out.shape[1:])) for m in deconvs]
    start = g.project(torch.randn(2, 128))
    g(torch.randn(2, 128))
    for hook in hooks:
        hook.remove()
    assert start.shape[1:] == (widths[0], sizes[0], sizes[0])
    if size == 28:  # gan_mnist.py: the first deconv's 8x8 output is cropped to 7x7
        assert shapes[0] == (widths[1], 8, 8)
        shapes[0] = (widths[1], 7, 7)
        assert g.blocks[0](start).shape[1:] == shapes[0]
    assert shapes == [(c, s, s) for c, s in zip(widths[1:], sizes[1:], strict=True)]


@pytest.mark.parametrize("size", [28, 32, 48, 64])
def test_dcgan_critic_downsampling_chain(size: int) -> None:
    """5x5 stride-2 convs halve the size down to the generator's start size, then one linear layer."""
    d = DCGANCritic(size, dim=DIM)
    x = torch.randn(2, 3, size, size)
    for block in d.blocks:
        x = block(x)
    start = {28: 4, 32: 4, 48: 6, 64: 4}[size]
    assert x.shape[2:] == (start, start)
    assert d.head[1].in_features == x[0].numel()


def test_dcgan_critic_has_no_normalisation_by_default() -> None:
    """The WGAN-GP critic: no batch norm (nor any other normalisation) unless asked for."""
    for size in (32, 48, 64):
        assert not _has(DCGANCritic(size, dim=DIM), NORM_LAYERS)
    assert _has(DCGANGenerator(dim=DIM), _BatchNorm)
    assert not _has(DCGANGenerator(dim=DIM, batch_norm=False), _BatchNorm)


def test_batch_norm_critic_refused_with_penalty() -> None:
    """norm='batch' needs for_penalty=False; the error points to layer norm."""
    with pytest.raises(ParameterError, match="layer"):
        DCGANCritic(dim=DIM, norm="batch")
    assert _has(DCGANCritic(dim=DIM, norm="batch", for_penalty=False), nn.BatchNorm2d)


def test_layer_norm_critic_scores_each_sample_alone() -> None:
    """Layer norm (GroupNorm(1, C): statistics over C, H, W of one sample) keeps samples independent."""
    d = DCGANCritic(dim=DIM, norm="layer").train()
    assert _has(d, nn.GroupNorm) and not _has(d, _BatchNorm)
    assert not _has(d.blocks[0], NORM_LAYERS)  # the first conv is not normalised (official code)
    x = torch.randn(8, 3, 32, 32)
    torch.testing.assert_close(d(x)[:1], d(x[:1]), rtol=0, atol=1e-5)


def test_batch_norm_critic_couples_samples() -> None:
    """In train mode a batch-norm critic's score of a sample changes with the rest of its batch."""
    d = DCGANCritic(dim=DIM, norm="batch", for_penalty=False).train()
    x = torch.randn(8, 3, 32, 32)
    assert (d(x)[:1] - d(x[:1])).abs().max() > 1e-3


def test_critic_layer_norm_is_per_sample_over_chw() -> None:
    """GroupNorm(1, C) gives each sample zero mean and unit variance over (C, H, W) before its affine."""
    norm = DCGANCritic(dim=DIM, norm="layer").blocks[1][1]
    assert isinstance(norm, nn.GroupNorm) and norm.num_groups == 1
    y = norm(torch.randn(5, 2 * DIM, 8, 8) * 3 + 2)
    torch.testing.assert_close(y.mean(dim=(1, 2, 3)), torch.zeros(5), atol=1e-5, rtol=0)
    torch.testing.assert_close(y.var(dim=(1, 2, 3), unbiased=False), torch.ones(5), atol=1e-3, rtol=0)


def test_dcgan_activation_options() -> None:
    """Generator and critic take an activation from paperlib.nets.mlp.ACTIVATIONS."""
    assert _has(DCGANCritic(dim=DIM), nn.LeakyReLU)
    assert _has(DCGANGenerator(dim=DIM), nn.ReLU)
    assert _has(DCGANGenerator(dim=DIM, activation="tanh").blocks, nn.Tanh)
    with pytest.raises(ParameterError, match="activation"):
        DCGANCritic(dim=DIM, activation="swish")


def test_official_cifar_dcgan_parameter_counts() -> None:
    """gan_cifar.py at DIM=128 (weights and biases of each layer, BN scale and shift), by hand."""
    dim, z, c = 128, 128, 3
    deconv = lambda c_in, c_out: 5 * 5 * c_in * c_out + c_out  # noqa: E731
    generator = (
        z * 4 * 4 * 4 * dim + 4 * 4 * 4 * dim  # Generator.Input (linear)
        + 2 * 4 * 4 * 4 * dim  # Generator.BN1: per feature of the linear output
        + deconv(4 * dim, 2 * dim) + 2 * 2 * dim  # Generator.2, BN2
        + deconv(2 * dim, dim) + 2 * dim  # Generator.3, BN3
        + deconv(dim, c)  # Generator.5
    )  # fmt: skip
    critic = deconv(c, dim) + deconv(dim, 2 * dim) + deconv(2 * dim, 4 * dim) + 4 * 4 * 4 * dim + 1
    assert generator == 5_179_907 and critic == 4_114_689
    assert _count(DCGANGenerator()) == generator
    assert _count(DCGANCritic()) == critic


def test_official_mnist_networks() -> None:
    """gan_mnist.py at DIM=64: the batch norms of its clipping mode (BN1 per feature, BN2, BN3 in the
    generator; BN2, BN3 in the critic), a sigmoid generator on 28x28 images, none of them with the
    penalty; counts by hand."""
    dim, z = 64, 128
    conv = lambda c_in, c_out: 5 * 5 * c_in * c_out + c_out  # noqa: E731
    generator = z * 4 * 4 * 4 * dim + 4 * 4 * 4 * dim
    generator += conv(4 * dim, 2 * dim) + conv(2 * dim, dim) + conv(dim, 1)
    critic = conv(1, dim) + conv(dim, 2 * dim) + conv(2 * dim, 4 * dim) + 4 * 4 * 4 * dim + 1
    g_bn = 2 * (4 * 4 * 4 * dim + 2 * dim + dim)
    d_bn = 2 * (2 * dim + 4 * dim)
    clipped_g = DCGANGenerator(28, 1, dim, output="sigmoid")
    clipped_d = DCGANCritic(28, 1, dim, norm="batch", for_penalty=False)
    assert _count(clipped_g) == generator + g_bn == 1_562_753
    assert _count(clipped_d) == critic + d_bn == 1_030_913
    assert _count(DCGANGenerator(28, 1, dim, batch_norm=False, output="sigmoid")) == generator
    assert _count(DCGANCritic(28, 1, dim)) == critic
    x = clipped_g(torch.randn(64, z))
    assert x.shape == (64, 1, 28, 28) and 0 < x.min() and x.max() < 1
    assert DCGANGenerator(28, 1, DIM)(torch.randn(8, z)).min() < 0  # tanh by default
    with pytest.raises(ParameterError, match="output='relu'.*'tanh', 'sigmoid'"):
        DCGANGenerator(output="relu")


def test_official_64x64_dcgan_parameter_counts() -> None:
    """gan_64x64.py's DCGAN at DIM=64: BN1 per channel after the reshape; four deconvs and convs."""
    dim, z, c = 64, 128, 3
    conv = lambda c_in, c_out: 5 * 5 * c_in * c_out + c_out  # noqa: E731
    widths = [8 * dim, 4 * dim, 2 * dim, dim]
    generator = z * 16 * 8 * dim + 16 * 8 * dim + sum(2 * w for w in widths)
    generator += sum(conv(a, b) for a, b in zip(widths, widths[1:] + [c], strict=True))
    critic = sum(conv(a, b) for a, b in zip([c] + widths[::-1][:-1], widths[::-1], strict=True))
    critic += 16 * 8 * dim + 1
    assert _count(DCGANGenerator(64, dim=dim)) == generator
    assert _count(DCGANCritic(64, dim=dim)) == critic


def test_resnet_shapes() -> None:
    """Appendix F: G (n, 128) -> (n, 3, 32, 32) in [-1, 1]; D (n, 3, 32, 32) -> (n, 1)."""
    g, d = ResNetGenerator(dim=8), ResNetCritic(dim=8)
    x = g(torch.randn(2, 128))
    assert x.shape == (2, 3, 32, 32) and x.abs().max() <= 1
    assert d(x).shape == (2, 1)
    sizes = []
    h = g.project(torch.randn(2, 128))
    for block in g.blocks:
        h = block(h)
        sizes.append(h.shape[1:])
    assert sizes == [(8, 8, 8), (8, 16, 16), (8, 32, 32)]
    h = torch.randn(2, 3, 32, 32)
    sizes = []
    for block in d.blocks:
        h = block(h)
        sizes.append(h.shape[1:])
    assert sizes == [(8, 16, 16), (8, 8, 8), (8, 8, 8), (8, 8, 8)]


def test_resnet_normalisation() -> None:
    """Batch norm in the generator only; the critic has no normalisation layer."""
    assert _has(ResNetGenerator(dim=8), nn.BatchNorm2d)
    assert not _has(ResNetCritic(dim=8), NORM_LAYERS)


def test_resnet_parameter_counts() -> None:
    """gan_cifar_resnet.py at DIM_G = DIM_D = 128: 3x3 convs, 1x1 shortcuts where resampling, biases."""
    dim = 128
    conv3 = lambda c_in, c_out: 9 * c_in * c_out + c_out  # noqa: E731
    conv1 = lambda c_in, c_out: c_in * c_out + c_out  # noqa: E731
    up_block = 2 * (2 * dim) + 2 * conv3(dim, dim) + conv1(dim, dim)  # two BNs, two convs, shortcut
    generator = 128 * 16 * dim + 16 * dim + 3 * up_block + 2 * dim + conv3(dim, 3)
    first = conv3(3, dim) + conv3(dim, dim) + conv1(3, dim)
    critic = first + (2 * conv3(dim, dim) + conv1(dim, dim)) + 2 * (2 * conv3(dim, dim)) + dim + 1
    assert _count(ResNetGenerator()) == generator == 1_204_483
    assert _count(ResNetCritic()) == critic == 1_053_825


@pytest.mark.parametrize(
    ("make", "shape"),
    [
        (lambda: DCGANCritic(dim=DIM), (3, 32, 32)),
        (lambda: DCGANCritic(48, 1, dim=DIM, norm="layer"), (1, 48, 48)),
        (lambda: ResNetCritic(dim=8), (3, 32, 32)),
    ],
    ids=["dcgan", "dcgan-48-layer", "resnet"],
)
def test_gradient_norm_on_image_critics(make: Callable[[], nn.Module], shape: tuple[int, ...]) -> None:
    """paperlib.methods.penalties.gradient_norm gives one finite norm per image."""
    norms = gradient_norm(make(), torch.randn(5, *shape))
    assert norms.shape == (5,)
    assert torch.isfinite(norms).all() and (norms > 0).all()


@pytest.mark.parametrize("net", [DCGANGenerator, DCGANCritic])
def test_bad_arguments_name_the_parameter(net: type[nn.Module]) -> None:
    """A bad size lists 28, 32, 48, 64; bad channels or width name their parameter."""
    with pytest.raises(ParameterError, match="size=40.*28, 32, 48, 64"):
        net(40)
    with pytest.raises(ParameterError, match="channels"):
        net(32, 2)
    with pytest.raises(ParameterError, match="dim"):
        net(32, 3, 0)


def test_bad_norm_and_resnet_width() -> None:
    """An unknown critic norm lists the allowed ones; the ResNet checks its width."""
    with pytest.raises(ParameterError, match="norm='instance'.*'none', 'layer', 'batch'"):
        DCGANCritic(norm="instance")
    with pytest.raises(ParameterError, match="dim"):
        ResNetCritic(dim=0)
    with pytest.raises(ParameterError, match="noise_dim"):
        ResNetGenerator(noise_dim=0)


def _tflib_std(layer: nn.Module, he: bool) -> float:
    """tflib's standard deviation for ``layer``, written out from tflib/ops/{linear,conv1d,conv2d,deconv2d}.py
    for the layer kinds the networks use (independently of paperlib.nets.layers)."""
    if isinstance(layer, nn.Linear):
        return (2 / (layer.in_features + layer.out_features)) ** 0.5  # initialization=None: Glorot
    k = layer.kernel_size[0] ** (layer.weight.dim() - 2)
    s = layer.stride[0] ** (layer.weight.dim() - 2)
    if isinstance(layer, nn.ConvTranspose2d):
        fan_in, fan_out = layer.in_channels * k / s, layer.out_channels * k
    else:
        fan_in, fan_out = layer.in_channels * k, layer.out_channels * k / s
    return ((4 if he else 2) / (fan_in + fan_out)) ** 0.5


def _glorot_layers(net: nn.Module) -> set[int]:
    """ids of the layers the official code builds with he_init=False: gan_cifar_resnet.py's 1x1
    shortcuts and its generator's output conv."""
    layers = {id(m) for m in net.modules() if isinstance(m, nn.Conv2d) and m.kernel_size == (1, 1)}
    if isinstance(net, ResNetGenerator):
        layers.add(id(net.head[2]))
    return layers


@pytest.mark.parametrize(
    "make",
    [
        lambda: DCGANGenerator(dim=32),
        lambda: DCGANCritic(dim=32),
        lambda: DCGANGenerator(28, 1, 32, output="sigmoid"),
        lambda: DCGANCritic(64, dim=16, extra_layers=2),
        lambda: ResNetGenerator(dim=32),
        lambda: ResNetCritic(dim=32),
        lambda: TextGenerator(30, dim=64),
        lambda: TextCritic(30, dim=64),
    ],
    ids=["dcgan-g", "dcgan-d", "mnist-g", "dcgan64-d-deep", "resnet-g", "resnet-d", "text-g", "text-d"],
)
def test_networks_start_from_the_official_initialisation(make: Callable[[], nn.Module]) -> None:
    """Every linear and conv layer: uniform weights with tflib's standard deviation (bounded by
    std * sqrt(3)), zero biases. The empirical std of n uniform weights has a relative standard error
    of about 0.45 / sqrt(n); a 5-sigma band, at least 1%, admits every layer and rejects PyTorch's
    default init, which is 2-3 times smaller here (checked on the same layers below)."""
    torch.manual_seed(0)
    net = make()
    glorot = _glorot_layers(net)
    kinds = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.ConvTranspose2d)
    layers = [m for m in net.modules() if isinstance(m, kinds)]
    assert layers
    for layer in layers:
        w = layer.weight
        std = _tflib_std(layer, he=id(layer) not in glorot)
        tolerance = max(0.01, 5 * 0.45 / w.numel() ** 0.5)
        assert w.std().item() == pytest.approx(std, rel=tolerance), layer
        assert w.abs().max().item() <= std * 3**0.5 * (1 + 1e-6)
        assert layer.bias is None or not layer.bias.any()
        default = copy.deepcopy(layer)
        default.reset_parameters()
        if w.numel() >= 1000:  # the control: PyTorch's default is outside the band
            assert abs(default.weight.std().item() / std - 1) > 3 * tolerance, layer
