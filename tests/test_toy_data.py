"""The 2-D toy distributions and their samplers (paperlib.data.toy)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from sklearn.datasets import make_swiss_roll

from paperlib.config import ParameterError
from paperlib.data.toy import (
    DATASETS,
    DIRAC_POINT,
    DISTRIBUTIONS,
    DataPlusNoise,
    ToyDataset,
    ToySampler,
    mixture_centers,
    mixture_std,
    sample_toy,
)

MIXTURES = ("8gaussians", "25gaussians")


def _nearest(points: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of and distance to the nearest centre for every point."""
    dist = np.linalg.norm(points[:, None, :] - centers[None, :, :], axis=-1)
    idx = dist.argmin(axis=1)
    return idx, dist[np.arange(len(points)), idx]


@pytest.mark.parametrize("name", DATASETS)
def test_sampler_shape_dtype_device(name: str) -> None:
    """A batch is a float32 CPU tensor of shape (n, 2) with finite values."""
    x = ToySampler(name, seed=0)(37)
    assert x.shape == (37, 2)
    assert x.dtype == torch.float32
    assert x.device == torch.device("cpu")
    assert torch.isfinite(x).all()


def test_sample_toy_refuses_bad_arguments() -> None:
    """Unknown names and non-positive sizes are parameter errors."""
    rng = np.random.RandomState(0)
    with pytest.raises(ParameterError, match="dataset"):
        sample_toy("moons", 10, rng)
    with pytest.raises(ParameterError, match="n=0"):
        sample_toy("8gaussians", 0, rng)
    with pytest.raises(ParameterError, match="dataset"):
        mixture_centers("swissroll")


def test_8gaussians_centers() -> None:
    """8 centres at angles k*45 degrees on a circle of radius 2, divided by 1.414."""
    centers = mixture_centers("8gaussians")
    assert centers.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(centers, axis=1), 2 / 1.414, rtol=1e-12)
    angles = np.sort(np.mod(np.arctan2(centers[:, 1], centers[:, 0]), 2 * np.pi))
    np.testing.assert_allclose(angles, np.arange(8) * np.pi / 4, atol=1e-12)


def test_25gaussians_centers() -> None:
    """25 centres forming the grid {-2,...,2}^2 times 2, divided by 2.828."""
    centers = mixture_centers("25gaussians")
    expected = {(2 * i / 2.828, 2 * j / 2.828) for i, j in itertools.product(range(-2, 3), repeat=2)}
    got = {tuple(c) for c in np.round(centers, 12)}
    assert len(centers) == 25
    assert got == {tuple(np.round(c, 12)) for c in expected}


def test_mixture_std_values() -> None:
    """Component std in sample coordinates: 0.02/1.414 and 0.05/2.828."""
    assert mixture_std("8gaussians") == pytest.approx(0.02 / 1.414)
    assert mixture_std("25gaussians") == pytest.approx(0.05 / 2.828)


@pytest.mark.parametrize("name", MIXTURES)
def test_mixture_samples_near_centers_all_hit(name: str) -> None:
    """Every sample lies within 6 std of a centre, and every centre receives samples."""
    x = ToySampler(name, seed=1)(20_000).numpy().astype(np.float64)
    centers, std = mixture_centers(name), mixture_std(name)
    idx, dist = _nearest(x, centers)
    assert dist.max() < 6 * std
    counts = np.bincount(idx, minlength=len(centers))
    assert (counts > 0).all()
    # components are equally likely: every count within 5 binomial std of n/k
    k, n = len(centers), len(x)
    assert np.abs(counts - n / k).max() < 5 * np.sqrt(n * (1 / k) * (1 - 1 / k))


@pytest.mark.parametrize("name", MIXTURES)
def test_mixture_component_std(name: str) -> None:
    """The per-coordinate std of the offsets from the nearest centre matches mixture_std within 10%."""
    x = ToySampler(name, seed=2)(20_000).numpy().astype(np.float64)
    centers, std = mixture_centers(name), mixture_std(name)
    idx, _ = _nearest(x, centers)
    offsets = x - centers[idx]
    np.testing.assert_allclose(offsets.mean(axis=0), 0.0, atol=0.1 * std)
    np.testing.assert_allclose(offsets.std(axis=0), std, rtol=0.1)


