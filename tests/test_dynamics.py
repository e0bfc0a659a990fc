"""The SGP mu-WGAN dynamics of small models (paperlib.analysis.dynamics): fields, Jacobians, trajectories."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from scipy.linalg import expm  # noqa: E402

from paperlib.analysis.dynamics import SGPDynamics, atom, gauss_legendre  # noqa: E402
from paperlib.chapter.plotting import plot_phase_portrait  # noqa: E402
from paperlib.config import ParameterError  # noqa: E402


def _linear(x: torch.Tensor, psi: torch.Tensor) -> torch.Tensor:
    return psi[0] * x[:, 0]


def _dirac(lam: float, penalty: object = "interpolates") -> SGPDynamics:
    """The Dirac GAN (Definition 5): D = psi x, p_d = delta_0, p_theta = delta_theta; with the penalty
    on the interpolates of the two atoms (mu_GP), or none."""
    real = atom(lambda psi, theta: torch.zeros(1, dtype=torch.float64))
    fake = atom(lambda psi, theta: theta)
    nodes, weights = gauss_legendre(4)

    def mu_gp(psi: torch.Tensor, theta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        eps = (nodes + 1) / 2  # eps ~ U(0, 1) by quadrature
        return (eps * 0 + (1 - eps) * theta)[:, None], weights

    return SGPDynamics(_linear, real, fake, mu_gp if penalty else None, lam, 1, 1)


def test_the_dirac_wgan_rotates_and_the_penalty_damps_it() -> None:
    """psi' = -theta - lam psi, theta' = psi: the Jacobian is [[-lam, -1], [1, 0]] at every point
    (a linear system), so the plain WGAN's eigenvalues are +-i and the penalty's have real part -lam/2."""
    plain = _dirac(0.0, None)
    torch.testing.assert_close(
        plain.jacobian([0.3, -0.7]), torch.tensor([[0.0, -1.0], [1.0, 0.0]], dtype=torch.float64)
    )
    np.testing.assert_allclose(plain.eigenvalues([0.0, 0.0]), [-1j, 1j], atol=1e-12)
    damped = _dirac(0.5)
    for state in ([0.0, 0.0], [1.5, -2.0]):
        torch.testing.assert_close(
            damped.jacobian(state), torch.tensor([[-0.5, -1.0], [1.0, 0.0]], dtype=torch.float64)
        )
    expected = (-0.5 + np.array([-1, 1]) * np.sqrt(0.25 - 4 + 0j)) / 2
    np.testing.assert_allclose(damped.eigenvalues([0.0, 0.0]), np.sort_complex(expected), atol=1e-12)
    torch.testing.assert_close(
        damped.field(torch.tensor([2.0, 3.0])), torch.tensor([-3.0 - 1.0, 2.0], dtype=torch.float64)
    )


def test_a_penalty_mass_that_varies_with_psi_enters_the_field() -> None:
    """Lemma 1's finite measure: an atom of mass M(psi, theta) = 1 + psi^2 gives
    psi' = -theta - (lam / 2) d/dpsi [psi^2 M] = -theta - lam psi (2 M + psi dM/dpsi) / 2."""

    def heavy(psi: torch.Tensor, theta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return torch.zeros(1, 1, dtype=torch.float64), (1 + psi**2).reshape(1)

    real = atom(lambda psi, theta: torch.zeros(1, dtype=torch.float64))
    system = SGPDynamics(_linear, real, atom(lambda psi, theta: theta), heavy, 0.8, 1, 1)
    psi, theta = 0.7, -0.4
    expected = -theta - 0.8 * psi * (2 * (1 + psi**2) + psi * 2 * psi) / 2
    assert system.field(torch.tensor([psi, theta], dtype=torch.float64)).tolist() == pytest.approx(
        [expected, psi], rel=1e-12
    )


def _lemma2(lam: float) -> SGPDynamics:
    """Lemma 2's example with an extra linear critic term: D = psi_1 x^2 + psi_2 x, p_d = U(-1, 1),
    p_theta = U(-|theta|, |theta|) by a 6-point Gauss-Legendre rule, penalty on p_d."""
    nodes, weights = gauss_legendre(6)

    def critic(x: torch.Tensor, psi: torch.Tensor) -> torch.Tensor:
        return psi[0] * x[:, 0] ** 2 + psi[1] * x[:, 0]

    def data(psi: torch.Tensor, theta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return nodes[:, None], weights

    def model(psi: torch.Tensor, theta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return (theta.abs() * nodes)[:, None], weights

    return SGPDynamics(critic, data, model, data, lam, 2, 1)


def test_the_jacobian_equals_central_finite_differences() -> None:
    """On a nonlinear system (quadrature points that move with theta, a critic quadratic in x), each
    column of the autograd Jacobian equals a central difference of the field (step 1e-6, float64:
    truncation error about 1e-12 times the third derivative, rounding about 1e-10)."""
    system = _lemma2(0.7)
    state = torch.tensor([0.3, -0.2, 1.3], dtype=torch.float64)
    h = 1e-6
    columns = [
        (system.field(state + h * e).detach() - system.field(state - h * e).detach()) / (2 * h)
        for e in torch.eye(3, dtype=torch.float64)
    ]
    torch.testing.assert_close(system.jacobian(state), torch.stack(columns, dim=1), rtol=1e-7, atol=1e-8)


def test_quadrature_is_exact_for_the_lemma2_expectations() -> None:
    """E_U(-t,t)[x^2] = t^2 / 3 (the 6-point rule is exact to degree 11). At psi = 0 and theta = 2:
    psi_1' = E_pd[x^2] - E_p_theta[x^2] = 1/3 - 4/3, the rest 0; at psi_1 = 1/2, theta = 1 the
    penalty's derivative and theta' = d/dtheta (psi_1 theta^2 / 3) follow in closed form."""
    system = _lemma2(0.7)
    field = system.field(torch.tensor([0.0, 0.0, 2.0], dtype=torch.float64))
    assert field.tolist() == pytest.approx([1 / 3 - 4 / 3, 0.0, 0.0], abs=1e-14)
    psi1 = 0.5
    field = system.field(torch.tensor([psi1, 0.0, 1.0], dtype=torch.float64))
    # grad_x D = 2 psi_1 x: E_pd[(2 psi_1 x)^2] = 4 psi_1^2 / 3, whose psi_1-derivative is 8 psi_1 / 3
    assert field[0].item() == pytest.approx(1 / 3 - 1 / 3 - 0.7 / 2 * 8 * psi1 / 3, rel=1e-12)
    assert field[2].item() == pytest.approx(2 * psi1 * 1.0 / 3, rel=1e-12)


def test_an_integrated_linear_system_matches_its_matrix_exponential() -> None:
    """The damped Dirac GAN is linear, y' = J y: solve_ivp from y0 ends at expm(J t) y0."""
    system = _dirac(0.3)
    start = np.array([1.0, -0.5])
    path = system.trajectory(start, t_end=12.0, n_points=7)
    jacobian = system.jacobian([0.0, 0.0]).numpy()
    for t, y in zip(np.linspace(0, 12.0, 7), path, strict=True):
        np.testing.assert_allclose(y, expm(jacobian * t) @ start, rtol=1e-6, atol=1e-7)
    plain = _dirac(0.0, None).trajectory(start, t_end=2 * np.pi, n_points=5)
    np.testing.assert_allclose(np.linalg.norm(plain, axis=1), np.linalg.norm(start), rtol=1e-6)  # it circles


def test_bad_states_and_settings_are_refused() -> None:
    with pytest.raises(ParameterError, match=r"state has shape \(3,\); expected \(2,\)"):
        _dirac(0.1).field(torch.zeros(3))
    with pytest.raises(ParameterError, match="lam"):
        _dirac(float("nan"))


def test_the_phase_portrait_draws_streamlines_nullclines_and_trajectories() -> None:
    fig, ax = plt.subplots()
    plot_phase_portrait(
        ax, _dirac(0.5), (-2, 2), (-2, 2), starts=[(1.5, 0.0), (-1.0, 1.0)], t_end=5.0, points=9
    )
    assert len(ax.lines) == 4  # two trajectories, each with its starting dot
    end = ax.lines[0].get_xydata()[-1]
    assert np.linalg.norm(end) < 0.5 * 1.5  # the damped system spirals in
    assert ax.get_xlabel() == r"$\psi$"
    bare = plot_phase_portrait(plt.figure().gca(), _dirac(0.5), (-2, 2), (-2, 2), points=9, nullclines=False)
    assert len(ax.collections) > len(bare.collections) > 0  # the nullclines' contours beside the streamlines
    plt.close("all")
    with pytest.raises(ValueError, match="2-D state"):
        plot_phase_portrait(plt.gca(), _lemma2(0.1), (-1, 1), (-1, 1))
    plt.close("all")
