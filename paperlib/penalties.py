"""Critic regularizers: gradient penalties (a *measure* and a *form*) and weight clipping.

A gradient penalty (WGAN-GP eq. 3) pays ``weight * E_{x^ ~ mu}[form(||grad_x D(x^)||_2)]``, where the
*measure* ``mu`` says where the points x^ are drawn and the *form* says what is paid there.

Measures (functions ``(real, fake) -> points``):

* ``interpolates``: x^ = eps * x + (1 - eps) * x~ with one eps ~ U[0, 1] per sample (WGAN-GP,
  Algorithm 1 line 6; the "mu-GP" measure of the SGP paper);
* ``real``: the real batch itself; ``fake``: the generated batch itself.

Forms (functions of the per-sample gradient norm):

* ``two_sided``: ``(||g|| - 1)^2`` (eq. 3); ``one_sided``: ``max(0, ||g|| - 1)^2`` (appendix C);
* ``squared``: ``||g||^2`` (the "simple gradient penalty").

The gradient is flattened over every non-batch axis before its norm, so image critics are penalised
per sample and not per pixel row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from paperlib.config import check_choice, check_float


def _interpolates(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    eps = torch.rand((real.shape[0],) + (1,) * (real.dim() - 1), device=real.device, dtype=real.dtype)
    return eps * real + (1 - eps) * fake


MEASURES: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "interpolates": _interpolates,
    "real": lambda real, fake: real,
    "fake": lambda real, fake: fake,
}

FORMS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "two_sided": lambda norm: (norm - 1) ** 2,
    "one_sided": lambda norm: torch.clamp(norm - 1, min=0) ** 2,
    "squared": lambda norm: norm**2,
}


def gradient_norm(critic: nn.Module, points: torch.Tensor, create_graph: bool = False) -> torch.Tensor:
    """Per-sample ``||grad_x D(x)||_2`` at ``points``, the gradient flattened over non-batch axes.

    ``create_graph=True`` keeps the graph so that the norm can be differentiated with respect to
    the critic's parameters (needed when the penalty enters the critic's loss).
    """
    points = points.detach().requires_grad_(True)
    out = critic(points)
    (grad,) = torch.autograd.grad(out.sum(), points, create_graph=create_graph)
    return grad.flatten(start_dim=1).norm(dim=1)


@dataclass(frozen=True)
class GradientPenalty:
    """``weight * E_{x^ ~ measure}[form(||grad D(x^)||)]``; defaults: WGAN-GP (interpolates, two-sided)."""

    weight: float = 10.0
    measure: str = "interpolates"
    form: str = "two_sided"

    def __post_init__(self) -> None:
        object.__setattr__(self, "weight", check_float("penalty weight", self.weight))
        check_choice("penalty measure", self.measure, MEASURES)
        check_choice("penalty form", self.form, FORMS)

    def penalty(self, critic: nn.Module, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        """The penalty term of the critic loss, differentiable with respect to the critic's parameters."""
        points = MEASURES[self.measure](real, fake)
        norms = gradient_norm(critic, points, create_graph=True)
        return self.weight * FORMS[self.form](norms).mean()

    def project(self, critic: nn.Module) -> None:
        """Nothing to do after a critic step: a penalty acts through the loss."""


@dataclass(frozen=True)
class WeightClipping:
    """Clip every critic parameter into ``[-c, c]`` after each critic step (Arjovsky et al. 2017).

    All parameters are clipped, biases included, as in the official WGAN and WGAN-GP code.
    """

    c: float = 0.01

    def __post_init__(self) -> None:
        object.__setattr__(self, "c", check_float("clip c", self.c, 0.0, inclusive=False))

    def penalty(self, critic: nn.Module, real: torch.Tensor, fake: torch.Tensor) -> None:
        """Clipping adds nothing to the loss."""
        return None

    @torch.no_grad()
    def project(self, critic: nn.Module) -> None:
        for p in critic.parameters():
            p.clamp_(-self.c, self.c)


Regularizer = GradientPenalty | WeightClipping
