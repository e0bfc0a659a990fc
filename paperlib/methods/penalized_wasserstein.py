"""The penalized Wasserstein divergences of the First Order GAN paper (Seward et al. 2018) as critic
regularizers: tau_P (Definition 5) and the first-order tau_F (Definition 6, "FOGAN").

With the ``wasserstein`` objective the critic maximises ``E_P[f] - E_Q[f]`` minus

* the *Lipschitz term* of tau_P and tau_F, ``lam * E[(f(x) - f(x'))^2 / ||x - x'||]`` over pairs of a
  real ``x`` and a generated ``x'`` (:class:`LipschitzPenalty`; with Dirac measures this is eq. 6,
  tau_simple, whose optimum is ``|a - b| / 4`` at ``lam = 1``);
* for tau_F also the *gradient term* ``mu * E_x'[(||grad f(x')|| - t(x'))^2]`` with the target

      t(x') = || E_x~[(x~ - x') (f(x~) - f(x')) / ||x' - x~||^3] || / E_x~[1 / ||x' - x~||],

  the norm of the largest directional derivative towards the data (:class:`FirstOrderPenalty`).
  The target is computed under stop-gradient: the derivation fixes it at the critic's current
  values, and the official code computes it with ``tf.stop_gradient`` inputs and ``back_prop=False``.

FOGAN evaluates the generated side at the points ``x'`` of Q'_theta, generated samples moved a
little towards real ones (:class:`paperlib.methods.penalties.NearFake`); the trainer's ``fake_points``
option puts the critic loss and the generator loss there, and these regularizers are then handed
those points as their ``fake``.

Pairs and guards follow the official code (zalandoresearch/first_order_gan, ``gan_language_JSD.py``
and ``DCGAN_FID_batched/model.py`` as released, commit 66826b8). The Lipschitz term pairs the i-th
real sample with the i-th generated one (matched pairs, from which that ``x'`` was made), and is 0
where ``||x - x'|| < 1e-8``.
The target averages over the whole real batch, with ``1e-6`` added to every distance before its
powers. Distances and gradients are taken per sample, flattened over every non-batch axis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import torch
from torch import nn

from paperlib.config import check_choice, check_float

PAIR_GUARD = 1e-8  # official: a pair closer than this pays no Lipschitz term (``10e-9``)
TARGET_GUARD = 1e-6  # official: added to every distance of the target before its powers (``10e-7``)
TARGETS = ("definition", "capped_joint_norm")

Outputs = tuple[torch.Tensor, torch.Tensor]


def _outputs(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor, outputs: Outputs | None) -> Outputs:
    """``(f(real), f(fake))`` as flat vectors: the trainer's, or computed here."""
    real_out, fake_out = outputs if outputs is not None else (critic(real), critic(fake))
    return real_out.reshape(-1), fake_out.reshape(-1)


def lipschitz_terms(
    real: torch.Tensor, fake: torch.Tensor, real_out: torch.Tensor, fake_out: torch.Tensor
) -> torch.Tensor:
    """Per matched pair ``(f(x_i) - f(x'_i))^2 / ||x_i - x'_i||``, 0 for pairs closer than 1e-8."""
    distance = (real - fake).flatten(start_dim=1).norm(dim=1)
    # the clamp keeps the division finite where the pair is dropped: a NaN there would reach the gradient
    ratio = (real_out - fake_out) ** 2 / distance.clamp_min(PAIR_GUARD)
    return torch.where(distance < PAIR_GUARD, torch.zeros_like(ratio), ratio)


@torch.no_grad()
def gradient_targets(
    real: torch.Tensor,
    fake: torch.Tensor,
    real_out: torch.Tensor,
    fake_out: torch.Tensor,
    target: str = "definition",
) -> torch.Tensor:
    """The gradient term's target ``t(x'_j)`` for every generated point (no gradient).

    ``"definition"``: Definition 6, ``||mean_i v_ij|| / mean_i 1/r_ij`` with
    ``v_ij = (x_i - x'_j)(f(x_i) - f(x'_j)) / r_ij^3`` and ``r_ij = ||x_i - x'_j|| + 1e-6``, as the
    released official code computes it for both experiments (``gan_language_JSD.py``, and
    ``DCGAN_FID_batched/model.py`` since commit 66826b8 of 2018-01-25, which ``run_fogan.sh`` runs;
    the image code's ``max(0, .)`` is a no-op on a ratio of norms). ``"capped_joint_norm"``: the
    superseded DCGAN code of commit 66ec0f0 (2017-11-16), the norm of all the ``v_ij`` of one
    ``x'_j`` taken together, ``sqrt(sum_i ||v_ij||^2)`` (no mean over i, so it grows with the batch),
    over the same denominator; the cap at ``1 / (2 lam)`` that the same code applies needs the
    Lipschitz weight and is :class:`FirstOrderPenalty`'s, so this function returns the uncapped value.
    """
    check_choice("gradient target", target, TARGETS)
    with torch.autocast(real.device.type, enabled=False):  # under amp its matmul would be bfloat16
        return _targets(*(_at_least_float32(t) for t in (real, fake, real_out, fake_out)), target)


