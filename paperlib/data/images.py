"""Image data sets of the papers, and an infinite, exactly resumable stream of batches over them.

Which paper trains on what:

* WGAN-GP (Gulrajani et al.): CIFAR-10, LSUN bedrooms (64x64), MNIST (and ImageNet 64x64, not here).
* Gradient layer (Nitanda & Suzuki): CIFAR-10 (32x32) and STL-10 downsampled by 2 in each dimension to
  48x48 (the 100,000 unlabeled plus the 5,000 training images); Labeled Faces in the Wild (appendix D).
* FOGAN (first-order GAN): CelebA, LSUN and CIFAR-10.
* Wasserstein proximal regularization: CIFAR-10 and the aligned and cropped CelebA.
* Simple gradient penalty mu-WGAN (SGP, Kim et al.): CIFAR-10 and MNIST.

Conventions. :func:`image_dataset` returns a ``torch.utils.data.Dataset`` of ``(image, label)``
pairs: ``image`` a float32 tensor of shape (C, H, W) with values in [-1, 1] (the range of a ``tanh``
generator), ``label`` an ``int`` (0 where a data set has none; -1 for the unlabeled STL-10 images,
as torchvision has it). Every data set has a native shape,
:data:`~paperlib.data.catalog.IMAGE_SHAPES`; the ``size`` argument resizes *any* data set to ``size
x size`` instead (the 32x32 ResNet needs ``size=32`` for MNIST). Everything but ``digits``
is read through ``torchvision.datasets`` from the folder :func:`~paperlib.data.catalog.data_root`
(``root`` argument, else the ``PAPERLIB_DATA`` environment variable, else
``~/.cache/paperlib/data``), downloaded there by torchvision when it can. A data set that is neither
there nor downloadable raises :class:`~paperlib.data.catalog.DatasetMissingError`, which says which
files to put where and where to get them; there is never a silent fall-back to another data set.

``digits`` is scikit-learn's bundled 8x8 handwritten digits (1797 images, no download), upsampled
bilinearly to 32x32: the offline default for CPU-scale runs.

:class:`~paperlib.data.sampler.DatasetSampler` turns such a data set into the trainer's ``data``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.utils.data import Dataset
from torchvision import datasets, transforms

from paperlib.config import check_bool, check_choice, check_int
from paperlib.data.catalog import (
    DATA_ENV,
    IMAGE_DATASETS,
    IMAGE_SHAPES,
    SPLITS,
    DatasetMissingError,
    data_root,
)

CELEBA_CROP = 108  # side of the centre crop of the 178x218 aligned CelebA images (DCGAN/WGAN code)
LFW_CROP = 128  # side of the centre crop of the 250x250 LFW images (our choice; the paper gives none)

_DOWNLOADABLE = ("mnist", "cifar10", "stl10", "celeba")  # torchvision cannot download LSUN or LFW
_LFW_PEOPLE = {"all": "people.txt", "train": "peopleDevTrain.txt", "test": "peopleDevTest.txt"}
_LFW_SPLIT = {"all": "10fold", "train": "train", "test": "test"}

# For each data set: the folder under the root that torchvision reads, what it must hold, where to get it.
_SOURCES: dict[str, tuple[str, str, str]] = {
    "mnist": (
        "MNIST/raw",
        "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and "
        "t10k-labels-idx1-ubyte (unpacked from their .gz archives)",
        "https://ossci-datasets.s3.amazonaws.com/mnist/ (a mirror of http://yann.lecun.com/exdb/mnist/), "
        "from where torchvision fetches them with download=True on a machine with internet",
    ),
    "cifar10": (
        "cifar-10-batches-py",
        "data_batch_1 ... data_batch_5, test_batch and batches.meta (the unpacked cifar-10-python.tar.gz; "
        "torchvision checks their MD5 sums)",
        "https://www.cs.toronto.edu/~kriz/cifar.html (CIFAR-10 python version), or download=True on a "
        "machine with internet",
    ),
    "stl10": (
        "stl10_binary",
        "train_X.bin, train_y.bin, unlabeled_X.bin, test_X.bin and test_y.bin (the unpacked "
        "stl10_binary.tar.gz; torchvision checks their MD5 sums)",
        "https://cs.stanford.edu/~acoates/stl10/ (binary version), or download=True on a machine with "
        "internet",
    ),
    "celeba": (
        "celeba",
        "the folder img_align_celeba/ with the 202,599 aligned and cropped *.jpg images (unzipped "
        "img_align_celeba.zip) and, next to it, list_eval_partition.txt, identity_CelebA.txt, "
        "list_attr_celeba.txt, list_bbox_celeba.txt and list_landmarks_align_celeba.txt (MD5-checked)",
        "https://mmlab.ie.cuhk.edu.hk/projects/CelebA.html ('Align&Cropped Images' and the annotation "
        "files). torchvision's download=True fetches them from Google Drive (it needs pip install gdown) "
        "and often fails on Google Drive's download quota; then fetch the files by hand",
    ),
    "lsun_bedroom": (
        "bedroom_{split}_lmdb",
        "the LMDB database (data.mdb, lock.mdb) unzipped from bedroom_{split}_lmdb.zip; reading it needs "
        "pip install lmdb",
        "https://github.com/fyu/lsun with its download script: python download.py -c bedroom "
        "(torchvision cannot download LSUN)",
    ),
    "lfw": (
        "lfw-py",
        "the archive lfw-funneled.tgz itself (torchvision checks its MD5), its unpacked folder "
        "lfw_funneled/<Name>/<Name>_<NNNN>.jpg, {people} and lfw-names.txt",
        "http://vis-www.cs.umass.edu/lfw/ (torchvision no longer downloads LFW; it points to the mirror "
        "https://www.kaggle.com/datasets/jessicali9530/lfw-dataset)",
    ),
}


class _TensorImages(Dataset):
    """Images and labels held in two tensors."""

    def __init__(self, images: torch.Tensor, labels: torch.Tensor) -> None:
        self.images, self.labels = images, labels

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        return self.images[index], int(self.labels[index])

    def __len__(self) -> int:
        return len(self.images)


class _IntLabels(Dataset):
    """A torchvision data set whose labels are made plain ``int`` (0 where it has none)."""

    def __init__(self, base: Dataset) -> None:
        self.base = base

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        image, label = self.base[index]
        return image, 0 if label is None else int(label)

    def __len__(self) -> int:
        return len(self.base)


def _digits(size: int) -> _TensorImages:
    """scikit-learn's 8x8 digits (values 0..16), bilinearly resized to size x size, scaled to [-1, 1]."""
    digits = load_digits()
    images = torch.from_numpy(digits.images).float().unsqueeze(1)
    images = F.interpolate(images, size=(size, size), mode="bilinear", align_corners=False, antialias=True)
    return _TensorImages((images / 8 - 1).clamp_(-1, 1), torch.from_numpy(digits.target))


