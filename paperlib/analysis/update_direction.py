"""The update direction of a critic based divergence (First Order GAN paper, Seward et al. 2018,
sections 3-6): does the generator's update follow the steepest descent of the divergence?

* :func:`update_and_descent`: at a trainer's current critic, the generator's update direction
  (autograd) and the steepest descent ``-grad_theta tau(P || Q_theta; f)`` (finite differences),
  eq. 4.
* :func:`update_alignment`: the two compared (cosine, ratio of lengths: eq. 5) for a small toy
  generator held fixed, before and after its critic is trained.
* :func:`divergence_between_points`: a divergence between two Dirac measures in one dimension,
  its supremum over critics taken by training an MLP (eq. 6, tau_simple).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import torch
from torch import nn

from paperlib.config import check_choice, check_int, seed_everything
from paperlib.data.toy import ToySampler
from paperlib.nets.mlp import MLP
from paperlib.setups import HELD_OUT_SEED, TOY_GENERATORS, toy_trainer
from paperlib.training.optimizers import OptimizerSpec
from paperlib.training.trainer import Trainer


def update_and_descent(
    trainer: Trainer, real: torch.Tensor, noise: torch.Tensor, h: float = 2.5e-3, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The generator's update direction and the steepest-descent direction of the divergence at the
    trainer's current critic f (First Order GAN paper, section 4, eq. 4), over every generator
    parameter, flattened.

    * ``update``: the direction the trainer's generator step moves theta, ``-grad_theta`` of its
      generator loss, ``grad_theta E[f(x')]`` for the Wasserstein objective, with ``x' = G_theta(z)``
      moved by the trainer's ``fake_points`` (FOGAN's Q'_theta) where it has them (autograd).
    * ``descent``: ``-grad_theta tau(P || Q_theta; f)`` with f held fixed, ``tau(.; f)`` the critic's
      gain (minus the trainer's critic loss: objective and regularizer) on ``real`` and the
      generated points. For an optimal critic f* this is ``-grad_theta tau(P || Q_theta)`` itself
      (eq. 4, by the envelope theorem). Central finite differences of step ``h`` in each parameter.

    Both use the batch ``real``, the noise ``noise`` and, by seeding torch with ``seed`` before each
    evaluation, the same random draws (interpolates, Q'_theta). Nothing of the run changes: the
    RNG states (CPU and the trainer's device) and the generator's parameters and buffers are put
    back exactly as they were. The networks stay in float32, as they train. On the toy problem
    (parameters and losses of order one, 512 samples) the error against autograd fell with ``h``
    down to 2e-5 at the default 2.5e-3, so truncation, not float32 rounding, still dominates there.
    """
    params = [p for p in trainer.generator.parameters() if p.requires_grad]
    saved = copy.deepcopy(trainer.generator.state_dict())
    devices = [trainer.device] if trainer.device.type == "cuda" else []

    def generated() -> torch.Tensor:
        torch.manual_seed(seed)
        fake = trainer.generator(noise)
        return fake if trainer.fake_points is None else trainer.fake_points(real, fake)

    def gain() -> float:
        loss, _, _ = trainer.critic_loss(real, generated())
        return -loss.item()

    with torch.random.fork_rng(devices=devices):
        try:
            loss_g = trainer.objective.generator(trainer.critic(generated()).float())
            update = -torch.cat([g.flatten() for g in torch.autograd.grad(loss_g, params)])
            descent = []
            for p in params:
                for index in np.ndindex(*p.shape):
                    original = p.data[index].clone()
                    p.data[index] = original + h
                    up = gain()
                    p.data[index] = original - h
                    down = gain()
                    p.data[index] = original
                    descent.append(-(up - down) / (2 * h))
        finally:
            trainer.generator.load_state_dict(saved)
    return update.detach().cpu().numpy().astype(np.float64), np.asarray(descent)


