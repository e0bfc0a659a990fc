"""The CIFAR-10 ResNet generator and critic of WGAN-GP appendix F (official ``gan_cifar_resnet.py``).

Appendix F: "pre-activation residual blocks with two 3x3 convolutional layers and ReLU
nonlinearity. Some residual blocks perform downsampling (in the critic) using mean pooling after
the second convolution, or nearest-neighbor upsampling (in the generator) before the second
convolution. We use batch normalization in the generator but not the critic." Its table, with
``dim = 128``:

==========================  ===========  ========  ==============
Generator G(z)              kernel       resample  output shape
==========================  ===========  ========  ==============
z                           --           --        128
Linear                      --           --        128 x 4 x 4
Residual block              [3x3] x 2    up        128 x 8 x 8
Residual block              [3x3] x 2    up        128 x 16 x 16
Residual block              [3x3] x 2    up        128 x 32 x 32
Conv, tanh                  3x3          --        3 x 32 x 32
==========================  ===========  ========  ==============

==========================  ===========  ========  ==============
Critic D(x)                 kernel       resample  output shape
==========================  ===========  ========  ==============
Residual block              [3x3] x 2    down      128 x 16 x 16
Residual block              [3x3] x 2    down      128 x 8 x 8
Residual block              [3x3] x 2    --        128 x 8 x 8
Residual block              [3x3] x 2    --        128 x 8 x 8
ReLU, global mean pool      --           --        128
Linear                      --           --        1
==========================  ===========  ========  ==============

Details from the official code: the generator ends in batch norm and ReLU before its last conv;
the critic's first block is ``OptimizedResBlockDisc1`` (conv, ReLU, conv, mean pool, without the
leading activation, since its input is the image; shortcut mean pool then 1x1 conv); a block that
resamples or changes the width has a 1x1-conv shortcut (upsample then conv, or conv then mean
pool), the others the identity; every conv has a bias. Weights start as the official ``tflib``
layers' (:func:`~paperlib.nets.layers.tflib_init_`): He's in the 3x3 convs, Glorot's in the 1x1
shortcuts and the generator's output conv (``he_init=False`` there) and in the linear layers, zero
biases.

Difference from the official code: ``gan_cifar_resnet.py`` upsamples *before the first* conv of an
'up' block (its ``UpsampleConv``), so that conv runs at the high resolution. Here the paper's text
is followed: the first conv runs at the low resolution and the upsampling comes just before the
second conv. Parameter counts are the same; the function class and the compute are not.
"""

from __future__ import annotations

import torch
from torch import nn

from paperlib.config import check_choice, check_int
from paperlib.nets.layers import FullPrecisionLinear, tflib_init_

RESAMPLES = (None, "up", "down")


def _upsample(resample: str | None) -> list[nn.Module]:
    """Nearest-neighbour 2x upsampling for an 'up' block, nothing otherwise."""
    return [nn.Upsample(scale_factor=2, mode="nearest")] if resample == "up" else []


def _downsample(resample: str | None) -> list[nn.Module]:
    """2x2 mean pooling for a 'down' block, nothing otherwise."""
    return [nn.AvgPool2d(2)] if resample == "down" else []


