"""Optimisers of the papers' official code, and the spec a run names its optimiser by.

The official WGAN and WGAN-GP code is TensorFlow 1. Its Adam matches PyTorch's up to where epsilon
enters (negligible at 1e-8), but its RMSProp does not: ``tf.train.RMSPropOptimizer`` keeps

    ms <- decay * ms + (1 - decay) * g^2,  ms starting at 1;   x <- x - lr * g / sqrt(ms + eps),

with decay 0.9 and eps 1e-10 inside the square root, where ``torch.optim.RMSprop`` uses decay 0.99,
ms starting at 0 and eps 1e-8 outside the root. With the small gradients of a clipped critic the
two differ most at the start: PyTorch's first step is about 10 lr per weight (ms = 0.01 g^2), TF1's
about lr * g (ms close to 1, fading as 0.9^t). :class:`TF1RMSprop` is TF1's rule; the spec
``"rmsprop_tf1"`` selects it, as every RMSProp run of the official code (weight clipping, and
WGAN-GP with RMSProp in Figure 3) used it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from paperlib.config import ParameterError, check_choice, check_float

OPTIMIZERS = ("adam", "rmsprop", "rmsprop_tf1")


class TF1RMSprop(torch.optim.Optimizer):
    """RMSProp as TensorFlow 1 computes it (module docstring), without momentum; ``weight_decay`` adds
    ``weight_decay * x`` to the gradient first, as PyTorch's optimisers do."""

    def __init__(
        self,
        params: Iterable[nn.Parameter] | Any,
        lr: float,
        decay: float = 0.9,
        eps: float = 1e-10,
        weight_decay: float = 0.0,
    ) -> None:
        check_float("lr", lr, 0.0, inclusive=False)
        if not 0.0 <= decay < 1.0:
            raise ParameterError(f"decay={decay!r} must lie in [0, 1)")
        check_float("eps", eps, 0.0)
        check_float("weight_decay", weight_decay, 0.0)
        super().__init__(params, dict(lr=lr, decay=decay, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure: Callable[[], torch.Tensor] | None = None) -> torch.Tensor | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad if not group["weight_decay"] else p.grad.add(p, alpha=group["weight_decay"])
                state = self.state[p]
                if not state:
                    state["square_avg"] = torch.ones_like(p, memory_format=torch.preserve_format)
                square_avg = state["square_avg"]
                square_avg.mul_(group["decay"]).addcmul_(grad, grad, value=1 - group["decay"])
                p.addcdiv_(grad, square_avg.add(group["eps"]).sqrt_(), value=-group["lr"])
        return loss


@dataclass(frozen=True)
class OptimizerSpec:
    """An optimiser: ``adam`` with ``betas``, ``rmsprop`` (PyTorch's) or ``rmsprop_tf1`` (TF1's, the
    official code's; betas ignored by both), with L2 ``weight_decay`` (WGAN-GP appendix B: 1e-3 on
    critics with batch or layer norm)."""

    name: str = "adam"
    lr: float = 1e-4
    betas: tuple[float, float] = (0.5, 0.9)
    weight_decay: float = 0.0

    def __post_init__(self) -> None:
        check_choice("optimizer", self.name, OPTIMIZERS)
        check_float("lr", self.lr, 0.0, inclusive=False)
        check_float("weight_decay", self.weight_decay, 0.0)

    def build(self, params: Sequence[nn.Parameter] | Any) -> torch.optim.Optimizer:
        if self.name == "adam":
            return torch.optim.Adam(params, lr=self.lr, betas=self.betas, weight_decay=self.weight_decay)
        if self.name == "rmsprop_tf1":
            return TF1RMSprop(params, lr=self.lr, weight_decay=self.weight_decay)
        return torch.optim.RMSprop(params, lr=self.lr, weight_decay=self.weight_decay)
