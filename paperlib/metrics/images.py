"""Image metrics: Inception Score and FID through torch-fidelity, and CPU-scale analogues on digits.

* :func:`inception_score`: the Inception Score of Salimans et al. 2016, ``exp(E_x KL(p(y|x) || p(y)))``
  with the TF-Inception network of the paper (torch-fidelity's ``inception-v3-compat``), the numbers
  papers report (usually on 50,000 samples, 10 splits).
* :func:`fid`: the Fréchet Inception Distance of Heusel et al. 2017 between Gaussian fits of the
  2048-d pool features of generated and real images (RWP used 10,000 samples). The statistics of the
  real set are cached on disk by torch-fidelity, once per dataset key.
* :func:`digits_classifier`, :func:`digits_frechet_distance`, :func:`digits_class_score`: the same two
  formulas in the feature space of a small CNN trained by paperlib on scikit-learn's 8x8 digits, for
  runs small enough for a CPU. They are *not* FID or IS and are comparable only with each other.
  :func:`digits_metrics` computes both from one draw of a generator, against :func:`digits_features`
  of the real digits computed once.
* :func:`frechet_distance`, :func:`class_score_from_logits`: the two formulas on given features or
  logits, computed by torch-fidelity's own code (``fid_statistics_to_metric``,
  ``isc_features_to_metric``).

Generators are called on batches of ``N(0, I)`` noise of shape ``(batch, *noise_shape)`` and return
images in ``[-1, 1]`` of shape ``(batch, C, H, W)`` with C = 1 or 3; torch-fidelity draws them batch
by batch, so the samples are never all in memory, and it resizes them to 299x299 itself.

The TF-Inception weights come from ``weights_path``, else the environment variable
``PAPERLIB_INCEPTION_WEIGHTS``, else torch's hub cache, where they are downloaded when a network is
there; without any of these :class:`InceptionWeightsMissing` says how to provide them.
"""

from __future__ import annotations

import math
import os
import re
import socket
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.model_selection import train_test_split
from torch import nn
from torch.utils.data import Dataset
from torch_fidelity import (
    KEY_METRIC_FID,
    KEY_METRIC_ISC_MEAN,
    KEY_METRIC_ISC_STD,
    GenerativeModelBase,
    calculate_metrics,
)
from torch_fidelity.feature_extractor_inceptionv3 import URL_INCEPTION_V3
from torch_fidelity.metric_fid import fid_features_to_statistics, fid_statistics_to_metric
from torch_fidelity.metric_isc import isc_features_to_metric
from torch_fidelity.utils_torch import torch_atomic_save

from paperlib.config import ParameterError, check_choice, check_finite, check_int, resolve_device
from paperlib.data.images import image_dataset

ArrayLike = np.ndarray | torch.Tensor
ImageGenerator = Callable[[torch.Tensor], torch.Tensor]

INCEPTION_URL = URL_INCEPTION_V3
INCEPTION_FILE = "weights-inception-2015-12-05-6726825d.pth"
WEIGHTS_ENV = "PAPERLIB_INCEPTION_WEIGHTS"
FEATURE_EXTRACTOR = "inception-v3-compat"
DIGITS_SIZE = 32


def _cache_home() -> Path:
    return Path.home() / ".cache" / "paperlib"


# ---------------------------------------------------------------- Inception weights
class InceptionWeightsMissing(FileNotFoundError):
    """The TF-Inception weights are neither given, nor cached, nor downloadable; the message says how."""


def _hub_weights_path() -> Path:
    """Where torch-fidelity's own download (``torch.hub.load_state_dict_from_url``) puts the weights."""
    return Path(torch.hub.get_dir()) / "checkpoints" / INCEPTION_FILE


def _missing(reason: str) -> InceptionWeightsMissing:
    return InceptionWeightsMissing(
        f"{reason}. Inception Score and FID need torch-fidelity's TF-Inception weights {INCEPTION_FILE}: "
        f"download {INCEPTION_URL} on a machine with internet access, then either put the file at "
        f"{_hub_weights_path()} (torch's hub cache, where torch-fidelity looks for it), or set the "
        f"environment variable {WEIGHTS_ENV}=/path/to/{INCEPTION_FILE}, or pass weights_path=..."
    )


def _download_inception_weights(path: Path) -> None:
    """Download the weights to ``path`` (atomically, by torch.hub); no network fails at once."""
    try:
        # a short connection test first: without a route, urllib would wait for the system timeout
        socket.create_connection((urlsplit(INCEPTION_URL).hostname, 443), timeout=10).close()
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.hub.download_url_to_file(INCEPTION_URL, str(path), progress=False)
    except OSError as error:
        raise _missing(f"the TF-Inception weights could not be downloaded ({error})") from error