class _Point(nn.Module):
    """A generator that puts all its mass on one point: the Dirac measure delta_point."""

    def __init__(self, point: torch.Tensor) -> None:
        super().__init__()
        self.register_buffer("point", point.reshape(1, -1))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.point.expand(len(z), -1)


def divergence_between_points(
    a: float, b: float, regularizer: Any, *, seed: int, steps: int = 600, width: int = 32, lr: float = 1e-2
) -> dict[str, float]:
    """``tau(delta_a || delta_b) = sup_f f(a) - f(b) - r_f`` in one dimension (Definition 2 of the
    First Order GAN paper; eq. 6's tau_simple with ``LipschitzPenalty(1.0)``), the supremum taken
    by training a ReLU MLP critic (3 layers of ``width``, seeded by ``seed``) for ``steps`` Adam steps
    of rate ``lr`` on the single pair, through :class:`~paperlib.training.trainer.Trainer` with the generator
    held at ``b``. Returns the gain ``tau(delta_a || delta_b; f)`` of the trained critic and its
    difference ``f(a) - f(b)``.
    """
    seed_everything(seed)
    real = torch.tensor([[float(a)]])
    trainer = Trainer(
        _Point(torch.tensor([float(b)])),
        MLP(1, 1, depth=3, width=check_int("width", width, 1), activation="relu"),
        lambda n: real.expand(n, 1),
        regularizer=regularizer,
        optimizer=OptimizerSpec("adam", lr, (0.9, 0.999)),
        n_critic=1,
        generator_steps=0,
        batch_size=1,
        noise_shape=(1,),
    ).train(check_int("steps", steps, 1))
    fake = trainer.generator(torch.zeros(1, 1))
    loss, real_out, fake_out = trainer.critic_loss(real, fake)
    return {"gain": -loss.item(), "difference": (real_out - fake_out).item()}


def update_alignment(
    dataset: str,
    critic_steps: int,
    *,
    seed: int,
    generator: str = "affine",
    probe_samples: int = 512,
    **kwargs: Any,
) -> dict[str, float]:
    """Eq. 4-5 of the First Order GAN paper, measured: the generator's update direction against the
    steepest descent of the divergence (:func:`update_and_descent`) for the ``generator`` of
    :func:`~paperlib.setups.toy_trainer` (``"affine"`` or ``"line"``) held fixed at its
    initialisation (seed ``seed``), at the untrained critic and after ``critic_steps`` critic steps
    against it. Both on one probe: ``probe_samples`` held-out real points and as many noise vectors.
    Returns the cosine of the two directions and the ratio of their norms ``|descent| / |update|``
    (``1 + gamma`` of eq. 5 when they are parallel), ``cosine_untrained`` and ``ratio_untrained``
    before training, and the training wall clock ``wall``. ``kwargs`` go to
    :func:`~paperlib.setups.toy_trainer` (the method: regularizer, fake_points, optimizer,
    ...); it is built with ``generator_steps=0``.
    """
    check_int("critic_steps", critic_steps, 1)
    check_choice("generator", generator, TOY_GENERATORS[1:])
    trainer = toy_trainer(dataset, seed=seed, generator=generator, generator_steps=0, **kwargs)
    real = ToySampler(dataset, HELD_OUT_SEED)(probe_samples).to(trainer.device)
    noise = torch.randn(probe_samples, *trainer.noise_shape, generator=torch.Generator().manual_seed(seed))
    noise = noise.to(trainer.device)

    def measured(prefix: str) -> dict[str, float]:
        update, descent = update_and_descent(trainer, real, noise)
        norms = np.linalg.norm(update), np.linalg.norm(descent)
        return {
            f"cosine{prefix}": float(update @ descent / (norms[0] * norms[1])),
            f"ratio{prefix}": float(norms[1] / norms[0]),
        }

    before = measured("_untrained")
    trainer.train(critic_steps)
    return before | measured("") | {"wall": trainer.wall}