def _geometry(name: str, size: int) -> list[Any]:
    """The PIL transforms that bring data set ``name`` to ``size x size``."""
    if name == "celeba":
        return [transforms.CenterCrop(CELEBA_CROP), transforms.Resize(size)]
    if name == "lsun_bedroom":
        return [transforms.Resize(size), transforms.CenterCrop(size)]
    if name == "lfw":
        return [transforms.CenterCrop(LFW_CROP), transforms.Resize(size)]
    if name == "stl10" or size != IMAGE_SHAPES[name][1]:
        return [transforms.Resize(size)]  # STL-10: 96x96 on disk, 48x48 native here
    return []


def _torchvision_dataset(
    name: str, root: Path, split: str, download: bool, transform: transforms.Compose
) -> Dataset:
    if name == "mnist":
        return datasets.MNIST(root, train=split == "train", transform=transform, download=download)
    if name == "cifar10":
        return datasets.CIFAR10(root, train=split == "train", transform=transform, download=download)
    if name == "stl10":
        return datasets.STL10(root, split=split, transform=transform, download=download)
    if name == "celeba":
        return datasets.CelebA(root, split=split, target_type=[], transform=transform, download=download)
    if name == "lsun_bedroom":
        return datasets.LSUN(root, classes=[f"bedroom_{split}"], transform=transform)
    # torchvision 0.29 refuses download=True for LFW (it no longer downloads it), so it is never passed
    return datasets.LFWPeople(root, split=_LFW_SPLIT[split], transform=transform)


