"""The character-level language GAN of WGAN-GP section 5.5 (official ``gan_language.py``).

Both networks are stacks of five 1-D residual blocks over the sequence (``dim`` channels,
``seq_len`` positions; official: 512 and 32). A block is ``x + 0.3 * conv(relu(conv(relu(x))))``
with kernel-5 "same" convolutions. The generator maps 128-d noise through a linear layer to a
``(dim, seq_len)`` map, the blocks, a 1x1 convolution to the vocabulary and a softmax over it:
its samples are ``(n, seq_len, vocabulary)`` probability vectors, which the critic reads like
the one-hot real lines (the penalty interpolates between the two). The critic maps the
one-hot input through a 1x1 convolution to ``dim`` channels, the blocks, and a linear layer on
the flattened ``(dim, seq_len)`` map. Weights start as the official ``tflib`` layers'
(:func:`~paperlib.nets.layers.tflib_init_`): He's in every convolution, Glorot's in the linear
layers, zero biases.

``batch_norm=True`` is the generator of the official FOGAN language code (``gan_language_JSD.py`` with
``--batch_norm_g``; FOGAN section 7.2 uses it for both methods): a batch norm on the noise, one on
the linear layer's output, and one after each convolution of the blocks, ``x + 0.3 *
bn(conv(relu(bn(conv(relu(x))))))``. Each is TensorFlow's ``batch_norm`` as that code calls it:
statistics over every axis but the last (on a ``(n, dim, seq_len)`` map: over the batch and the
channels, for each position), no scale, a shift that is created but never trained (it is not among
the parameters the optimiser updates, so it stays 0: ``affine=False`` here), moving averages with
decay 0.9 (PyTorch's momentum 0.1) that the official code samples with.
"""

from __future__ import annotations

import torch
from torch import nn

from paperlib.config import check_bool, check_int
from paperlib.nets.layers import FullPrecisionLinear, tflib_init_

BLOCKS = 5
RESIDUAL_SCALE = 0.3


class PositionNorm(nn.Module):
    """The official code's batch norm of a ``(n, dim, seq_len)`` map: TensorFlow normalises over every
    axis but the last, so each of the ``seq_len`` positions has its statistics over the batch and the
    channels; no scale and no (trained) shift."""

    def __init__(self, seq_len: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm1d(seq_len, affine=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(x.transpose(1, 2)).transpose(1, 2)


class ResidualBlock1d(nn.Module):
    """``x + 0.3 * conv5(relu(conv5(relu(x))))``; with ``seq_len`` given (batch norm, the official FOGAN
    generator), a :class:`PositionNorm` after each convolution."""

    def __init__(self, dim: int, seq_len: int | None = None) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        for _ in range(2):
            layers += [nn.ReLU(), nn.Conv1d(dim, dim, 5, padding=2)]
            layers += [PositionNorm(seq_len)] if seq_len is not None else []
        self.residual = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + RESIDUAL_SCALE * self.residual(x)


def _check(vocab_size: int, dim: int, seq_len: int) -> None:
    check_int("vocab_size", vocab_size, 2)
    check_int("dim", dim, 1)
    check_int("seq_len", seq_len, 1)


class TextGenerator(nn.Module):
    """Noise ``(n, noise_dim)`` to character distributions ``(n, seq_len, vocab_size)`` (rows sum to 1)."""

    def __init__(
        self,
        vocab_size: int,
        dim: int = 512,
        seq_len: int = 32,
        noise_dim: int = 128,
        batch_norm: bool = False,
    ) -> None:
        super().__init__()
        _check(vocab_size, dim, seq_len)
        check_int("noise_dim", noise_dim, 1)
        self.noise_dim = noise_dim
        norms = check_bool("batch_norm", batch_norm)
        self.project = nn.Sequential(
            *([nn.BatchNorm1d(noise_dim, affine=False)] if norms else []),
            nn.Linear(noise_dim, dim * seq_len),
            *([nn.BatchNorm1d(dim * seq_len, affine=False)] if norms else []),
            nn.Unflatten(1, (dim, seq_len)),
        )
        self.blocks = nn.Sequential(
            *(ResidualBlock1d(dim, seq_len if norms else None) for _ in range(BLOCKS))
        )
        self.head = nn.Conv1d(dim, vocab_size, 1)
        tflib_init_(self)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        logits = self.head(self.blocks(self.project(z)))  # (n, vocab, seq_len)
        return torch.softmax(logits.transpose(1, 2), dim=-1)


class TextCritic(nn.Module):
    """Character distributions or one-hot lines ``(n, seq_len, vocab_size)`` to scores ``(n, 1)``."""

    def __init__(self, vocab_size: int, dim: int = 512, seq_len: int = 32) -> None:
        super().__init__()
        _check(vocab_size, dim, seq_len)
        self.embed = nn.Conv1d(vocab_size, dim, 1)
        self.blocks = nn.Sequential(*(ResidualBlock1d(dim) for _ in range(BLOCKS)))
        self.head = nn.Sequential(nn.Flatten(), FullPrecisionLinear(dim * seq_len, 1))
        tflib_init_(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.blocks(self.embed(x.transpose(1, 2))))
