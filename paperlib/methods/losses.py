"""GAN objectives: critic and generator losses computed from critic outputs.

Each objective maps ``(D(x_real), D(x_fake))`` to a critic loss to *minimise* and ``D(x_fake)`` to
a generator loss to minimise.

* ``wasserstein``: the WGAN value function, eq. (2) of Gulrajani et al.:
  critic minimises ``E[D(fake)] - E[D(real)]``, generator minimises ``-E[D(fake)]``.
* ``minimax``: the original GAN game, eq. (1), with ``D = sigmoid(logit)``:
  critic minimises ``-E[log D(real)] - E[log(1 - D(fake))]``, generator minimises ``E[log(1 - D(fake))]``.
* ``non_saturating``: same critic; the generator maximises ``E[log D(fake)]`` instead (Goodfellow 2014),
  the "standard GAN" / DCGAN objective of the papers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class Objective:
    """A pair of losses on critic outputs: ``critic(real_out, fake_out)`` and ``generator(fake_out)``."""

    name: str
    critic: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    generator: Callable[[torch.Tensor], torch.Tensor]


def _wasserstein_critic(real_out: torch.Tensor, fake_out: torch.Tensor) -> torch.Tensor:
    return fake_out.mean() - real_out.mean()


def _wasserstein_generator(fake_out: torch.Tensor) -> torch.Tensor:
    return -fake_out.mean()


def _logistic_critic(real_out: torch.Tensor, fake_out: torch.Tensor) -> torch.Tensor:
    # -log sigmoid(r) = softplus(-r);  -log(1 - sigmoid(f)) = softplus(f)
    return F.softplus(-real_out).mean() + F.softplus(fake_out).mean()


def _minimax_generator(fake_out: torch.Tensor) -> torch.Tensor:
    # log(1 - sigmoid(f)) = -softplus(f)
    return -F.softplus(fake_out).mean()


def _non_saturating_generator(fake_out: torch.Tensor) -> torch.Tensor:
    # -log sigmoid(f) = softplus(-f)
    return F.softplus(-fake_out).mean()


OBJECTIVES: dict[str, Objective] = {
    "wasserstein": Objective("wasserstein", _wasserstein_critic, _wasserstein_generator),
    "minimax": Objective("minimax", _logistic_critic, _minimax_generator),
    "non_saturating": Objective("non_saturating", _logistic_critic, _non_saturating_generator),
}