def _missing_message(
    name: str, root: Path, split: str, download: bool, error: BaseException | None, root_name: str
) -> str:
    folder, files, source = (s.format(split=split, people=_LFW_PEOPLE.get(split)) for s in _SOURCES[name])
    tried = " and could not be downloaded" if download and name in _DOWNLOADABLE else ""
    cause = f" ({type(error).__name__}: {error})" if error is not None else ""
    return (
        f"dataset={name!r} (split={split!r}) is not available under {root}{tried}{cause}. "
        f"torchvision reads it from the folder {root / folder}, which must hold {files}. "
        f"Get it from {source}. Put it there, or point {root_name} or the {DATA_ENV} environment "
        "variable at the folder that holds it."
    )


def _folder_chain(name: str, root: Path, split: str) -> list[Path]:
    """The folder torchvision reads ``name`` from and its parents up to ``root``, deepest first."""
    folder = root / _SOURCES[name][0].format(split=split, people=_LFW_PEOPLE.get(split))
    return [folder, *(p for p in folder.parents if p == root or root in p.parents)]


def _remove_empty_new_folders(chain: list[Path], existed: set[Path]) -> None:
    """Remove the folders of ``chain`` that a failed download made and left empty, deepest first."""
    for folder in chain:
        if folder not in existed and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def image_dataset(
    name: str,
    root: str | os.PathLike | None = None,
    download: bool = True,
    size: int | None = None,
    split: str | None = None,
    root_name: str = "root=",
) -> Dataset:
    """The image data set ``name`` as ``(image, label)`` pairs, images (C, H, W) float32 in [-1, 1].

    * ``digits``: scikit-learn's 8x8 digits, bilinearly resized to ``size`` (default 32), 1 channel.
    * ``mnist``: 28x28, 1 channel; split ``train`` (60,000) or ``test``.
    * ``cifar10``: 32x32; split ``train`` (50,000) or ``test``.
    * ``stl10``: 96x96 resized to 48x48 (gradient-layer paper); split ``train+unlabeled`` (105,000,
      the training images first; unlabeled ones have label -1), ``train``, ``unlabeled`` or ``test``.
    * ``celeba``: the aligned and cropped ``img_align_celeba`` (178x218), centre-cropped to 108x108
      and resized to 64x64, the common DCGAN/WGAN convention; split ``all`` (202,599), ``train``,
      ``valid`` or ``test``; label 0.
    * ``lsun_bedroom``: LSUN ``bedroom_train`` (or ``val``), shorter side resized to 64, centre crop
      64x64; label 0. Needs the ``lmdb`` package. torchvision caches the LMDB keys in a file
      ``_cache_*`` in the working directory.
    * ``lfw``: Labeled Faces in the Wild (funneled, 250x250), centre crop 128x128 resized to 64x64;
      split ``all`` (the ten folds of ``people.txt``), ``train`` or ``test``; label the person.

    ``size`` resizes any data set to ``size x size`` instead of its native side
    (:data:`~paperlib.data.catalog.IMAGE_SHAPES`). ``download`` lets torchvision fetch a missing
    data set (MNIST, CIFAR-10, STL-10, CelebA; it cannot fetch LSUN or LFW). The files go under
    :func:`~paperlib.data.catalog.data_root` of ``root``. A data set that is missing there and
    cannot be downloaded raises :class:`~paperlib.data.catalog.DatasetMissingError`, whose message
    names the setting that chose ``root`` as ``root_name`` (a notebook passes its parameter's name);
    a failed download leaves no empty folders behind.
    """
    check_choice("dataset", name, IMAGE_DATASETS)
    split = SPLITS[name][0] if split is None else check_choice("split", split, SPLITS[name])
    check_bool("download", download)
    channels, native = IMAGE_SHAPES[name]
    side = native if size is None else check_int("size", size, 1)
    if name == "digits":
        return _digits(side)
    root = data_root(root)
    if name == "lsun_bedroom" and not (root / f"bedroom_{split}_lmdb").is_dir():
        raise DatasetMissingError(_missing_message(name, root, split, download, None, root_name))
    scale = transforms.Normalize([0.5] * channels, [0.5] * channels)  # [0, 1] -> [-1, 1]
    transform = transforms.Compose([*_geometry(name, side), transforms.ToTensor(), scale])
    chain = _folder_chain(name, root, split)
    existed = {folder for folder in chain if folder.exists()}
    try:
        base = _torchvision_dataset(name, root, split, download, transform)
    except (RuntimeError, OSError) as error:  # torchvision's "not found or corrupted", failed downloads
        _remove_empty_new_folders(chain, existed)
        raise DatasetMissingError(_missing_message(name, root, split, download, error, root_name)) from error
    return _IntLabels(base)
