"""The three 2-D toy distributions of the WGAN-GP toy code (``gan_toy.py`` of the official release).

* ``8gaussians``: centres on the unit circle at multiples of 45 degrees, scaled by 2, each point
  the centre plus N(0, 0.02^2 I), the whole divided by 1.414.
* ``25gaussians``: centres on the grid {-2,...,2}^2 scaled by 2, noise N(0, 0.05^2 I), divided by
  2.828. (The official code draws a pool of 100,000 such points once and cycles through it; we
  draw fresh points from the same distribution.)
* ``swissroll``: scikit-learn's ``make_swiss_roll(noise=0.25)``, columns 0 and 2, divided by 7.5.

One more distribution is not a data set of that code: ``dirac``, the point mass at (1.5, 1.5). With a
single real point the optimal critic of the penalized Wasserstein divergences is a cone around it,
which meets the equality condition of Theorem 2 of the First Order GAN paper.

Samplers own a ``numpy.random.RandomState`` whose state is saved with every checkpoint, so a
resumed run sees the same data stream as an uninterrupted one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from paperlib.config import check_choice, check_int

DATASETS = ("8gaussians", "25gaussians", "swissroll")
DISTRIBUTIONS = (*DATASETS, "dirac")  # what a sampler draws from: the data sets and the point mass
DIRAC_POINT = (1.5, 1.5)

_SCALE = {"8gaussians": 1.414, "25gaussians": 2.828, "swissroll": 7.5}
_STD = {"8gaussians": 0.02, "25gaussians": 0.05}


def mixture_centers(name: str) -> np.ndarray:
    """Centres of the components of a toy mixture, in the coordinates of the returned samples."""
    check_choice("dataset", name, DATASETS[:2])
    if name == "8gaussians":
        angles = np.arange(8) * np.pi / 4
        centers = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    else:
        grid = np.arange(-2, 3, dtype=float)
        centers = 2.0 * np.stack(np.meshgrid(grid, grid, indexing="ij"), axis=-1).reshape(-1, 2)
    return centers / _SCALE[name]


def mixture_std(name: str) -> float:
    """Per-coordinate standard deviation of each mixture component, in sample coordinates."""
    check_choice("dataset", name, DATASETS[:2])
    return _STD[name] / _SCALE[name]


def sample_toy(name: str, n: int, rng: np.random.RandomState) -> np.ndarray:
    """Draw ``n`` points of toy distribution ``name`` (one of ``DISTRIBUTIONS``) as a float32 array of
    shape (n, 2)."""
    check_choice("dataset", name, DISTRIBUTIONS)
    check_int("n", n, 1)
    if name == "dirac":
        return np.tile(np.asarray(DIRAC_POINT, dtype=np.float32), (n, 1))
    if name == "swissroll":
        from sklearn.datasets import make_swiss_roll  # scikit-learn takes 0.7 s to import: only here

        points = make_swiss_roll(n_samples=n, noise=0.25, random_state=rng)[0][:, [0, 2]]
        return (points / _SCALE[name]).astype(np.float32)
    centers = mixture_centers(name) * _SCALE[name]
    idx = rng.randint(len(centers), size=n)
    points = centers[idx] + _STD[name] * rng.randn(n, 2)
    return (points / _SCALE[name]).astype(np.float32)


class ToySampler:
    """An infinite stream of batches of a toy distribution: ``sampler(n)`` returns an (n, 2) tensor."""

    def __init__(self, name: str, seed: int = 0, device: torch.device | str = "cpu") -> None:
        self.name = check_choice("dataset", name, DISTRIBUTIONS)
        self.rng = np.random.RandomState(check_int("seed", seed))
        self.device = torch.device(device)

    def __call__(self, n: int) -> torch.Tensor:
        return torch.from_numpy(sample_toy(self.name, n, self.rng)).to(self.device)

    def state_dict(self) -> dict[str, Any]:
        return {"rng": self.rng.get_state()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.rng.set_state(state["rng"])


class ToyDataset(ToySampler):
    """A fixed set of ``size`` points; ``sampler(n)`` draws a batch from it with replacement.

    The gradient-layer paper trains on fixed sets of 500 (8 and 25 gaussians) and 1000 (swiss roll)
    points; ``data`` holds them.
    """

    def __init__(self, name: str, size: int, seed: int = 0, device: torch.device | str = "cpu") -> None:
        super().__init__(name, seed, device)
        self.data = torch.from_numpy(sample_toy(name, check_int("size", size, 1), self.rng)).to(self.device)

    def __call__(self, n: int) -> torch.Tensor:
        idx = torch.from_numpy(self.rng.randint(len(self.data), size=n)).to(self.device)
        return self.data[idx]


class DataPlusNoise(nn.Module):
    """The fixed "generator" of WGAN-GP Figure 1a: real data plus unit-variance Gaussian noise.

    ``forward(z)`` returns a fresh real batch plus ``std * z``; with ``z ~ N(0, I)`` from the trainer
    its samples follow ``P_r * N(0, std^2 I)``. It has no parameters: train it with ``generator_steps=0``.
    Its real batches come from a random stream of its own, which is the module's extra state: it is
    saved in ``state_dict()`` (so in every checkpoint) and the trainer restores it after each
    evaluation, so that neither resuming nor evaluating changes the batches training sees.
    """

    def __init__(self, data: ToySampler, std: float = 1.0) -> None:
        super().__init__()
        self.data, self.std = data, std

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.data(len(z)).to(z.device) + self.std * z

    def get_extra_state(self) -> dict[str, Any]:
        return self.data.state_dict()

    def set_extra_state(self, state: dict[str, Any]) -> None:
        self.data.load_state_dict(state)
