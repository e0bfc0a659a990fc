"""Offline stand-ins shared by the tests: tiny data sets in torchvision's on-disk formats, and a
randomly initialised TF-Inception network saved as a weights file.

Where torchvision checks the MD5 sums of the real files, :func:`accept_fake_files` replaces the
expected sums by those of the fakes, so that torchvision's integrity check and loading code, and
ours, run unchanged on them.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
import torch_fidelity.feature_extractor_inceptionv3 as inception_module
from torchvision import datasets

CIFAR_FOLDER = "cifar-10-batches-py"


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def expect_md5(files: list[list[str]], folder: Path) -> list[list[str]]:
    """torchvision's ``[[filename, md5], ...]`` lists with the MD5 sums of the fakes in ``folder``."""
    return [[name, md5(folder / name)] for name, _ in files]


def write_cifar(root: Path, per_batch: int = 3, test: int = 4, identical: bool = False) -> dict[str, Any]:
    """A fake ``cifar-10-batches-py`` under ``root``: 5 training batches of ``per_batch`` random images
    and a test batch of ``test``; with ``identical`` every image is the same one. Returns the batches."""
    folder = root / CIFAR_FOLDER
    folder.mkdir(parents=True)
    rng = np.random.RandomState(0)
    one = rng.randint(0, 256, size=(1, 3 * 32 * 32)) if identical else None  # the whole set's image
    written = {}
    for name, n in [*((f"data_batch_{i}", per_batch) for i in range(1, 6)), ("test_batch", test)]:
        data = rng.randint(0, 256, size=(n, 3 * 32 * 32)) if one is None else np.repeat(one, n, axis=0)
        data = data.astype(np.uint8)
        data[:, :2] = 0, 255  # both ends of the pixel range
        entry = {"data": data, "labels": rng.randint(10, size=n).tolist()}
        (folder / name).write_bytes(pickle.dumps(entry))
        written[name] = entry
    (folder / "batches.meta").write_bytes(pickle.dumps({"label_names": [f"class{i}" for i in range(10)]}))
    return written


def write_mnist(root: Path, train: int = 30, test: int = 10, identical: bool = False) -> None:
    """A fake MNIST under ``root`` in torchvision's extracted layout (``MNIST/raw``, IDX files, which
    torchvision reads without checking sums): ``train`` and ``test`` random 28x28 digits; with
    ``identical`` every digit of a split is the same one."""
    folder = root / "MNIST" / "raw"
    folder.mkdir(parents=True)
    rng = np.random.RandomState(0)
    for split, n in (("train", train), ("t10k", test)):
        images = rng.randint(0, 256, size=(1 if identical else n, 28, 28)).astype(np.uint8)
        images = np.repeat(images, n, axis=0) if identical else images
        header = np.array([0x803, n, 28, 28], dtype=">i4").tobytes()  # magic: unsigned bytes, 3 axes
        (folder / f"{split}-images-idx3-ubyte").write_bytes(header + images.tobytes())
        labels = rng.randint(10, size=n).astype(np.uint8)
        (folder / f"{split}-labels-idx1-ubyte").write_bytes(
            np.array([0x801, n], dtype=">i4").tobytes() + labels.tobytes()
        )


def cifar_checksums(root: Path) -> dict[str, Any]:
    """The attributes of ``torchvision.datasets.CIFAR10`` that make it accept the fakes under ``root``."""
    folder, cifar = root / CIFAR_FOLDER, datasets.CIFAR10
    return {
        "train_list": expect_md5(cifar.train_list, folder),
        "test_list": expect_md5(cifar.test_list, folder),
        "meta": {**cifar.meta, "md5": md5(folder / "batches.meta")},
    }


def accept_fake_cifar(root: Path, monkeypatch: pytest.MonkeyPatch | None = None) -> None:
    """Make CIFAR10 accept the fakes under ``root``: for one test (``monkeypatch``), or for the rest of
    this process (a notebook kernel started by a test, see ``tests/test_notebooks.py``)."""
    for name, value in cifar_checksums(root).items():
        if monkeypatch is None:
            setattr(datasets.CIFAR10, name, value)
        else:
            monkeypatch.setattr(datasets.CIFAR10, name, value)


def save_random_inception_weights(path: Path) -> Path:
    """torch-fidelity's TF-Inception architecture with random weights, saved to ``path``."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(inception_module, "load_state_dict_from_url", lambda *args, **kwargs: {})
        patch.setattr(
            inception_module.FeatureExtractorInceptionV3, "load_state_dict", lambda self, state: None
        )
        network = inception_module.FeatureExtractorInceptionV3("inception-v3-compat", ["2048"])
    torch.save(network.state_dict(), path)
    return path