def inception_weights_path(weights_path: str | os.PathLike | None = None) -> Path:
    """The file of the TF-Inception weights, downloading it into torch's hub cache if need be.

    Looked up in this order: ``weights_path``, the environment variable ``PAPERLIB_INCEPTION_WEIGHTS``,
    torch's hub cache (``$TORCH_HOME/hub/checkpoints``, where torch-fidelity downloads it). A given path
    that does not exist, or a failed download, raises :class:`InceptionWeightsMissing` at once.
    """
    for source, value in (("weights_path", weights_path), (WEIGHTS_ENV, os.environ.get(WEIGHTS_ENV))):
        if value:
            path = Path(value).expanduser()
            if not path.is_file():
                raise _missing(f"{source}={str(value)!r} is not a file")
            return path
    path = _hub_weights_path()
    if not path.is_file():
        _download_inception_weights(path)
    return path


# ---------------------------------------------------------------- inputs for torch-fidelity
def images_to_uint8(images: torch.Tensor) -> torch.Tensor:
    """``(N, C, H, W)`` images in ``[-1, 1]`` (C = 1 or 3) to the uint8 RGB that torch-fidelity expects.

    Values are clamped to ``[-1, 1]`` and mapped linearly onto 0..255 (rounded); grayscale images are
    repeated on the three channels.
    """
    if images.dim() != 4 or images.shape[1] not in (1, 3):
        raise ValueError(f"expected images of shape (N, 1 or 3, H, W), got {tuple(images.shape)}")
    check_finite("images", images)
    pixels = ((images.detach().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    return pixels.expand(-1, 3, -1, -1).contiguous()


class Uint8ImageDataset(Dataset):
    """A dataset of ``[-1, 1]`` float images (or of ``(image, label)`` pairs) as uint8 RGB CHW tensors.

    torch-fidelity reads real images in this form; see :func:`images_to_uint8` for the conversion.
    """

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, index: int) -> torch.Tensor:
        item = self.dataset[index]
        image = item[0] if isinstance(item, (tuple, list)) else item
        return images_to_uint8(torch.as_tensor(image)[None])[0]


def _noise_shape(noise_shape: int | Sequence[int]) -> tuple[int, ...]:
    shape = (noise_shape,) if isinstance(noise_shape, (int, np.integer)) else tuple(noise_shape)
    if not shape:
        raise ParameterError("noise_shape=() must name at least one dimension")
    return tuple(check_int("noise_shape", d, 1) for d in shape)


def _device(source: torch.Tensor | ImageGenerator, device: str | torch.device | None) -> torch.device:
    """``device`` (a paperlib device name or a torch.device), else that of the images or the generator's
    weights (the CPU for a plain function)."""
    if isinstance(device, str):
        return resolve_device(device)
    if device is not None:
        return torch.device(device)
    if isinstance(source, torch.Tensor):
        return source.device
    if isinstance(source, nn.Module):
        return next(source.parameters(), torch.zeros(())).device
    return torch.device("cpu")


class _FidelitySamples(GenerativeModelBase):
    """A generator as torch-fidelity draws from it: flat normal noise in, uint8 RGB images out."""

    def __init__(
        self,
        generator: ImageGenerator,
        noise_shape: tuple[int, ...],
        device: torch.device,
        output_device: torch.device,
    ) -> None:
        super().__init__()
        # kept out of the module tree, so that torch-fidelity's ``.cuda()`` never moves the caller's network
        object.__setattr__(self, "generator", generator)
        self.noise_shape, self.device, self.output_device = noise_shape, device, output_device

    @property
    def z_size(self) -> int:
        return math.prod(self.noise_shape)

    @property
    def z_type(self) -> str:
        return "normal"

    @property
    def num_classes(self) -> int:
        return 0

    def forward(self, noise: torch.Tensor) -> torch.Tensor:
        images = self.generator(noise.to(self.device).view(len(noise), *self.noise_shape))
        return images_to_uint8(images).to(self.output_device)


def _calculate(
    generator: ImageGenerator,
    noise_shape: int | Sequence[int],
    num_samples: int,
    batch_size: int,
    device: str | torch.device | None,
    weights_path: str | os.PathLike | None,
    seed: int,
    **metric: object,
) -> dict[str, float]:
    """Run torch-fidelity's ``calculate_metrics`` with ``num_samples`` images of ``generator`` as input 1."""
    check_int("num_samples", num_samples, 2)
    check_int("batch_size", batch_size, 1)
    check_int("seed", seed)
    shape = _noise_shape(noise_shape)
    device = _device(generator, device)
    weights = inception_weights_path(weights_path)
    cuda = device.type == "cuda"  # torch-fidelity's feature extractor runs on CUDA or on the CPU
    samples = _FidelitySamples(generator, shape, device, torch.device("cuda" if cuda else "cpu"))
    return calculate_metrics(
        input1=samples,
        input1_model_num_samples=num_samples,
        feature_extractor=FEATURE_EXTRACTOR,
        feature_extractor_weights_path=str(weights),
        batch_size=batch_size,
        cuda=cuda,
        rng_seed=seed,
        save_cpu_ram=True,  # no DataLoader worker processes: the real images are already in memory
        verbose=False,
        **metric,
    )


# ---------------------------------------------------------------- IS and FID (TF-Inception)
def inception_score(
    generator: ImageGenerator,
    *,
    noise_shape: int | Sequence[int],
    num_samples: int = 50_000,
    splits: int = 10,
    batch_size: int = 100,
    device: str | torch.device | None = None,
    weights_path: str | os.PathLike | None = None,
    seed: int = 0,
) -> tuple[float, float]:
    """Inception Score (Salimans et al. 2016) of ``num_samples`` images of ``generator``: (mean, std).

    ``exp(E_x KL(p(y|x) || p(y)))`` with the class probabilities of the TF-Inception network, computed on
    each of ``splits`` equal parts of the samples; returns the mean and standard deviation over the
    parts, as papers report them (50,000 samples, 10 splits). torch-fidelity draws the samples in
    batches of ``batch_size`` from noise seeded by ``seed``. ``device`` is where the generator runs
    (default: where its weights are); the Inception network runs on CUDA when that is a CUDA device,
    else on the CPU. The generator is called as it is: put it in eval mode first if that is wanted.
    See :func:`inception_weights_path` for ``weights_path``.
    """
    scores = inception_metrics(
        generator,
        noise_shape=noise_shape,
        num_samples=num_samples,
        splits=splits,
        batch_size=batch_size,
        device=device,
        weights_path=weights_path,
        seed=seed,
    )
    return scores["inception_score"], scores["inception_score_std"]


def fid(
    generator: ImageGenerator,
    real: Dataset,
    real_key: str,
    *,
    noise_shape: int | Sequence[int],
    num_samples: int = 10_000,
    batch_size: int = 100,
    device: str | torch.device | None = None,
    weights_path: str | os.PathLike | None = None,
    cache_root: str | os.PathLike | None = None,
    seed: int = 0,
) -> float:
    """Fréchet Inception Distance (Heusel et al. 2017) between ``num_samples`` images of ``generator``
    and the dataset ``real``.

    ``||mu_g - mu_r||^2 + tr(S_g + S_r - 2 (S_g S_r)^(1/2))`` for the means and covariances of the
    2048-d pool features of the TF-Inception network. ``real`` yields ``[-1, 1]`` images (or
    ``(image, label)`` pairs) and is used whole; its statistics are computed once and cached by
    torch-fidelity as ``paperlib-<real_key>-inception-v3-compat-stat-fid-2048.pt`` (with the features
    beside them) in ``cache_root``, default ``~/.cache/paperlib/fidelity``. ``real_key`` must therefore
    name the dataset, its split and image size, e.g. ``"cifar10-train-32"``: a later call with the same
    key reuses the file whatever ``real`` is. The cache assumes the TF-Inception weights; delete it
    after computing with other ones. The other arguments are those of :func:`inception_score`.
    """
    metrics = _calculate(
        generator,
        noise_shape,
        num_samples,
        batch_size,
        device,
        weights_path,
        seed,
        **_fid_options(real, real_key, cache_root),
    )
    return metrics[KEY_METRIC_FID]


def inception_metrics(
    generator: ImageGenerator,
    real: Dataset | None = None,
    real_key: str | None = None,
    *,
    noise_shape: int | Sequence[int],
    num_samples: int = 10_000,
    splits: int = 10,
    batch_size: int = 100,
    device: str | torch.device | None = None,
    weights_path: str | os.PathLike | None = None,
    cache_root: str | os.PathLike | None = None,
    seed: int = 0,
) -> dict[str, float]:
    """Inception Score and, given ``real``, FID of the same ``num_samples`` images in one pass.

    Returns ``{"inception_score", "inception_score_std"}`` (see :func:`inception_score`) and, when
    ``real`` and ``real_key`` are given, ``"fid"`` (see :func:`fid`): the generated images pass the
    TF-Inception network once for both, which is what an evaluation during training wants.
    """
    if (real is None) != (real_key is None):
        raise ParameterError("real and real_key go together: give both for FID, or neither")
    check_int("splits", splits, 1)
    if check_int("num_samples", num_samples, 2) < splits:
        raise ParameterError(f"num_samples={num_samples!r} must be at least splits={splits}")
    options = _fid_options(real, real_key, cache_root) if real is not None else {}
    metrics = _calculate(
        generator,
        noise_shape,
        num_samples,
        batch_size,
        device,
        weights_path,
        seed,
        isc=True,
        isc_splits=splits,
        **options,
    )
    scores = {
        "inception_score": metrics[KEY_METRIC_ISC_MEAN],
        "inception_score_std": metrics[KEY_METRIC_ISC_STD],
    }
    return scores | ({"fid": metrics[KEY_METRIC_FID]} if real is not None else {})


def _fid_options(real: Dataset, real_key: str, cache_root: str | os.PathLike | None) -> dict[str, object]:
    """torch-fidelity's arguments for FID against ``real``, with statistics cached under ``real_key``."""
    if not isinstance(real_key, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", real_key):
        raise ParameterError(
            f"real_key={real_key!r} must be a file-name-safe string (letters, digits, '.', '_', '-'), "
            "e.g. 'cifar10-train-32'"
        )
    root = Path(cache_root).expanduser() if cache_root is not None else _cache_home() / "fidelity"
    return dict(
        fid=True,
        input2=Uint8ImageDataset(real),
        input2_cache_name=f"paperlib-{real_key}",
        cache=True,
        cache_root=str(root),
    )


# ---------------------------------------------------------------- the formulas on features
def frechet_distance(features_a: ArrayLike, features_b: ArrayLike) -> float:
    """Fréchet distance between Gaussian fits of two ``(N, d)`` feature sets (the formula of FID).

    Means and covariances by torch-fidelity's ``fid_features_to_statistics``, in float64, and the
    distance ``||mu_a - mu_b||^2 + tr(S_a + S_b - 2 (S_a S_b)^(1/2))`` by ``fid_statistics_to_metric``.
    """
    feats = [torch.as_tensor(f).detach().cpu().double() for f in (features_a, features_b)]
    for f in feats:
        check_finite("features", f)
    if any(f.dim() != 2 or len(f) < 2 for f in feats) or feats[0].shape[1] != feats[1].shape[1]:
        shapes = " and ".join(str(tuple(f.shape)) for f in feats)
        raise ValueError(f"expected two feature sets (N >= 2, d) of the same width d, got {shapes}")
    stats = [fid_features_to_statistics(f) for f in feats]
    return fid_statistics_to_metric(*stats, verbose=False)[KEY_METRIC_FID]


def class_score_from_logits(logits: ArrayLike, splits: int = 10, seed: int = 0) -> tuple[float, float]:
    """``exp(E_x KL(p(y|x) || p(y)))`` of ``(N, K)`` class logits, mean and std over ``splits`` parts.

    The formula of the Inception Score (Salimans et al. 2016), by torch-fidelity's
    ``isc_features_to_metric`` (softmax in float64, samples shuffled with ``seed`` before splitting).
    It lies between 1 (one class for all samples) and K (confident predictions, classes balanced).
    """
    check_int("splits", splits, 1)
    check_int("seed", seed)
    logits = torch.as_tensor(logits).detach().cpu()
    check_finite("logits", logits)
    if logits.dim() != 2 or len(logits) < splits:
        raise ValueError(f"expected (N, K) logits with N >= splits={splits}, got {tuple(logits.shape)}")
    metrics = isc_features_to_metric(logits, splits=splits, shuffle=True, rng_seed=seed)
    return metrics[KEY_METRIC_ISC_MEAN], metrics[KEY_METRIC_ISC_STD]


# ---------------------------------------------------------------- digits classifier
def _digits(split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The digits of ``image_dataset("digits", size=32)`` as ``(N, 1, 32, 32)`` images and labels.

    ``split`` is ``"all"`` or the classifier's ``"train"`` / ``"test"`` part (75 / 25 %, stratified,
    seed 0).
    """
    check_choice("split", split, ("all", "train", "test"))
    digits = image_dataset("digits", size=DIGITS_SIZE)
    images, labels = digits.images, digits.labels
    if split == "all":
        return images, labels
    train, test = train_test_split(
        np.arange(len(labels)), test_size=0.25, stratify=labels.numpy(), random_state=0
    )
    index = torch.as_tensor(train if split == "train" else test)
    return images[index], labels[index]


class DigitsClassifier(nn.Module):
    """Small CNN on ``(N, 1, 32, 32)`` digits in ``[-1, 1]``: ``features`` (64-d, penultimate
    layer) and ``forward`` (10 logits). ``test_accuracy`` is its accuracy on the held-out split."""

    FEATURES = 64

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 16, 4, 2, 1),
            nn.ReLU(),
            nn.Conv2d(16, 32, 4, 2, 1),
            nn.ReLU(),
            nn.Conv2d(32, 64, 4, 2, 1),
            nn.ReLU(),
            nn.Flatten(),
            nn.Linear(64 * 4 * 4, self.FEATURES),
            nn.ReLU(),
        )
        self.head = nn.Linear(self.FEATURES, 10)
        self.register_buffer("test_accuracy", torch.tensor(float("nan")))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


def _train_digits_classifier(epochs: int = 5, batch_size: int = 32, seed: int = 0) -> DigitsClassifier:
    """Adam on the train split, deterministic (own seed, global RNG untouched), about a second on a CPU."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = DigitsClassifier()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        images, labels = _digits("train")
        for _ in range(epochs):
            for index in torch.randperm(len(labels)).split(batch_size):
                loss = F.cross_entropy(model(images[index]), labels[index])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
    images, labels = _digits("test")
    with torch.no_grad():
        model.test_accuracy.fill_((model(images).argmax(1) == labels).double().mean())
    return model


def digits_classifier(cache_dir: str | os.PathLike | None = None) -> DigitsClassifier:
    """The digits classifier of the digits metrics, on the CPU, in eval mode and without gradients.

    Loaded from ``<cache_dir>/digits_classifier.pt`` (default ``~/.cache/paperlib``) when that file
    exists, else trained (deterministically, in about a second) and written there atomically.
    """
    path = Path(cache_dir).expanduser() if cache_dir is not None else _cache_home()
    path = path / "digits_classifier.pt"
    if path.is_file():
        model = DigitsClassifier()
        model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    else:
        model = _train_digits_classifier()
        path.parent.mkdir(parents=True, exist_ok=True)
        torch_atomic_save(model.state_dict(), str(path))
    return model.eval().requires_grad_(False)


def _image_batches(
    source: torch.Tensor | ImageGenerator,
    n: int,
    noise_shape: int | Sequence[int] | None,
    batch_size: int,
    device: torch.device,
    seed: int,
) -> Iterator[torch.Tensor]:
    """A tensor of images in batches, or ``n`` images of a generator drawn batch by batch."""
    check_int("batch_size", batch_size, 1)
    if isinstance(source, torch.Tensor):
        yield from source.split(batch_size)
        return
    check_int("n", n, 2)
    if noise_shape is None:
        raise ParameterError("noise_shape=None: the noise shape is needed to draw from a generator")
    shape = _noise_shape(noise_shape)
    rng = torch.Generator().manual_seed(check_int("seed", seed))
    for start in range(0, n, batch_size):
        images = source(torch.randn((min(batch_size, n - start), *shape), generator=rng).to(device))
        check_finite("generated images", images)
        yield images


def _classified(
    samples: torch.Tensor | ImageGenerator,
    n: int,
    noise_shape: int | Sequence[int] | None,
    batch_size: int,
    classifier: DigitsClassifier | None,
    cache_dir: str | os.PathLike | None,
    device: str | torch.device | None,
    seed: int,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Penultimate features and logits of ``classifier`` (default: :func:`digits_classifier` of
    ``cache_dir``, moved to ``device``, default: the samples') for a tensor of images, or ``n`` images
    drawn from a generator, on the CPU."""
    device = _device(samples, device)
    classifier = digits_classifier(cache_dir) if classifier is None else classifier
    classifier.to(device)
    features, logits = [], []
    with torch.no_grad():
        for batch in _image_batches(samples, n, noise_shape, batch_size, device, seed):
            if batch.shape[1:] != (1, DIGITS_SIZE, DIGITS_SIZE):
                raise ValueError(f"expected digits of shape (N, 1, 32, 32), got {tuple(batch.shape)}")
            batch_features = classifier.features(batch.to(device))
            features.append(batch_features.cpu())
            logits.append(classifier.head(batch_features).cpu())
    return torch.cat(features), torch.cat(logits)


def digits_features(
    images: torch.Tensor | None = None,
    *,
    batch_size: int = 250,
    classifier: DigitsClassifier | None = None,
    cache_dir: str | os.PathLike | None = None,
    device: str | torch.device | None = None,
) -> torch.Tensor:
    """The 64-d penultimate features of the digits classifier for ``(N, 1, 32, 32)`` images in
    ``[-1, 1]`` (default: all 1,797 digits), on the CPU: the real side of
    :func:`digits_frechet_distance`, computed once where many evaluations compare with the same set."""
    images = _digits("all")[0] if images is None else images
    return _classified(images, len(images), None, batch_size, classifier, cache_dir, device, 0)[0]


def digits_metrics(
    generator: ImageGenerator,
    real_features: torch.Tensor,
    *,
    n: int = 1000,
    noise_shape: int | Sequence[int],
    splits: int = 10,
    batch_size: int = 250,
    classifier: DigitsClassifier | None = None,
    cache_dir: str | os.PathLike | None = None,
    device: str | torch.device | None = None,
    seed: int = 0,
) -> dict[str, float]:
    """Both digits metrics of ``n`` images of ``generator`` from one draw: ``digits_fd``, the
    :func:`digits_frechet_distance` to the images whose :func:`digits_features` are
    ``real_features``, and ``digits_score``, the mean of :func:`digits_class_score`. Equal to those
    two functions called with the same arguments, which draw and classify the images once each."""
    features, logits = _classified(generator, n, noise_shape, batch_size, classifier, cache_dir, device, seed)
    return {
        "digits_fd": frechet_distance(features, real_features),
        "digits_score": class_score_from_logits(logits, splits, seed)[0],
    }


def digits_frechet_distance(
    samples: torch.Tensor | ImageGenerator,
    real: torch.Tensor | None = None,
    *,
    n: int = 1000,
    noise_shape: int | Sequence[int] | None = None,
    batch_size: int = 250,
    classifier: DigitsClassifier | None = None,
    cache_dir: str | os.PathLike | None = None,
    device: str | torch.device | None = None,
    seed: int = 0,
) -> float:
    """Fréchet distance between generated and real digits in the feature space of the digits classifier.

    The formula of FID (Heusel et al. 2017, see :func:`frechet_distance`) on the 64-d penultimate
    features of :func:`digits_classifier` instead of Inception's: a CPU-scale stand-in for FID on
    ``digits``, comparable only with other values of this function, never with FIDs. ``samples`` is a
    tensor of ``(N, 1, 32, 32)`` images in ``[-1, 1]`` or a generator, from which ``n`` images are drawn
    batch by batch with ``N(0, I)`` noise of shape ``noise_shape`` seeded by ``seed``. ``real``
    defaults to all 1,797 digits. ``classifier`` defaults to ``digits_classifier(cache_dir)``; it runs on
    ``device`` (default: where the samples or the generator's weights are).
    """
    device = _device(samples, device)
    classifier = digits_classifier(cache_dir) if classifier is None else classifier
    fake = _classified(samples, n, noise_shape, batch_size, classifier, cache_dir, device, seed)[0]
    return frechet_distance(
        fake, digits_features(real, batch_size=batch_size, classifier=classifier, device=device)
    )


def digits_class_score(
    samples: torch.Tensor | ImageGenerator,
    *,
    n: int = 1000,
    splits: int = 10,
    noise_shape: int | Sequence[int] | None = None,
    batch_size: int = 250,
    classifier: DigitsClassifier | None = None,
    cache_dir: str | os.PathLike | None = None,
    device: str | torch.device | None = None,
    seed: int = 0,
) -> tuple[float, float]:
    """The Inception-Score formula (Salimans et al. 2016) with the digits classifier's class probabilities.

    ``exp(E_x KL(p(y|x) || p(y)))`` by :func:`class_score_from_logits` (mean and std over ``splits``
    parts): between 1 and 10, near 10 for confidently classified digits of all classes in equal shares.
    A CPU-scale stand-in for IS on ``digits``, comparable only with other values of this function. The
    other arguments are those of :func:`digits_frechet_distance`.
    """
    _, logits = _classified(samples, n, noise_shape, batch_size, classifier, cache_dir, device, seed)
    return class_score_from_logits(logits, splits, seed)
