"""Toy MLP generators and critics (paperlib.nets.mlp)."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from paperlib.config import ParameterError
from paperlib.nets.mlp import ACTIVATIONS, MLP, SmoothELU, toy_critic, toy_generator


def _linears(module: nn.Module) -> list[nn.Linear]:
    return [m for m in module.modules() if isinstance(m, nn.Linear)]


@pytest.mark.parametrize("depth", [1, 2, 4, 12])
def test_depth_counts_linear_layers(depth: int) -> None:
    """depth = number of nn.Linear layers; hidden ones have width `width`, the head maps to out_dim."""
    net = MLP(3, 5, depth=depth, width=16)
    linears = _linears(net)
    assert len(linears) == depth
    assert len(net.blocks) == depth - 1
    assert linears[0].in_features == 3
    assert linears[-1] is net.head and net.head.out_features == 5
    for layer in linears[:-1]:
        assert layer.out_features == 16
    for layer in linears[1:]:
        assert layer.in_features == (16 if depth > 1 else 3)


def test_mlp_output_shape() -> None:
    """An (n, in_dim) batch maps to (n, out_dim)."""
    net = MLP(4, 3, depth=3, width=8)
    assert net(torch.randn(11, 4)).shape == (11, 3)


def test_toy_generator_and_critic_shapes() -> None:
    """The generator maps noise_dim-D noise to the plane; the critic maps the plane to one value."""
    g = toy_generator(width=16, noise_dim=5)
    d = toy_critic(width=16)
    assert g(torch.randn(7, 5)).shape == (7, 2)
    assert d(torch.randn(7, 2)).shape == (7, 1)
    assert len(_linears(toy_generator(depth=6, width=8))) == 6


def test_default_toy_nets_match_official_code() -> None:
    """Defaults: 4 linear layers of width 512 with ReLU (the official WGAN-GP toy networks)."""
    d = toy_critic()
    assert [m.out_features for m in _linears(d)] == [512, 512, 512, 1]
    assert all(isinstance(b[-1], nn.ReLU) for b in d.blocks)


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("relu", nn.ReLU),
        ("leaky_relu", nn.LeakyReLU),
        ("tanh", nn.Tanh),
        ("elu", nn.ELU),
        ("smooth_elu", SmoothELU),
    ],
)
def test_activation_after_every_hidden_linear(name: str, cls: type[nn.Module]) -> None:
    """Each hidden block is Linear then the chosen activation; the head has none."""
    net = MLP(2, 1, depth=4, width=8, activation=name)
    for block in net.blocks:
        assert isinstance(block[0], nn.Linear)
        assert isinstance(block[-1], cls)
        assert len(block) == 2
    assert isinstance(net.head, nn.Linear)


def test_leaky_relu_slope() -> None:
    """leaky_relu uses slope 0.2 on negatives."""
    act = ACTIVATIONS["leaky_relu"]()
    x = torch.tensor([-1.0, 2.0])
    torch.testing.assert_close(act(x), torch.tensor([-0.2, 2.0]))


def test_forward_equals_manual_composition() -> None:
    """forward applies the blocks in order and then the head: equal to a by-hand composition."""
    net = MLP(2, 1, depth=3, width=6, activation="tanh")
    x = torch.randn(9, 2)
    h = x
    for lin in _linears(net)[:-1]:
        h = torch.tanh(h @ lin.weight.T + lin.bias)
    expected = h @ net.head.weight.T + net.head.bias
    torch.testing.assert_close(net(x), expected)


@pytest.mark.parametrize(("norm", "cls"), [("layer", nn.LayerNorm), ("batch", nn.BatchNorm1d)])
def test_norm_layers_between_linear_and_activation(norm: str, cls: type[nn.Module]) -> None:
    """With a norm, each hidden block is Linear, norm, activation."""
    net = MLP(2, 1, depth=3, width=8, norm=norm)
    for block in net.blocks:
        assert [type(m) for m in block] == [nn.Linear, cls, nn.ReLU]


def test_mlp_refuses_bad_parameters() -> None:
    """Unknown activation or norm and a zero depth or width are parameter errors."""
    with pytest.raises(ParameterError, match="activation='gelu'"):
        MLP(2, 1, activation="gelu")
    with pytest.raises(ParameterError, match="norm='group'"):
        MLP(2, 1, norm="group")
    with pytest.raises(ParameterError, match="depth"):
        MLP(2, 1, depth=0)
    with pytest.raises(ParameterError, match="width"):
        MLP(2, 1, width=0)


def test_toy_critic_refuses_batch_norm() -> None:
    """Batch norm couples the samples of a batch, so the toy critic refuses it; layer norm is fine."""
    with pytest.raises(ParameterError) as info:
        toy_critic(width=8, norm="batch")
    msg = str(info.value)
    assert "norm" in msg and "'batch'" in msg and "'layer'" in msg
    critic = toy_critic(width=8, norm="layer")
    assert any(isinstance(m, nn.LayerNorm) for m in critic.modules())


# ---------------------------------------------------------------- smooth ELU
def test_smooth_elu_formula() -> None:
    """SmoothELU(x) = softplus(2x + 2) / 2 - 1, computed independently in float64."""
    x = torch.linspace(-6, 6, 1001, dtype=torch.float64)
    expected = torch.log1p(torch.exp(2 * x + 2)) / 2 - 1
    torch.testing.assert_close(SmoothELU()(x), expected)


def test_smooth_elu_close_to_elu() -> None:
    """SmoothELU stays within 0.2 of ELU on [-5, 5] and shares its asymptotes (-1 and x)."""
    x = torch.linspace(-5, 5, 2001, dtype=torch.float64)
    diff = (SmoothELU()(x) - F.elu(x)).abs()
    assert diff.max() < 0.2
    big = torch.tensor([-20.0, 20.0], dtype=torch.float64)
    torch.testing.assert_close(SmoothELU()(big), torch.tensor([-1.0, 20.0], dtype=torch.float64))


def _derivative(f: nn.Module, x: torch.Tensor, order: int) -> torch.Tensor:
    x = x.clone().requires_grad_(True)
    y = f(x)
    for _ in range(order):
        (y,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    return y.detach()


def test_smooth_elu_derivative_is_sigmoid() -> None:
    """The autograd derivative equals sigmoid(2x + 2)."""
    x = torch.linspace(-4, 4, 81, dtype=torch.float64)
    torch.testing.assert_close(_derivative(SmoothELU(), x, 1), torch.sigmoid(2 * x + 2))


def test_smooth_elu_derivative_continuous_at_zero_finite_differences() -> None:
    """One-sided difference quotients at 0 agree with each other and with sigmoid(2)."""
    f = SmoothELU()
    zero = torch.zeros(1, dtype=torch.float64)
    for h in (1e-3, 1e-5):
        step = torch.full((1,), h, dtype=torch.float64)
        right = ((f(step) - f(zero)) / h).item()
        left = ((f(zero) - f(-step)) / h).item()
        assert abs(right - left) < 10 * h
        assert right == pytest.approx(torch.sigmoid(torch.tensor(2.0)).item(), abs=10 * h)


@pytest.mark.parametrize("order", [1, 2])
def test_smooth_elu_is_smooth_at_zero(order: int) -> None:
    """Autograd derivatives (1st and 2nd) just left and right of 0 agree.

    The same check on ELU fails at order 2 (its second derivative jumps from 1 to 0 at 0), which
    shows that the check can tell a smooth activation from a non-smooth one.
    """
    h = 1e-4
    x = torch.tensor([-h, h], dtype=torch.float64)
    for act, smooth in ((SmoothELU(), True), (nn.ELU(), False)):
        left, right = _derivative(act, x, order)
        if smooth or order == 1:
            assert abs(left - right) < 1e-3
        else:
            assert abs(left - right) > 0.5


def test_official_initialisation_is_he_in_relu_layers_and_glorot_at_the_output() -> None:
    """tflib's Linear: uniform weights of std sqrt(2 / fan_in) ('he') in the ReLU layers and
    sqrt(2 / (fan_in + fan_out)) (Glorot) at the output, zero biases. 262,144 weights per hidden
    layer estimate the std to about 0.2%: a 2% tolerance separates it from PyTorch's sqrt(1/3) times."""
    net = toy_critic(depth=4, width=512)
    for block in net.blocks[1:]:
        w = block[0].weight
        assert w.abs().max() <= (6 / 512) ** 0.5
        assert w.std().item() == pytest.approx((2 / 512) ** 0.5, rel=0.02)
        assert not block[0].bias.any()
    assert net.head.weight.abs().max() <= (6 / 513) ** 0.5 and not net.head.bias.any()
    assert (
        net.blocks[1][0].weight.std().item()
        > 1.5 * toy_critic(width=512, init="pytorch").blocks[1][0].weight.std().item()
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_deep_critic_starts_with_input_gradients_of_order_one(seed: int) -> None:
    """WGAN-GP Figure 1b trains 12-layer ReLU critics: with the official initialisation the gradient of
    the output with respect to the input starts near 1 (measured 0.6-2 over seeds 0-2), with
    PyTorch's default it has vanished before training (about 2e-5), whatever the regulariser."""
    torch.manual_seed(seed)
    x = torch.randn(256, 2, requires_grad=True)

    def median_norm(init: str) -> float:
        critic = toy_critic(depth=12, width=128, init=init)
        (grad,) = torch.autograd.grad(critic(x).sum(), x)
        return grad.norm(dim=1).median().item()

    assert 0.1 < median_norm("official") < 10
    assert median_norm("pytorch") < 1e-3
