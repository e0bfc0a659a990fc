"""Layers shared by the networks of the book."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from paperlib.config import check_bool, check_choice


class FullPrecisionLinear(nn.Linear):
    """A linear layer computed in its parameters' precision (float32 unless the network was converted)
    even under autocast: the output layer of every critic.

    Under bfloat16 autocast (``Trainer(amp=True)``) the critic's outputs would be bfloat16 numbers,
    which keep 8 significant bits: a WGAN critic is defined up to a constant, and at an offset of
    1000 its outputs move in steps of 4, so differences of a few hundredths (the W estimate, the
    loss) vanish. Parameters and ``state_dict`` are those of ``nn.Linear``.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.autocast(x.device.type, enabled=False):
            return F.linear(x.to(self.weight.dtype), self.weight, self.bias)


LINEAR_INITS = ("glorot", "he")


def tflib_init_(module: nn.Module, *, he: bool = True, linear: str = "glorot") -> nn.Module:
    """Initialise every linear and convolution layer in ``module`` as the official WGAN-GP code's
    ``tflib`` layers do, in place; returns ``module``.

    Weights are uniform with the standard deviation below (bounds ``± std * sqrt(3)``), biases zero:

    * ``nn.Linear`` (``tflib/ops/linear.py``): ``linear="glorot"``, the default ``initialization=None``,
      ``sqrt(2 / (fan_in + fan_out))``; ``linear="he"``, ``initialization='he'``, ``sqrt(2 / fan_in)``.
    * ``nn.Conv1d`` / ``nn.Conv2d`` (``conv1d.py``, ``conv2d.py``), with ``k`` the kernel size taken over
      every kernel dimension and ``s`` the stride likewise: ``fan_in = c_in * k``,
      ``fan_out = c_out * k / s``; ``nn.ConvTranspose2d`` (``deconv2d.py``): ``fan_in = c_in * k / s``,
      ``fan_out = c_out * k``. With ``he`` (tflib's default ``he_init=True``) the standard deviation is
      ``sqrt(4 / (fan_in + fan_out))``, else Glorot's ``sqrt(2 / (fan_in + fan_out))``.

    Normalisation layers keep PyTorch's scale 1 and shift 0, which are tflib's too. PyTorch's default
    for the same layers is uniform with bound ``1 / sqrt(fan_in)`` (a 5x5 conv of 128 to 256 channels at
    stride 2: std 0.0102 against tflib's 0.0289).
    """
    check_bool("he", he)
    check_choice("linear", linear, LINEAR_INITS)
    for layer in module.modules():
        if isinstance(layer, nn.Linear):
            fan_in, fan_out = layer.in_features, layer.out_features
            std = math.sqrt(2 / fan_in) if linear == "he" else math.sqrt(2 / (fan_in + fan_out))
        elif isinstance(layer, (nn.Conv1d, nn.Conv2d, nn.ConvTranspose2d)):
            kernel, stride = math.prod(layer.kernel_size), math.prod(layer.stride)
            transposed = isinstance(layer, nn.ConvTranspose2d)
            fan_in = layer.in_channels * kernel / (stride if transposed else 1)
            fan_out = layer.out_channels * kernel / (1 if transposed else stride)
            std = math.sqrt((4 if he else 2) / (fan_in + fan_out))
        else:
            continue
        bound = std * math.sqrt(3)
        nn.init.uniform_(layer.weight, -bound, bound)
        if layer.bias is not None:
            nn.init.zeros_(layer.bias)
    return module
