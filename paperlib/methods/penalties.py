"""Critic regularizers: gradient penalties (a *measure* and a *form*) and weight clipping.

A gradient penalty (WGAN-GP eq. 3) pays ``weight * E_{x^ ~ mu}[form(||grad_x D(x^)||_2)]``, where the
*measure* ``mu`` says where the points x^ are drawn and the *form* says what is paid there. Any
measure combines with any form.

Measures (callables ``(real, fake) -> points``, one point per sample; the names of Table 1 of the
SGP mu-WGAN paper in brackets):

* ``interpolates``: x^ = eps * x + (1 - eps) * x~ with one eps ~ U[0, 1] per sample (WGAN-GP,
  Algorithm 1 line 6) [mu_GP];
* ``real``: the real batch itself [p_d]; ``fake``: the generated batch itself [p_g];
* ``midpoint``: x^ = x / 2 + x~ / 2 [mu_mid];
* :class:`AnchoredInterpolates`: x^ = eps * A + (1 - eps) * x~ with a fixed anchor A [mu_g,anc];
* :class:`NearFake`: x' = x~ - alpha (x~ - x), alpha ~ U[0, eps], generated samples moved a little
  towards real ones (Q'_theta of the First Order GAN paper, Definition 6).

Forms (functions of the per-sample gradient norm):

* ``two_sided``: ``(||g|| - 1)^2`` (eq. 3); ``one_sided``: ``max(0, ||g|| - 1)^2`` (appendix C);
* ``squared``: ``||g||^2`` (the "simple gradient penalty").

The gradient is flattened over every non-batch axis before its norm, so image critics are penalised
per sample and not per pixel row.

Every regularizer has the shape of :class:`Regularizer`; the penalized Wasserstein divergences of
the First Order GAN paper are in :mod:`paperlib.methods.penalized_wasserstein`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, is_dataclass
from typing import ClassVar, Protocol

import torch
from torch import nn

from paperlib.config import ParameterError, check_choice, check_float, check_int


def _interpolates(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    eps = torch.rand((real.shape[0],) + (1,) * (real.dim() - 1), device=real.device, dtype=real.dtype)
    return eps * real + (1 - eps) * fake


Measure = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]

MEASURES: dict[str, Measure] = {
    "interpolates": _interpolates,
    "real": lambda real, fake: real,
    "fake": lambda real, fake: fake,
    "midpoint": lambda real, fake: 0.5 * real + 0.5 * fake,
}


def is_measure_object(measure: object) -> bool:
    """Whether ``measure`` is a measure object a run can name in its checkpoint: a callable dataclass,
    whose ``repr`` (what a checkpoint must match) is the same in every process. A plain function's
    ``repr`` holds its address, so its runs could not resume."""
    return is_dataclass(measure) and not isinstance(measure, type) and callable(measure)


@dataclass(frozen=True)
class AnchoredInterpolates:
    """The anchored measure mu_g,anc of the SGP mu-WGAN paper (Table 1): x^ = eps * A + (1 - eps) * x~,
    one eps ~ U[0, 1] per generated sample x~, with a fixed anchor A.

    ``anchor`` is a point (a tuple with one value per coordinate of a sample: ``(2.0, -1.0)`` for
    the paper's 2-D data), one value for every pixel (the paper's "784 gray pixels" for MNIST are
    mid-gray: ``0.5`` for images in [0, 1], as ``gan_mnist.py``'s sigmoid generator makes them, or
    ``0.0`` for images in [-1, 1]), or ``"random"``: pixels drawn uniformly from [-1, 1] by a
    generator of their own seeded with ``seed`` (the paper says only "fixed random pixels" for
    CIFAR-10; the uniform law is ours), the same image at every call and in every process; ``seed``
    applies to a random anchor only. A run keeps its anchor across a resume because the anchor is a
    function of this object alone, whose ``repr`` (anchor and seed) is part of what a checkpoint
    must match (:meth:`paperlib.training.trainer.Trainer.config`). The anchor is built once per sample shape,
    device and dtype, so a critic step does not copy it to the device again.
    """

    anchor: tuple[float, ...] | float | str
    seed: int = 0
    _built: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.anchor, str):
            check_choice("penalty measure anchor", self.anchor, ("random",))
        elif isinstance(self.anchor, tuple | list):
            object.__setattr__(
                self,
                "anchor",
                tuple(check_float("penalty measure anchor", a, -math.inf) for a in self.anchor),
            )
        else:
            object.__setattr__(self, "anchor", check_float("penalty measure anchor", self.anchor, -math.inf))
        check_int("penalty measure seed", self.seed, 0)
        if self.seed and self.anchor != "random":
            raise ParameterError(f"penalty measure seed={self.seed} applies to anchor='random' only")

    def anchor_like(self, sample: torch.Tensor) -> torch.Tensor:
        """The anchor A with the shape of one sample of the batch ``sample`` (its device and dtype)."""
        key = (tuple(sample.shape[1:]), sample.device, sample.dtype)
        if key not in self._built:
            self._built[key] = self._build(sample)
        return self._built[key]

    def _build(self, sample: torch.Tensor) -> torch.Tensor:
        shape, options = sample.shape[1:], dict(device=sample.device, dtype=sample.dtype)
        if isinstance(self.anchor, tuple):
            if len(self.anchor) != math.prod(shape):
                raise ParameterError(
                    f"penalty measure anchor {self.anchor} has {len(self.anchor)} coordinates; "
                    f"a sample has {math.prod(shape)} (shape {tuple(shape)})"
                )
            return torch.tensor(self.anchor, **options).reshape(shape)
        if isinstance(self.anchor, float):
            return torch.full(shape, self.anchor, **options)
        pixels = torch.rand(shape, generator=torch.Generator().manual_seed(self.seed), dtype=torch.float64)
        return (2 * pixels - 1).to(**options)

    def __call__(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        return _interpolates(self.anchor_like(fake).expand_as(fake), fake)


@dataclass(frozen=True)
class NearFake:
    """Q'_theta of the First Order GAN paper (section 6): every generated sample x~ moved a fraction
    alpha ~ U[0, eps] of the way towards the real sample x of the same batch position,
    x' = x~ - alpha (x~ - x), one alpha per sample.

    ``side`` names how the official code writes it: ``"fake"``, ``alpha * x + (1 - alpha) * x~`` with
    alpha ~ U[0, eps] (``DCGAN_FID_batched/model.py``, eps = 0.01, and the paper's text), or
    ``"real"``, ``x + beta * (x~ - x)`` with beta ~ U[1 - eps, 1] (``gan_language_JSD.py``'s
    ``real + alpha * (fake - real)``, alpha ~ U[0.99, 1]). The two have the same law (beta = 1 -
    alpha) and differ only in the arithmetic, so in rounding and in which uniform draw gives which
    point; a run names its variant to be repeatable.
    """

    eps: float = 0.01
    side: str = "fake"

    def __post_init__(self) -> None:
        object.__setattr__(self, "eps", check_float("near-fake eps", self.eps, 0.0, inclusive=False))
        if self.eps > 1:
            raise ParameterError(f"near-fake eps={self.eps} must be at most 1 (alpha ~ U[0, eps])")
        check_choice("near-fake side", self.side, ("fake", "real"))

    def __call__(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        # at least float32: under amp a bfloat16 generator output would leave 1 - alpha four values
        dtype = torch.promote_types(torch.promote_types(real.dtype, fake.dtype), torch.float32)
        u = torch.rand((fake.shape[0],) + (1,) * (fake.dim() - 1), device=fake.device, dtype=dtype)
        real, fake = real.to(dtype), fake.to(dtype)
        if self.side == "fake":
            alpha = self.eps * u
            return alpha * real + (1 - alpha) * fake
        beta = (1 - self.eps) + self.eps * u
        return real + beta * (fake - real)


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
    """``weight * E_{x^ ~ measure}[form(||grad D(x^)||)]``; defaults: WGAN-GP (interpolates, two-sided).

    ``measure`` is a name of ``MEASURES`` or a measure object such as
    :class:`AnchoredInterpolates`."""

    weight: float = 10.0
    measure: str | Measure = "interpolates"
    form: str = "two_sided"
    gradient_at_fake: ClassVar[bool] = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "weight", check_float("penalty weight", self.weight))
        if isinstance(self.measure, str) or not is_measure_object(self.measure):
            check_choice("penalty measure", self.measure, MEASURES)
        check_choice("penalty form", self.form, FORMS)

    def points(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        """Points drawn from the penalty measure, one per sample of the batch."""
        measure = MEASURES[self.measure] if isinstance(self.measure, str) else self.measure
        return measure(real, fake)

    def penalty(
        self, critic: nn.Module, real: torch.Tensor, fake: torch.Tensor, outputs: object = None
    ) -> torch.Tensor:
        """The penalty term of the critic loss, differentiable with respect to the critic's parameters
        (``outputs``, the critic's on ``real`` and ``fake``, are not needed: its points are others)."""
        points = self.points(real, fake)
        norms = gradient_norm(critic, points, create_graph=True)
        return self.weight * FORMS[self.form](norms).mean()

    def project(self, critic: nn.Module) -> None:
        """Nothing to do after a critic step: a penalty acts through the loss."""


def simple_gradient_penalty(lam: float, measure: str | Measure = "interpolates") -> GradientPenalty:
    """The simple gradient penalty of the SGP mu-WGAN paper (Definition 4): the critic maximises
    ``E_pd[D] - E_pg[D] - (lam / 2) E_mu[||grad_x D||^2]``. paperlib's critic minimises the negative of
    its gain, so this is the ``squared`` form with weight ``lam / 2``: ``GradientPenalty(lam / 2,
    measure, "squared")``. (Mescheder et al.'s R1 is the same with ``measure="real"``.)"""
    return GradientPenalty(check_float("lam", lam) / 2, measure, "squared")


@dataclass(frozen=True)
class WeightClipping:
    """Clip every critic parameter into ``[-c, c]`` after each critic step (Arjovsky et al. 2017).

    All parameters are clipped, biases included, as in the official WGAN and WGAN-GP code.
    """

    c: float = 0.01
    gradient_at_fake: ClassVar[bool] = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "c", check_float("clip c", self.c, 0.0, inclusive=False))

    def penalty(
        self, critic: nn.Module, real: torch.Tensor, fake: torch.Tensor, outputs: object = None
    ) -> None:
        """Clipping adds nothing to the loss."""
        return None

    @torch.no_grad()
    def project(self, critic: nn.Module) -> None:
        for p in critic.parameters():
            p.clamp_(-self.c, self.c)


class Regularizer(Protocol):
    """What the trainer asks of a critic regularizer.

    ``penalty(critic, real, fake, outputs)`` is the term added to the critic's loss (``None``: none),
    where ``outputs`` are the critic's own outputs ``(D(real), D(fake))`` of the same step, for
    regularizers that reuse them; ``project(critic)`` runs after each critic step; with
    ``gradient_at_fake`` the trainer computes ``D(fake)`` from a ``fake`` batch that requires grad,
    so that the regularizer can differentiate those outputs with respect to their inputs.
    """

    gradient_at_fake: ClassVar[bool]

    def penalty(
        self, critic: nn.Module, real: torch.Tensor, fake: torch.Tensor, outputs: tuple | None = None
    ) -> torch.Tensor | None: ...

    def project(self, critic: nn.Module) -> None: ...
