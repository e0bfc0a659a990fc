"""Figures shared by the chapters: samples over data, critic value surfaces, learning curves, image
grids, phase portraits, and a one-line message in place of a figure.

Functions draw on a given matplotlib ``Axes`` and return it; they never call ``plt.show`` or
change the backend, so figures appear inline in notebooks and in the book.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import torch
from matplotlib.axes import Axes
from torch import nn
from torchvision.utils import make_grid

if TYPE_CHECKING:  # a type only: drawing needs no scipy
    from paperlib.analysis.dynamics import SGPDynamics

ArrayLike = np.ndarray | torch.Tensor


def _numpy(x: ArrayLike) -> np.ndarray:
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def plot_samples(
    ax: Axes, real: ArrayLike, fake: ArrayLike | None = None, lim: float = 3.0, title: str = ""
) -> Axes:
    """Scatter real samples (orange) and, if given, generated samples (green) on a square window."""
    real = _numpy(real)
    ax.scatter(real[:, 0], real[:, 1], s=2, c="tab:orange", alpha=0.5, label="real")
    if fake is not None:
        fake = _numpy(fake)
        ax.scatter(fake[:, 0], fake[:, 1], s=2, c="tab:green", alpha=0.5, label="generated")
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=9)
    return ax


@torch.no_grad()
def plot_value_surface(
    ax: Axes,
    critic: nn.Module,
    real: ArrayLike,
    fake: ArrayLike | None = None,
    lim: float = 3.0,
    points: int = 128,
    title: str = "",
) -> Axes:
    """Contour lines of the critic's value on a ``points x points`` grid of ``[-lim, lim]^2``.

    This is the picture of WGAN-GP Figure 1a (the official toy code uses a 128-point grid on
    ``[-3, 3]^2``), with the samples drawn on top.
    """
    device = next(critic.parameters()).device
    axis = np.linspace(-lim, lim, points)
    grid = np.stack(np.meshgrid(axis, axis, indexing="xy"), axis=-1).reshape(-1, 2)
    values = critic(torch.as_tensor(grid, dtype=torch.float32, device=device)).reshape(points, points)
    ax.contour(axis, axis, _numpy(values), levels=20, cmap="viridis", linewidths=0.8)
    return plot_samples(ax, real, fake, lim, title)


def plot_curves(
    ax: Axes,
    x: ArrayLike,
    curves: Sequence[ArrayLike],
    label: str,
    color: str | None = None,
) -> Axes:
    """Mean over runs (rows of ``curves``) as a line, min-max band shaded: one method's learning curve."""
    y = np.stack([_numpy(c) for c in curves])
    x = _numpy(x)
    (line,) = ax.plot(x, y.mean(axis=0), label=label, color=color)
    if len(y) > 1:
        ax.fill_between(x, y.min(axis=0), y.max(axis=0), color=line.get_color(), alpha=0.2)
    return ax


def plot_image_grid(ax: Axes, images: torch.Tensor, title: str = "") -> Axes:
    """Images ``(N, C, H, W)`` in ``[-1, 1]`` as one square grid (``torchvision.utils.make_grid``)."""
    grid = make_grid(images.detach().cpu().float(), nrow=math.isqrt(len(images)) or 1, pad_value=1.0)
    ax.imshow(((grid.permute(1, 2, 0) + 1) / 2).clamp(0, 1).numpy(), interpolation="nearest")
    ax.set_axis_off()
    ax.set_title(title)
    return ax


def plot_phase_portrait(
    ax: Axes,
    dynamics: SGPDynamics,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    starts: Sequence[Sequence[float]] = (),
    t_end: float = 20.0,
    points: int = 25,
    nullclines: bool = True,
    labels: tuple[str, str] = (r"$\psi$", r"$\theta$"),
) -> Axes:
    """The phase portrait of a two-dimensional :class:`~paperlib.analysis.dynamics.SGPDynamics` (one critic
    and one generator parameter): streamlines of the field on a ``points x points`` grid
    (``matplotlib.pyplot.streamplot``), its nullclines ``psi' = 0`` (solid) and ``theta' = 0``
    (dashed) as zero contours, and the trajectories from ``starts`` integrated to ``t_end``
    (:meth:`~paperlib.analysis.dynamics.SGPDynamics.trajectory`, at relative tolerance ``1e-5``, ample for
    a line on a plot), each from a dot."""
    if dynamics.n_psi + dynamics.n_theta != 2:
        raise ValueError(
            f"a phase portrait needs a 2-D state; this one has {dynamics.n_psi + dynamics.n_theta}"
        )
    xs, ys = np.linspace(*xlim, points), np.linspace(*ylim, points)
    field = np.array([[dynamics.numpy_field(np.array([x, y])) for x in xs] for y in ys])
    ax.streamplot(xs, ys, field[..., 0], field[..., 1], color="0.6", density=1.0, linewidth=0.7)
    if nullclines:
        ax.contour(xs, ys, field[..., 0], levels=[0.0], colors="C0", linewidths=1.2)
        ax.contour(xs, ys, field[..., 1], levels=[0.0], colors="C1", linewidths=1.2, linestyles="dashed")
    for k, start in enumerate(starts):
        path = dynamics.trajectory(start, t_end, rtol=1e-5, atol=1e-8)
        ax.plot(path[:, 0], path[:, 1], color=f"C{2 + k % 8}", lw=1.4)
        ax.plot(*path[0], "o", color=f"C{2 + k % 8}", ms=4)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    return ax


def plot_message(ax: Axes, text: str) -> Axes:
    """One line of ``text`` and nothing else on ``ax``: what a chapter shows in place of a figure its
    execution did not draw (a skipped experiment group)."""
    ax.text(0.5, 0.5, text, ha="center", va="center")
    ax.set_axis_off()
    return ax
