"""Fully connected generators and critics for the 2-D toy problems.

The official WGAN-GP toy code uses a 4-layer MLP of width 512 (three ReLU layers, then a linear
output) for both networks, with 2-D Gaussian noise as the generator input. Section 3.2 of the
paper uses 12-layer ReLU MLPs without batch normalisation. The official layers
(``tflib/ops/linear.py``) start from zero biases and uniform weights: ``initialization='he'``
(standard deviation sqrt(2 / fan_in)) in the ReLU layers, Glorot's (sqrt(2 / (fan_in + fan_out)))
in the output layer, which ``init="official"`` reproduces. PyTorch's default (``init="pytorch"``,
uniform with bound 1/sqrt(fan_in)) is sqrt(6), about 2.45 times, smaller in the hidden layers: a
12-layer ReLU critic then starts with input gradients of about 3e-5 instead of about 1.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from paperlib.config import check_choice, check_int
from paperlib.nets.layers import FullPrecisionLinear, tflib_init_


class SmoothELU(nn.Module):
    """``softplus(2x + 2) / 2 - 1``: the smooth stand-in for ELU of WGAN-GP appendix D."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.softplus(2 * x + 2) / 2 - 1


ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "leaky_relu": lambda: nn.LeakyReLU(0.2),  # type: ignore[dict-item]
    "tanh": nn.Tanh,
    "elu": nn.ELU,
    "smooth_elu": SmoothELU,
}
NORMS = ("none", "layer", "batch")
INITS = ("official", "pytorch")


class MLP(nn.Module):
    """``depth`` linear layers of hidden width ``width``; activation (and norm) after all but the last.

    ``self.blocks`` lists the hidden blocks (linear, optional norm, activation) so that diagnostics
    can read each layer's activations; ``self.head`` is the final linear layer. ``init`` is the
    official toy code's initialisation or PyTorch's default (module docstring).
    """

    def __init__(
        self,
        in_dim: int,
        out_dim: int,
        depth: int = 4,
        width: int = 512,
        activation: str = "relu",
        norm: str = "none",
        init: str = "official",
    ) -> None:
        super().__init__()
        check_int("depth", depth, 1)
        check_int("width", width, 1)
        check_choice("activation", activation, ACTIVATIONS)
        check_choice("norm", norm, NORMS)
        check_choice("init", init, INITS)
        dims = [in_dim] + [width] * (depth - 1)
        blocks = []
        for d_in, d_out in zip(dims[:-1], dims[1:], strict=True):
            layers: list[nn.Module] = [nn.Linear(d_in, d_out)]
            if norm == "layer":
                layers.append(nn.LayerNorm(d_out))
            elif norm == "batch":
                layers.append(nn.BatchNorm1d(d_out))
            layers.append(ACTIVATIONS[activation]())
            blocks.append(nn.Sequential(*layers))
        self.blocks = nn.ModuleList(blocks)
        self.head = FullPrecisionLinear(dims[-1], out_dim)
        if init == "official":
            tflib_init_(self.blocks, linear="he")
            tflib_init_(self.head)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self.blocks:
            x = block(x)
        return self.head(x)


def toy_generator(
    depth: int = 4, width: int = 512, activation: str = "relu", noise_dim: int = 2, init: str = "official"
) -> MLP:
    """Generator of the toy experiments: ``noise_dim``-D Gaussian noise to a point in the plane."""
    return MLP(noise_dim, 2, depth, width, activation, init=init)


def toy_critic(
    depth: int = 4, width: int = 512, activation: str = "relu", norm: str = "none", init: str = "official"
) -> MLP:
    """Critic of the toy experiments; batch norm is refused (it couples samples, section 4)."""
    check_choice("critic norm", norm, ("none", "layer"))
    return MLP(2, 1, depth, width, activation, norm, init=init)