def _at_least_float32(t: torch.Tensor) -> torch.Tensor:
    return t.to(torch.promote_types(t.dtype, torch.float32))


def _targets(
    real: torch.Tensor, fake: torch.Tensor, real_out: torch.Tensor, fake_out: torch.Tensor, target: str
) -> torch.Tensor:
    x, y = real.flatten(start_dim=1), fake.flatten(start_dim=1)
    distance = torch.cdist(y, x, compute_mode="donot_use_mm_for_euclid_dist")  # [j, i] = ||x_i - x'_j||
    r = distance + TARGET_GUARD
    weight = (real_out[None, :] - fake_out[:, None]) / r**3  # [j, i] = (f(x_i) - f(x'_j)) / r^3
    if target == "definition":
        # mean_i w_ji (x_i - x'_j) = (w x)_j / n - x'_j mean_i w_ji, without an (n, n, d) tensor
        top = ((weight @ x) / len(x) - y * weight.mean(dim=1, keepdim=True)).norm(dim=1)
    else:
        top = (weight * distance).norm(dim=1)  # ||v_ij|| = |w_ji| ||x_i - x'_j||
    return top / (1 / r).mean(dim=1)


@dataclass(frozen=True)
class LipschitzPenalty:
    """tau_P (Definition 5): ``weight * E[(f(x) - f(x'))^2 / ||x - x'||]`` over matched pairs of the
    real and the generated batch (``weight`` is the paper's lambda)."""

    weight: float = 0.1
    gradient_at_fake: ClassVar[bool] = False  # the trainer need not track the generated points

    def __post_init__(self) -> None:
        object.__setattr__(self, "weight", check_float("Lipschitz penalty weight", self.weight))

    def penalty(
        self, critic: nn.Module, real: torch.Tensor, fake: torch.Tensor, outputs: Outputs | None = None
    ) -> torch.Tensor:
        """The term of the critic loss; ``outputs`` are ``(f(real), f(fake))`` if already computed."""
        real_out, fake_out = _outputs(critic, real, fake, outputs)
        return self.weight * lipschitz_terms(real, fake, real_out, fake_out).mean()

    def project(self, critic: nn.Module) -> None:
        """Nothing to do after a critic step: the penalty acts through the loss."""


@dataclass(frozen=True)
class FirstOrderPenalty:
    """tau_F (Definition 6): tau_P's Lipschitz term with weight ``lam`` plus the gradient term
    ``mu * E_x'[(||grad f(x')|| - t(x'))^2]``, its target ``t`` under stop-gradient
    (:func:`gradient_targets`). ``target="capped_joint_norm"`` is the superseded DCGAN code's variant
    (commit 66ec0f0), capped there at ``1 / (2 lam)``, the slope of tau_simple's optimal critic.

    The paper's settings, both with Definition 6's target as the released official code computes it:
    ``lam=0.1, mu=1.0`` for the language model (``gan_language_JSD.py``), ``lam=0.5, mu=1.0`` for
    images (``DCGAN_FID_batched/run_fogan.sh``).
    """

    lam: float = 0.1
    mu: float = 1.0
    target: str = "definition"
    gradient_at_fake: ClassVar[bool] = True  # the gradient term needs f's graph at the generated points

    def __post_init__(self) -> None:
        object.__setattr__(self, "lam", check_float("lam", self.lam))
        object.__setattr__(self, "mu", check_float("mu", self.mu))
        check_choice("gradient target", self.target, TARGETS)

    def targets(
        self, real: torch.Tensor, fake: torch.Tensor, real_out: torch.Tensor, fake_out: torch.Tensor
    ) -> torch.Tensor:
        """``t(x')`` for every generated point, with the cap of ``"capped_joint_norm"`` where it applies."""
        t = gradient_targets(real, fake, real_out.detach(), fake_out.detach(), self.target)
        return t.clamp(max=1 / (2 * self.lam)) if self.target == "capped_joint_norm" and self.lam > 0 else t

    def penalty(
        self, critic: nn.Module, real: torch.Tensor, fake: torch.Tensor, outputs: Outputs | None = None
    ) -> torch.Tensor:
        """The two terms of the critic loss. ``outputs``, if given, must be ``(f(real), f(fake))``
        computed with ``fake`` requiring grad (the trainer does so when ``gradient_at_fake``)."""
        if outputs is None:
            fake = fake.detach().requires_grad_(True)
        elif not fake.requires_grad:
            raise ValueError("FirstOrderPenalty needs f(fake) computed from a fake batch that requires grad")
        real_out, fake_out = _outputs(critic, real, fake, outputs)
        (grad,) = torch.autograd.grad(fake_out.sum(), fake, create_graph=True)
        slopes = grad.flatten(start_dim=1).norm(dim=1)
        t = self.targets(real, fake, real_out, fake_out)
        lipschitz = lipschitz_terms(real, fake, real_out, fake_out).mean()
        return self.lam * lipschitz + self.mu * ((slopes - t) ** 2).mean()

    def project(self, critic: nn.Module) -> None:
        """Nothing to do after a critic step: the penalty acts through the loss."""
