"""Image metrics (paperlib.metrics.images): IS / FID through torch-fidelity, digits analogues, formulas.

No network here: the IS / FID pipeline runs with a randomly initialised TF-Inception network whose
weights are saved to a temporary file, and only 16 images of 16x16 pass through it per input, as
torch-fidelity resizes them to 299x299 (about 0.2 s per image on one CPU thread).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import scipy.linalg
import torch
import torch_fidelity.feature_extractor_inceptionv3 as inception_module
from fakes import save_random_inception_weights
from torch import nn
from torch.utils.data import TensorDataset

from paperlib.config import ParameterError
from paperlib.metrics import images
from paperlib.metrics.images import (
    InceptionWeightsMissing,
    Uint8ImageDataset,
    class_score_from_logits,
    digits_class_score,
    digits_classifier,
    digits_features,
    digits_frechet_distance,
    digits_metrics,
    fid,
    frechet_distance,
    images_to_uint8,
    inception_score,
    inception_weights_path,
)


def tiny_generator(noise_dim: int = 4, channels: int = 1, size: int = 16) -> nn.Module:
    """A random generator of ``[-1, 1]`` images of shape ``(channels, size, size)``."""
    return nn.Sequential(
        nn.Linear(noise_dim, channels * size * size), nn.Tanh(), nn.Unflatten(1, (channels, size, size))
    )


@pytest.fixture(scope="module")
def digits_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder holding the digits classifier, trained once for this module."""
    folder = tmp_path_factory.mktemp("paperlib-cache")
    digits_classifier(folder)
    return folder


