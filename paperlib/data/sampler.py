"""An endless, exactly resumable stream of batches over a data set: the trainer's ``data`` for
images and for text.

``sampler(batch_size)`` is the next batch of an endless sequence of epochs, each a seeded
permutation, and its ``state_dict`` (epoch and batch within it) makes a resumed run see the batches
of an uninterrupted one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from paperlib.config import ParameterError, check_bool, check_int


def _permutation(seed: int, epoch: int, n: int) -> np.ndarray:
    entropy = np.random.SeedSequence((seed, epoch)).generate_state(4)
    return np.random.RandomState(entropy).permutation(n)


def _batches(seed: int, n: int, batch_size: int, epoch: int, batch: int) -> Iterator[list[int]]:
    """Indices of every full batch from batch ``batch`` of epoch ``epoch`` on, forever.

    A function rather than a method, so that the loader holds no reference back to its sampler and
    a dropped sampler shuts its worker processes down at once.
    """
    while True:
        order = _permutation(seed, epoch, n)
        for b in range(batch, n // batch_size):
            yield order[b * batch_size : (b + 1) * batch_size].tolist()
        epoch, batch = epoch + 1, 0


class DatasetSampler:
    """An endless stream of batches from ``dataset``: ``sampler(batch_size)`` is the next batch.

    The stream is a sequence of epochs; epoch ``e`` visits the data set in the order of a permutation
    drawn by ``numpy.random.RandomState`` seeded from ``SeedSequence((seed, e))`` (so different seeds
    give unrelated orders) in batches of ``batch_size``, dropping the last incomplete batch. A batch
    is the stacked first elements of the items, on ``device``: images (batch_size, C, H, W) of
    :func:`~paperlib.data.images.image_dataset`, or one-hot lines (batch_size, seq_len, vocabulary) of
    :meth:`~paperlib.data.text.CharCorpus.one_hot`; labels are left out (read them from
    ``sampler.dataset``). With ``num_workers > 0`` a ``torch.utils.data.DataLoader`` with that many
    worker processes loads the batches ahead of time. The sampler never draws from the global random
    number generators, so starting or restoring it leaves the trainer's noise stream alone.

    ``state_dict()`` is the epoch and the batch within it of the next batch to hand out; batches
    loaded ahead but not yet handed out do not count, so a sampler restored with
    ``load_state_dict`` continues with exactly the batches an uninterrupted one would give.

    ``dequantize`` turns 8-bit images, scaled to [-1, 1] as ``2 k / 255 - 1``, into the continuous
    data of the official ResNet code (``gan_cifar_resnet.py``): ``2 (k / 256 - 0.5) + U[0, 1/128)``,
    with noise drawn from a generator seeded by (seed, epoch, batch), so that it is resumable too.
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int,
        seed: int = 0,
        device: torch.device | str = "cpu",
        num_workers: int = 0,
        dequantize: bool = False,
    ) -> None:
        self.dataset = dataset
        self.dequantize = check_bool("dequantize", dequantize)
        self.batch_size = check_int("batch_size", batch_size, 1)
        if self.batch_size > len(dataset):
            raise ParameterError(
                f"batch_size={batch_size} must be at most the data set's size, {len(dataset)} images"
            )
        self.seed = check_int("seed", seed)
        self.device = torch.device(device)
        self.num_workers = check_int("num_workers", num_workers)
        self.batches_per_epoch = len(dataset) // self.batch_size
        self.epoch = 0
        self.batch = 0
        self._stream: Iterator[Any] | None = None

    def permutation(self, epoch: int) -> np.ndarray:
        """The order in which epoch ``epoch`` visits the data set."""
        return _permutation(self.seed, epoch, len(self.dataset))

    def __call__(self, n: int) -> torch.Tensor:
        if n != self.batch_size:
            raise ParameterError(f"n={n!r} must equal the sampler's batch_size={self.batch_size}")
        if self._stream is None:
            loader = DataLoader(
                self.dataset,
                batch_sampler=_batches(self.seed, len(self.dataset), self.batch_size, self.epoch, self.batch),
                num_workers=self.num_workers,
                pin_memory=self.device.type == "cuda",
                # the loader draws its workers' base seed from this generator: drawing it from the
                # global one would shift the trainer's noise stream whenever a loader is (re)started
                generator=torch.Generator().manual_seed(self.seed),
            )
            self._stream = iter(loader)
        images = next(self._stream)[0]
        if self.dequantize:
            entropy = np.random.SeedSequence((self.seed, self.epoch, self.batch)).generate_state(1)[0]
            noise = torch.rand(images.shape, generator=torch.Generator().manual_seed(int(entropy)))
            images = (images + 1) * (255 / 256) - 1 + noise / 128
        self.batch += 1
        if self.batch == self.batches_per_epoch:
            self.epoch, self.batch = self.epoch + 1, 0
        return images.to(self.device, non_blocking=True)

    def state_dict(self) -> dict[str, int]:
        return {"epoch": self.epoch, "batch": self.batch}

    def load_state_dict(self, state: dict[str, int]) -> None:
        self.epoch = check_int("epoch", state["epoch"])
        self.batch = check_int("batch", state["batch"])
        if self.batch >= self.batches_per_epoch:
            raise ParameterError(
                f"batch={self.batch} must be below the {self.batches_per_epoch} batches of an epoch "
                "(was the state saved with another batch size or data set?)"
            )
        self._stream = None  # the next call starts a fresh loader at the restored position
