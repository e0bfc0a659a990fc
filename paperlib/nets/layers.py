"""Layers shared by the networks of the book."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


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