class ResidualBlock(nn.Module):
    """Pre-activation block ``[norm, ReLU, conv3x3] x 2`` plus a shortcut (WGAN-GP appendix F).

    ``resample="up"``: nearest-neighbour upsampling before the second conv, shortcut upsample then
    1x1 conv. ``resample="down"``: mean pooling after the second conv, shortcut 1x1 conv then mean
    pooling. ``resample=None``: identity shortcut when ``c_in == c_out``, else a 1x1 conv.
    ``batch_norm`` puts ``BatchNorm2d`` before each ReLU (generator blocks only).
    """

    def __init__(self, c_in: int, c_out: int, resample: str | None = None, batch_norm: bool = False) -> None:
        super().__init__()
        check_choice("resample", resample, RESAMPLES)
        c_mid = c_in if resample == "down" else c_out
        norm1 = [nn.BatchNorm2d(c_in)] if batch_norm else []
        norm2 = [nn.BatchNorm2d(c_mid)] if batch_norm else []
        self.residual = nn.Sequential(
            *norm1,
            nn.ReLU(),
            nn.Conv2d(c_in, c_mid, 3, padding=1),
            *norm2,
            nn.ReLU(),
            *_upsample(resample),
            nn.Conv2d(c_mid, c_out, 3, padding=1),
            *_downsample(resample),
        )
        if resample is None and c_in == c_out:
            self.shortcut: nn.Module = nn.Identity()
        else:
            self.shortcut = nn.Sequential(
                *_upsample(resample), nn.Conv2d(c_in, c_out, 1), *_downsample(resample)
            )
        tflib_init_(self.residual)
        tflib_init_(self.shortcut, he=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.shortcut(x) + self.residual(x)


class FirstCriticBlock(nn.Module):
    """The critic's first block (official ``OptimizedResBlockDisc1``): conv, ReLU, conv, mean pool.

    No activation before the first conv (the input is the image); the shortcut is mean pooling
    then a 1x1 conv.
    """

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.residual = nn.Sequential(
            nn.Conv2d(c_in, c_out, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(c_out, c_out, 3, padding=1),
            nn.AvgPool2d(2),
        )
        self.shortcut = nn.Sequential(nn.AvgPool2d(2), nn.Conv2d(c_in, c_out, 1))
        tflib_init_(self.residual)
        tflib_init_(self.shortcut, he=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.shortcut(x) + self.residual(x)


class ResNetGenerator(nn.Module):
    """Noise ``(n, noise_dim)`` to images ``(n, channels, 32, 32)`` in ``[-1, 1]`` (appendix F).

    ``self.project`` is the linear layer to ``dim x 4 x 4``, ``self.blocks`` the three 'up' residual
    blocks with batch norm, ``self.head`` batch norm, ReLU, 3x3 conv to ``channels`` (CIFAR-10: 3)
    and ``tanh``.
    """

    def __init__(self, dim: int = 128, noise_dim: int = 128, channels: int = 3) -> None:
        super().__init__()
        check_int("dim", dim, 1)
        check_int("noise_dim", noise_dim, 1)
        check_int("channels", channels, 1)
        self.noise_dim = noise_dim
        self.project = nn.Sequential(nn.Linear(noise_dim, dim * 4 * 4), nn.Unflatten(1, (dim, 4, 4)))
        self.blocks = nn.ModuleList([ResidualBlock(dim, dim, "up", batch_norm=True) for _ in range(3)])
        self.head = nn.Sequential(
            nn.BatchNorm2d(dim), nn.ReLU(), nn.Conv2d(dim, channels, 3, padding=1), nn.Tanh()
        )
        tflib_init_(self.project)
        tflib_init_(self.head, he=False)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        x = self.project(z)
        for block in self.blocks:
            x = block(x)
        return self.head(x)


class ResNetCritic(nn.Module):
    """Images ``(n, channels, 32, 32)`` to scores ``(n, 1)``, without normalisation (appendix F).

    ``self.blocks``: the first block (to 16x16), a 'down' block (to 8x8) and two blocks without
    resampling; ``self.head``: ReLU, global mean pool, linear.
    """

    def __init__(self, dim: int = 128, channels: int = 3) -> None:
        super().__init__()
        check_int("dim", dim, 1)
        check_int("channels", channels, 1)
        self.blocks = nn.ModuleList(
            [
                FirstCriticBlock(channels, dim),
                ResidualBlock(dim, dim, "down"),
                ResidualBlock(dim, dim),
                ResidualBlock(dim, dim),
            ]
        )
        self.head = nn.Sequential(
            nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), FullPrecisionLinear(dim, 1)
        )
        tflib_init_(self.head)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self.blocks:
            x = block(x)
        return self.head(x)
