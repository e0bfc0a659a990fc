"""What image data sets exist, their shapes and splits, where they live, and the error when one is
missing: the light part of :mod:`paperlib.data.images`, which set-ups and checks read without
importing torchvision."""

from __future__ import annotations

import os
from pathlib import Path

from paperlib.config import project_root

IMAGE_DATASETS = ("digits", "mnist", "cifar10", "stl10", "celeba", "lsun_bedroom", "lfw")

IMAGE_SHAPES: dict[str, tuple[int, int]] = {
    "digits": (1, 32),
    "mnist": (1, 28),
    "cifar10": (3, 32),
    "stl10": (3, 48),
    "celeba": (3, 64),
    "lsun_bedroom": (3, 64),
    "lfw": (3, 64),
}
"""Native (channels, side) of each data set's images, used when ``size`` is not given."""

SPLITS: dict[str, tuple[str, ...]] = {
    "digits": ("all",),
    "mnist": ("train", "test"),
    "cifar10": ("train", "test"),
    "stl10": ("train+unlabeled", "train", "unlabeled", "test"),
    "celeba": ("all", "train", "valid", "test"),
    "lsun_bedroom": ("train", "val"),
    "lfw": ("all", "train", "test"),
}
"""The splits each data set may be asked for; the first one is the default."""

DATA_ENV = "PAPERLIB_DATA"
DEFAULT_DATA_ROOT = "~/.cache/paperlib/data"


class DatasetMissingError(FileNotFoundError):
    """An image data set is neither on disk nor downloadable; the message says what to put where."""


def data_root(root: str | os.PathLike | None = None) -> Path:
    """The folder that holds the image data sets.

    ``root`` if given, else the environment variable ``PAPERLIB_DATA`` if set, else
    ``~/.cache/paperlib/data``. ``~`` is expanded; a relative path is taken relative to
    :func:`~paperlib.config.project_root`, as run folders are (notebooks run in their own folder).
    """
    if root is None:
        root = os.environ.get(DATA_ENV) or DEFAULT_DATA_ROOT
    path = Path(root).expanduser()
    return path if path.is_absolute() else project_root() / path
