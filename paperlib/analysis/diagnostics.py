"""Looking inside a critic: layer-wise gradient norms, weights, gradients on transport segments.

WGAN-GP section 3.2 / Figure 1b plots the norm of the gradient of the critic loss with respect to
successive layers of activations of a deep MLP critic: with weight clipping it grows or decays
geometrically with depth, with a gradient penalty it stays in a band.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from scipy.stats import spearmanr
from torch import nn

from paperlib.config import ParameterError, check_choice
from paperlib.methods.losses import OBJECTIVES
from paperlib.metrics.toy import optimal_pairs
from paperlib.training.trainer import History


def layer_gradient_norms(
    critic: nn.Module,
    layers: Sequence[nn.Module],
    real: torch.Tensor,
    fake: torch.Tensor,
    objective: str = "wasserstein",
) -> list[float]:
    """``||d loss_D / d h_k||`` for the output ``h_k`` of each module in ``layers``, in order.

    ``loss_D`` is the objective's critic loss on one real and one generated batch (the penalty
    term is not included); the norm is the Frobenius norm over the whole batch of activations.
    """
    activations: list[torch.Tensor] = []

    def keep(_module: nn.Module, _inputs: tuple, output: torch.Tensor) -> None:
        output.retain_grad()
        activations.append(output)

    hooks = [layer.register_forward_hook(keep) for layer in layers]
    try:
        loss = OBJECTIVES[objective].critic(critic(real), critic(fake))
    finally:
        for hook in hooks:
            hook.remove()
    critic.zero_grad(set_to_none=True)
    loss.backward()
    n = len(layers)
    # each layer ran twice (real, then fake): the gradient w.r.t. a layer is both parts together
    norms = [
        torch.sqrt(activations[k].grad.pow(2).sum() + activations[k + n].grad.pow(2).sum()).item()
        for k in range(n)
    ]
    critic.zero_grad(set_to_none=True)
    return norms


def weights(module: nn.Module) -> torch.Tensor:
    """All weight matrices of ``module`` (biases and norm parameters excluded), flattened into one vector."""
    return torch.cat([p.detach().flatten() for p in module.parameters() if p.dim() >= 2])


PAIRINGS = ("optimal", "random")


def coupled_segment_gradients(
    critic: nn.Module, fake: torch.Tensor, real: torch.Tensor, pairing: str = "optimal"
) -> dict[str, np.ndarray]:
    """Test WGAN-GP Proposition 1 on samples: gradients of a critic on optimally coupled segments.

    ``fake`` (x ~ P_g) and ``real`` (y ~ P_r), of equal size, are paired by an optimal coupling
    (POT), or with ``pairing="random"`` by a random permutation (the negative control: Proposition 1
    says nothing about such segments); for each pair a point ``x_t = t x + (1 - t) y`` with
    ``t ~ U[0, 1]`` is drawn (global torch RNG). For the optimal critic Proposition 1 says
    ``grad f*(x_t) = (y - x_t) / ||y - x_t||`` on coupled segments. Returns the gradient norms at the
    ``x_t`` and the cosines between the gradients and ``y - x``.
    """
    check_choice("pairing", pairing, PAIRINGS)
    if pairing == "optimal":
        index = torch.as_tensor(optimal_pairs(fake, real))
    elif len(fake) != len(real):
        raise ParameterError(f"random pairs need sets of equal size, got {len(fake)} and {len(real)}")
    else:
        index = torch.randperm(len(real))
    y = real[index.to(real.device)]
    t = torch.rand(len(fake), 1, device=fake.device)
    points = (t * fake + (1 - t) * y).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(points).sum(), points)
    direction = y - fake
    cosine = torch.nn.functional.cosine_similarity(grad, direction, dim=1)
    return {"norm": grad.norm(dim=1).cpu().numpy(), "cosine": cosine.detach().cpu().numpy()}


def loss_quality_correlation(log: History, evals: History, quality: str, window: int = 10) -> float:
    """Does the critic's loss track sample quality (WGAN-GP Figure 5a)? Spearman's rank correlation
    (scipy) between the negative critic loss, averaged over the ``window`` iterations up to each
    evaluation, and the evaluation's ``quality`` column (a distance to the data), over the
    evaluations after the first (that of the untrained networks). 1 when the loss falls exactly as
    the distance does."""
    steps, negative = log["step"], -log["loss_d"]
    averaged = [negative[(steps <= s) & (steps > s - window)].mean() for s in evals["step"][1:]]
    return float(spearmanr(averaged, evals[quality][1:])[0])


def relative_change(values: Sequence[float] | np.ndarray, fraction: float = 0.2) -> float:
    """How much a training curve still moves: ``|mean(last part) - mean(part before)| / |mean(last part)|``.

    Both parts are the last ``fraction`` of ``values`` and the ``fraction`` before it; a critic
    trained to optimality (WGAN-GP Figure 1a) has a W estimate whose relative change is small.
    """
    values = np.asarray(values, dtype=float)
    q = int(len(values) * fraction)
    if not 0 < fraction <= 0.5 or q == 0:
        raise ValueError(f"fraction={fraction!r} must be in (0, 0.5] and leave at least one value per part")
    last, before = values[-q:].mean(), values[-2 * q : -q].mean()
    return float(abs(last - before) / abs(last))