@pytest.fixture
def no_weights(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No weights given nor cached, and a download URL that never resolves (even with a network)."""
    monkeypatch.delenv(images.WEIGHTS_ENV, raising=False)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    monkeypatch.setattr(images, "INCEPTION_URL", f"https://paperlib.invalid/{images.INCEPTION_FILE}")


# ---------------------------------------------------------------- inputs for torch-fidelity
def test_images_to_uint8() -> None:
    """-1 -> 0, 1 -> 255, out-of-range values clamped, grayscale repeated on three channels."""
    x = torch.tensor([-1.0, 0.0, 1.0, -3.0, 2.0]).view(1, 1, 1, 5)
    out = images_to_uint8(x)
    assert out.dtype == torch.uint8 and out.shape == (1, 3, 1, 5)
    assert out[0, :, 0].tolist() == [[0, 128, 255, 0, 255]] * 3
    with pytest.raises(ValueError, match="shape"):
        images_to_uint8(torch.zeros(1, 2, 4, 4))


def test_uint8_dataset_takes_images_or_pairs() -> None:
    """The adapter yields uint8 RGB CHW tensors from plain images and from (image, label) pairs."""
    x = torch.rand(3, 3, 8, 8) * 2 - 1
    plain, pairs = Uint8ImageDataset(list(x)), Uint8ImageDataset(TensorDataset(x, torch.arange(3)))
    assert len(plain) == len(pairs) == 3
    assert torch.equal(plain[1], pairs[1]) and torch.equal(plain[1], images_to_uint8(x[1:2])[0])


# ---------------------------------------------------------------- formulas
def test_frechet_distance_of_a_set_with_itself_is_zero() -> None:
    x = np.random.RandomState(0).randn(500, 64)
    assert abs(frechet_distance(x, x)) < 1e-3


def test_frechet_distance_matches_scipy() -> None:
    """The same number as the formula written out with scipy.linalg.sqrtm."""
    rng = np.random.RandomState(1)
    x = rng.randn(400, 16)
    y = rng.randn(300, 16) @ rng.randn(16, 16) * 0.5 + 0.3
    mu_x, mu_y = x.mean(0), y.mean(0)
    s_x, s_y = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    expected = np.sum((mu_x - mu_y) ** 2) + np.trace(s_x + s_y - 2 * scipy.linalg.sqrtm(s_x @ s_y).real)
    assert frechet_distance(torch.tensor(x), y) == pytest.approx(expected, rel=1e-8)


@pytest.mark.parametrize("k", [1, 2, 10])
def test_class_score_of_one_hot_predictions_is_k(k: int) -> None:
    """Certain predictions spread evenly over K classes give exactly K, with one split."""
    logits = torch.full((20 * k, k), -1e4)
    logits[torch.arange(20 * k), torch.arange(20 * k) % k] = 0.0
    mean, std = class_score_from_logits(logits, splits=1)
    assert mean == pytest.approx(k, rel=1e-12) and std == 0.0


def test_class_score_of_one_class_is_one() -> None:
    logits = torch.zeros(50, 10)
    logits[:, 3] = 30.0  # not infinitely sure: a class of probability exactly 0 makes the formula 0 * inf
    assert class_score_from_logits(logits, splits=5)[0] == pytest.approx(1.0, rel=1e-9)


# ---------------------------------------------------------------- IS / FID through torch-fidelity
@pytest.fixture
def random_inception_weights(tmp_path: Path) -> Path:
    return save_random_inception_weights(tmp_path / "random-inception.pth")


def test_inception_pipeline_runs_offline_and_caches_real_statistics(
    random_inception_weights: Path, tmp_path: Path, no_weights: None
) -> None:
    """IS and FID are finite; the real statistics are written once to cache_root, then reused."""
    generator = tiny_generator(noise_dim=4, channels=1)
    common = {"noise_shape": 4, "num_samples": 16, "batch_size": 8, "weights_path": random_inception_weights}
    mean, std = inception_score(generator, splits=2, **common)
    # IS = exp(mean KL) >= 1 exactly, but a random network gives p(y|x) close to p(y), and the KL's
    # rounding then lands either side of 0: 0.9999999999999999 with two threads here. float32
    # probabilities bound that rounding far below 1e-6.
    assert np.isfinite([mean, std]).all() and mean >= 1.0 - 1e-6

    # one image 16 times: covariance 0, which spares numpy a ~10 s eigendecomposition of the
    # 2048x2048 product of covariances inside torch-fidelity (the images still pass the network)
    real = TensorDataset((torch.rand(1, 3, 16, 16) * 2 - 1).expand(16, -1, -1, -1), torch.zeros(16))
    cache = tmp_path / "fidelity"
    first = fid(generator, real, "fake-train-16", cache_root=cache, **common)
    assert np.isfinite(first)
    [stats] = cache.glob("paperlib-fake-train-16-inception-v3-compat-stat-fid-*.pt")
    written = stats.stat().st_mtime_ns

    # same key, other images: the cached statistics are used, so the distance is the same
    other = TensorDataset(torch.rand(16, 3, 16, 16) * 2 - 1)
    assert fid(generator, other, "fake-train-16", cache_root=cache, **common) == first
    assert stats.stat().st_mtime_ns == written


def test_weights_from_argument_then_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_env, from_argument = tmp_path / images.INCEPTION_FILE, tmp_path / "other.pth"
    from_env.touch()
    from_argument.touch()
    monkeypatch.setenv(images.WEIGHTS_ENV, str(from_env))
    assert inception_weights_path() == from_env
    assert inception_weights_path(from_argument) == from_argument


def test_weights_file_is_the_one_torch_fidelity_downloads() -> None:
    assert inception_module.URL_INCEPTION_V3.endswith("/" + images.INCEPTION_FILE)


def test_weights_found_in_torch_hub_cache(no_weights: None) -> None:
    """A file that torch-fidelity downloaded earlier is used without any network."""
    path = Path(torch.hub.get_dir()) / "checkpoints" / images.INCEPTION_FILE
    path.parent.mkdir(parents=True)
    path.touch()
    assert inception_weights_path() == path


def test_missing_weights_fail_fast_with_instructions(no_weights: None) -> None:
    start = time.perf_counter()
    with pytest.raises(InceptionWeightsMissing, match=images.WEIGHTS_ENV) as info:
        inception_score(tiny_generator(), noise_shape=4, num_samples=8, splits=2)
    assert time.perf_counter() - start < 5
    assert images.INCEPTION_FILE in str(info.value) and isinstance(info.value, FileNotFoundError)


def test_given_weights_path_must_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(images.WEIGHTS_ENV, str(tmp_path / "nowhere.pth"))
    with pytest.raises(InceptionWeightsMissing, match="nowhere.pth"):
        inception_weights_path()
    with pytest.raises(InceptionWeightsMissing, match="weights_path='missing.pth'"):
        inception_weights_path("missing.pth")


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"num_samples": 5, "splits": 10}, "num_samples"),
        ({"num_samples": 1}, "num_samples"),
        ({"batch_size": 0}, "batch_size"),
        ({"noise_shape": (4, 0)}, "noise_shape"),
        ({"device": "tpu"}, "device"),
    ],
)
def test_inception_score_parameter_errors(kwargs: dict, name: str) -> None:
    """Bad parameters are refused (naming them) before any weights are looked for."""
    kwargs = {"noise_shape": 4, "weights_path": "never-read.pth", **kwargs}
    with pytest.raises(ParameterError, match=name):
        inception_score(tiny_generator(), **kwargs)


def test_fid_refuses_an_unsafe_dataset_key() -> None:
    with pytest.raises(ParameterError, match="real_key"):
        fid(tiny_generator(), TensorDataset(torch.zeros(4, 1, 8, 8)), "../cifar10", noise_shape=4)


# ---------------------------------------------------------------- digits classifier and its metrics
def test_digits_classifier_accuracy(digits_cache: Path) -> None:
    """At least 95 % on the held-out quarter of the digits, recomputed here from the split."""
    classifier = digits_classifier(digits_cache)
    x, y = images._digits("test")
    accuracy = (classifier(x).argmax(1) == y).double().mean().item()
    assert accuracy >= 0.95 and accuracy == pytest.approx(classifier.test_accuracy.item())
    assert len(y) == 450 and not any(p.requires_grad for p in classifier.parameters())


def test_digits_classifier_is_reloaded_from_its_cache(digits_cache: Path) -> None:
    """The cached file is read, not rewritten, and gives the same outputs as the trained network."""
    path = digits_cache / "digits_classifier.pt"
    written = path.stat().st_mtime_ns
    x, _ = images._digits("test")
    trained, reloaded = images._train_digits_classifier(), digits_classifier(digits_cache)
    assert torch.equal(trained.eval()(x), reloaded(x))
    assert path.stat().st_mtime_ns == written


def test_digits_frechet_distance_real_vs_real_and_noise(digits_cache: Path) -> None:
    """Two disjoint halves of the digits are close; uniform noise images are far from them."""
    x, _ = images._digits("all")
    perm = torch.randperm(len(x))
    half_a, half_b = x[perm[: len(x) // 2]], x[perm[len(x) // 2 :]]
    noise = torch.rand_like(half_a) * 2 - 1
    close = digits_frechet_distance(half_a, half_b, cache_dir=digits_cache)
    far = digits_frechet_distance(noise, half_b, cache_dir=digits_cache)
    assert 0 < close < 0.02 * far


def test_digits_class_score_real_noise_and_generator(digits_cache: Path) -> None:
    """Real digits score near 10, noise images near 1; a generator is sampled reproducibly by seed."""
    x, _ = images._digits("all")
    assert digits_class_score(x, cache_dir=digits_cache)[0] > 8.5
    assert digits_class_score(torch.rand_like(x) * 2 - 1, cache_dir=digits_cache)[0] < 3
    generator = tiny_generator(noise_dim=8, size=32)
    kwargs = {"n": 300, "noise_shape": 8, "batch_size": 64, "cache_dir": digits_cache, "seed": 3}
    score = digits_class_score(generator, **kwargs)
    assert score == digits_class_score(generator, **kwargs) and 1 <= score[0] <= 10
    assert np.isfinite(digits_frechet_distance(generator, **kwargs))
    with pytest.raises(ParameterError, match="noise_shape"):
        digits_class_score(generator, cache_dir=digits_cache)


def test_digits_metrics_equal_the_two_metrics_from_one_draw(digits_cache: Path) -> None:
    """One draw of a batch-norm generator (training mode, batch statistics) gives the same two numbers
    as digits_frechet_distance and digits_class_score, each drawing the images again; the real
    features default to all digits, as the distance's real side does."""
    torch.manual_seed(0)
    generator = nn.Sequential(tiny_generator(noise_dim=8, size=32), nn.BatchNorm2d(1), nn.Tanh())
    real = images._digits("all")[0][::3]
    kwargs = {"n": 300, "noise_shape": 8, "batch_size": 64, "cache_dir": digits_cache, "seed": 3}
    both = digits_metrics(generator, digits_features(real, cache_dir=digits_cache), **kwargs)
    # The generated images pass the classifier in the same batches of 64 on both sides, so the score
    # is equal exactly. The real features do not: digits_features classifies them in batches of 250,
    # digits_frechet_distance in the caller's 64, and float32 convolutions round differently per batch
    # size (by about 1 ulp of the features, machine-dependent). Shifting every feature by 1 ulp in
    # one direction, the worst case, moves this distance by 3e-7 relative: hence rel=1e-6.
    assert set(both) == {"digits_fd", "digits_score"}
    assert both["digits_score"] == digits_class_score(generator, **kwargs)[0]
    assert both["digits_fd"] == pytest.approx(digits_frechet_distance(generator, real, **kwargs), rel=1e-6)
    everything = digits_features(cache_dir=digits_cache)
    assert everything.shape == (1797, 64)
    assert digits_metrics(generator, everything, **kwargs)["digits_fd"] == pytest.approx(
        digits_frechet_distance(generator, **kwargs), rel=1e-6
    )
