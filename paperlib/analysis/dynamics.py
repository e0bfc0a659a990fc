"""The continuous-time dynamics of simultaneous gradient steps on a GAN, for small models given as
functions (SGP mu-WGAN paper, Definition 4; Nagarajan & Kolter 2017).

The critic D(x; psi) ascends, and the generator's parameters theta descend, the objective of
Definition 4 of the SGP mu-WGAN paper::

    psi' =  grad_psi ( E_pd[D] - E_p_theta[D] - (lam / 2) E_mu[ ||grad_x D||^2 ] )
    theta' = -grad_theta ( E_pd[D] - E_p_theta[D] ) = grad_theta E_p_theta[D]

Every distribution is a *weighted point set* ``(points, weights)``, a function of ``(psi, theta)``
(points of shape ``(n, d)``, weights of shape ``(n,)``): an atom (the Dirac GAN's ``p_theta =
delta_theta``), quadrature nodes moved with theta (``U(-|theta|, |theta|)`` as ``|theta| * u_i``
with Gauss-Legendre nodes ``u_i``), or samples. The penalty measure is finite, not necessarily a
probability (its weights need not sum to 1), and may depend on psi and theta; the derivative of
its integral is taken through both, as the paper's weak derivative does (Lemma 1's basin radius
has the term ``psi dM / dpsi``).

:class:`SGPDynamics` gives the vector field, its Jacobian at a point (autograd), the eigenvalues,
and trajectories integrated by ``scipy.integrate.solve_ivp``. Everything is in float64.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from scipy.integrate import solve_ivp

from paperlib.config import ParameterError, check_float, check_int

WeightedPoints = tuple[torch.Tensor, torch.Tensor]
Distribution = Callable[[torch.Tensor, torch.Tensor], WeightedPoints]  # (psi, theta) -> (points, weights)


def atom(location: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], mass: float = 1.0) -> Distribution:
    """The point mass ``mass * delta_location(psi, theta)``; ``location`` returns one point, ``(d,)``."""
    return lambda psi, theta: (location(psi, theta)[None], torch.full((1,), mass, dtype=torch.float64))


def gauss_legendre(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Nodes on [-1, 1] and weights summing to 1 of the ``n``-point Gauss-Legendre rule, which
    integrates polynomials of degree up to ``2n - 1`` exactly against U(-1, 1)."""
    nodes, weights = np.polynomial.legendre.leggauss(check_int("n", n, 1))
    return torch.from_numpy(nodes), torch.from_numpy(weights / 2)


@dataclass(frozen=True)
class SGPDynamics:
    """The SGP mu-WGAN dynamics (Definition 4) of a critic ``critic(x, psi) -> D`` (one value per point
    of ``x``, shape ``(n, d)``) against the data ``real``, the generator's distribution ``fake`` and
    the penalty measure ``penalty`` (``None``: the unregularised WGAN), with penalty weight ``lam``.
    The state is ``(psi, theta)`` concatenated: ``n_psi`` critic parameters, then ``n_theta``."""

    critic: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    real: Distribution
    fake: Distribution
    penalty: Distribution | None
    lam: float
    n_psi: int
    n_theta: int

    def __post_init__(self) -> None:
        check_float("lam", self.lam)
        check_int("n_psi", self.n_psi, 1)
        check_int("n_theta", self.n_theta, 1)

    def _expectation(
        self, distribution: Distribution, psi: torch.Tensor, theta: torch.Tensor
    ) -> torch.Tensor:
        points, weights = distribution(psi, theta)
        return (weights * self.critic(points, psi)).sum()

    def penalty_integral(self, psi: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
        """``E_mu[||grad_x D(x; psi)||^2]``, differentiable in psi and theta (0 without a penalty)."""
        if self.penalty is None:
            return torch.zeros((), dtype=torch.float64)
        points, weights = self.penalty(psi, theta)
        points = points if points.requires_grad else points.detach().requires_grad_(True)
        (grad,) = torch.autograd.grad(self.critic(points, psi).sum(), points, create_graph=True)
        return (weights * (grad**2).sum(dim=1)).sum()

    def field(self, state: torch.Tensor) -> torch.Tensor:
        """``(psi', theta')`` at ``state``, as one vector (differentiable: :meth:`jacobian`)."""
        state = torch.as_tensor(state, dtype=torch.float64)
        if state.shape != (self.n_psi + self.n_theta,):
            raise ParameterError(
                f"state has shape {tuple(state.shape)}; expected ({self.n_psi + self.n_theta},)"
            )
        if not state.requires_grad:
            state = state.clone().requires_grad_(True)
        psi, theta = state[: self.n_psi], state[self.n_psi :]
        gain = self._expectation(self.real, psi, theta) - self._expectation(self.fake, psi, theta)
        critic_gain = gain - self.lam / 2 * self.penalty_integral(psi, theta)
        (d_psi,) = torch.autograd.grad(critic_gain, psi, create_graph=True, allow_unused=True)
        (d_theta,) = torch.autograd.grad(-gain, theta, create_graph=True, allow_unused=True)
        d_psi = torch.zeros_like(psi) if d_psi is None else d_psi
        d_theta = torch.zeros_like(theta) if d_theta is None else d_theta
        return torch.cat([d_psi, d_theta])

    def jacobian(self, state: Sequence[float] | torch.Tensor) -> torch.Tensor:
        """The Jacobian of :meth:`field` at ``state`` (autograd through the field's own gradients)."""
        point = torch.as_tensor(state, dtype=torch.float64)
        return torch.autograd.functional.jacobian(self.field, point)

    def eigenvalues(self, state: Sequence[float] | torch.Tensor) -> np.ndarray:
        """The eigenvalues of :meth:`jacobian` at ``state`` (complex), by increasing real part."""
        values = np.linalg.eigvals(self.jacobian(state).numpy())
        return values[np.lexsort((values.imag, values.real))]

    def numpy_field(self, state: np.ndarray) -> np.ndarray:
        """:meth:`field` as a NumPy function (for the integrator and for streamline plots)."""
        return self.field(torch.from_numpy(np.asarray(state, dtype=np.float64))).detach().numpy()

    def trajectory(
        self,
        start: Sequence[float],
        t_end: float,
        n_points: int = 200,
        rtol: float = 1e-8,
        atol: float = 1e-10,
    ) -> np.ndarray:
        """The solution from ``start`` at ``n_points`` times from 0 to ``t_end``, as an array of shape
        ``(n_points, state size)``: ``scipy.integrate.solve_ivp`` at tolerances ``rtol``, ``atol``, with
        its 8th-order Runge-Kutta method DOP853, which needs about half the field evaluations of the
        default RK45 at these tolerances (each evaluation is two autograd passes)."""
        times = np.linspace(
            0.0, check_float("t_end", t_end, 0.0, inclusive=False), check_int("n_points", n_points, 2)
        )
        solution = solve_ivp(
            lambda t, y: self.numpy_field(y), (0.0, t_end), np.asarray(start, dtype=np.float64),
            t_eval=times, rtol=rtol, atol=atol, method="DOP853",
        )  # fmt: skip
        if not solution.success:
            raise RuntimeError(f"integration from {tuple(start)} failed: {solution.message}")
        return solution.y.T