@pytest.mark.parametrize("seed", [0, 7])
def test_swissroll_matches_sklearn(seed: int) -> None:
    """Swiss roll = sklearn make_swiss_roll(noise=0.25) columns 0 and 2 over 7.5, same RandomState."""
    n = 300
    ref = make_swiss_roll(n, noise=0.25, random_state=np.random.RandomState(seed))[0][:, [0, 2]] / 7.5
    got = ToySampler("swissroll", seed=seed)(n).numpy()
    np.testing.assert_allclose(got, ref, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", DATASETS)
def test_same_seed_same_stream(name: str) -> None:
    """Two samplers with one seed give identical batches; another seed gives different ones."""
    a, b, c = ToySampler(name, seed=5), ToySampler(name, seed=5), ToySampler(name, seed=6)
    for n in (3, 50):
        xa, xb, xc = a(n), b(n), c(n)
        assert torch.equal(xa, xb)
        assert not torch.equal(xa, xc)


@pytest.mark.parametrize("name", DATASETS)
def test_state_dict_replays_stream(name: str) -> None:
    """Restoring a saved state replays the batches drawn after the save, even in another sampler."""
    s = ToySampler(name, seed=3)
    s(10)
    state = s.state_dict()
    after = [s(16), s(5)]
    s(100)  # move on
    s.load_state_dict(state)
    assert all(torch.equal(x, s(len(x))) for x in after)
    other = ToySampler(name, seed=99)
    other.load_state_dict(state)
    assert all(torch.equal(x, other(len(x))) for x in after)


def test_state_dict_is_a_snapshot() -> None:
    """A saved state is not changed by drawing more samples afterwards."""
    s = ToySampler("8gaussians", seed=3)
    state = s.state_dict()
    key = state["rng"][1].copy()
    s(1000)
    np.testing.assert_array_equal(state["rng"][1], key)


@pytest.mark.parametrize(("name", "size"), [("8gaussians", 500), ("swissroll", 100)])
def test_toy_dataset_draws_only_its_points(name: str, size: int) -> None:
    """ToyDataset.data holds `size` points from the seed's stream; batches only repeat those points."""
    ds = ToyDataset(name, size, seed=4)
    assert ds.data.shape == (size, 2)
    assert torch.equal(ds.data, ToySampler(name, seed=4)(size))
    batch = ds(2000)
    assert batch.shape == (2000, 2)
    match = (batch[:, None, :] == ds.data[None, :, :]).all(dim=-1)
    assert match.any(dim=1).all()
    # with 2000 draws out of `size` points, most of the points are used
    assert match.any(dim=0).float().mean() > 0.9


def test_toy_dataset_refuses_bad_size() -> None:
    """A dataset of zero points is a parameter error."""
    with pytest.raises(ParameterError, match="size"):
        ToyDataset("8gaussians", 0)


def test_toy_dataset_state_replays() -> None:
    """The dataset's index stream is restored by its state too."""
    ds = ToyDataset("25gaussians", 50, seed=1)
    state = ds.state_dict()
    x = ds(64)
    ds.load_state_dict(state)
    assert torch.equal(ds(64), x)


def test_data_plus_noise_covariance() -> None:
    """DataPlusNoise samples have covariance Cov(P_r) + I (real data plus independent N(0, I))."""
    n = 50_000
    real = ToySampler("8gaussians", seed=10)(n).double().numpy()
    cov_real = np.cov(real, rowvar=False)
    gen = DataPlusNoise(ToySampler("8gaussians", seed=11))
    assert len(list(gen.parameters())) == 0
    z = torch.randn(n, 2)
    x = gen(z)
    assert x.shape == (n, 2)
    cov = np.cov(x.double().numpy(), rowvar=False)
    np.testing.assert_allclose(cov, cov_real + np.eye(2), atol=0.06)
    # independent check of the decomposition: x - z is an exact sample of the data
    centers, std = mixture_centers("8gaussians"), mixture_std("8gaussians")
    _, dist = _nearest((x - z).double().numpy(), centers)
    assert dist.max() < 6 * std


def test_data_plus_noise_std_scales_noise() -> None:
    """With std=s the output is data + s * z exactly."""
    z = torch.randn(64, 2)
    a = DataPlusNoise(ToySampler("swissroll", seed=3), std=0.5)(z)
    data = ToySampler("swissroll", seed=3)(64)
    torch.testing.assert_close(a, data + 0.5 * z)


def test_the_point_mass_is_one_point_and_not_a_data_set() -> None:
    """``dirac`` (the First Order GAN chapter's point mass) draws its one point, from a sampler
    like the others, and is not among the WGAN-GP toy code's data sets that chapters loop over."""
    points = ToySampler("dirac", seed=3)(5)
    assert points.dtype == torch.float32 and points.shape == (5, 2)
    assert (points == torch.tensor(DIRAC_POINT)).all()
    assert "dirac" in DISTRIBUTIONS and "dirac" not in DATASETS
    with pytest.raises(ParameterError, match="dataset"):
        mixture_centers("dirac")
