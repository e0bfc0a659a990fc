"""Image data sets and the resumable batch stream (paperlib.data.images).

There is no network here: the torchvision data sets are tested on tiny fakes written in
torchvision's own on-disk formats. Where torchvision checks MD5 sums of the real files, the test
replaces the expected sums by those of the fake files (``fakes.expect_md5``), so that torchvision's
integrity check and loading code, and ours, still run unchanged.
"""

from __future__ import annotations

import pickle
import struct
from pathlib import Path

import numpy as np
import pytest
import torch
from fakes import accept_fake_cifar, expect_md5, md5, write_cifar
from PIL import Image
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import TensorDataset
from torchvision import datasets

from paperlib.config import ParameterError, project_root
from paperlib.data.images import (
    IMAGE_DATASETS,
    IMAGE_SHAPES,
    DatasetMissingError,
    data_root,
    image_dataset,
)
from paperlib.data.sampler import DatasetSampler
from paperlib.training.trainer import Trainer


@pytest.fixture(scope="module")
def digits() -> torch.utils.data.Dataset:
    return image_dataset("digits")


# ---------------------------------------------------------------- digits


def test_digits_shape_range_count(digits: torch.utils.data.Dataset) -> None:
    """1797 images of 1x32x32 in [-1, 1], both ends reached; labels are the digits 0..9."""
    assert len(digits) == 1797
    image, label = digits[0]
    assert image.shape == (1, 32, 32) and image.dtype == torch.float32
    assert isinstance(label, int)
    images = torch.stack([digits[i][0] for i in range(len(digits))])
    assert images.min() == -1 and images.max() == 1
    assert sorted({digits[i][1] for i in range(len(digits))}) == list(range(10))
    assert IMAGE_SHAPES["digits"] == (1, 32)


def test_digits_size_argument() -> None:
    """``size`` resizes; at size 8 the images are the raw 0..16 values scaled to [-1, 1]."""
    assert image_dataset("digits", size=16)[5][0].shape == (1, 16, 16)
    raw = torch.from_numpy(load_digits().images[3]).float()
    torch.testing.assert_close(image_dataset("digits", size=8)[3][0][0], raw / 8 - 1)


def test_bad_arguments() -> None:
    """Unknown data sets, splits and sizes are parameter errors naming the allowed values."""
    with pytest.raises(ParameterError, match="dataset='svhn'.*'digits'.*'lsun_bedroom'.*'lfw'"):
        image_dataset("svhn")
    with pytest.raises(ParameterError, match="split='valid'.*'train', 'test'"):
        image_dataset("cifar10", split="valid")
    with pytest.raises(ParameterError, match="size=0"):
        image_dataset("digits", size=0)
    with pytest.raises(ParameterError, match="download"):
        image_dataset("digits", download="false")
    assert set(IMAGE_SHAPES) == set(IMAGE_DATASETS)


# ---------------------------------------------------------------- data_root


def test_data_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Explicit root, then PAPERLIB_DATA, then ~/.cache/paperlib/data; relative to the project root."""
    monkeypatch.delenv("PAPERLIB_DATA", raising=False)
    assert data_root(None) == Path.home() / ".cache" / "paperlib" / "data"
    monkeypatch.setenv("PAPERLIB_DATA", str(tmp_path / "env"))
    assert data_root(None) == tmp_path / "env"
    assert data_root(tmp_path / "explicit") == tmp_path / "explicit"
    assert data_root("some/data") == project_root() / "some" / "data"


# ---------------------------------------------------------------- torchvision data sets on fakes


def test_cifar10_fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pixels x in 0..255 become x / 127.5 - 1 in CHW order; splits and size work."""
    written = write_cifar(tmp_path)
    accept_fake_cifar(tmp_path, monkeypatch)
    train = image_dataset("cifar10", root=tmp_path, download=False)
    assert len(train) == 15
    for index, (batch, row) in enumerate([("data_batch_1", 0), ("data_batch_2", 1)]):
        image, label = train[3 * index + row]
        expected = torch.from_numpy(written[batch]["data"][row].reshape(3, 32, 32)).float() / 127.5 - 1
        torch.testing.assert_close(image, expected)
        assert label == written[batch]["labels"][row]
    images = torch.stack([train[i][0] for i in range(len(train))])
    assert images.min() == -1 and images.max() == 1
    test = image_dataset("cifar10", root=tmp_path, download=False, split="test", size=16)
    assert len(test) == 4 and test[0][0].shape == (3, 16, 16)


def test_mnist_fake(tmp_path: Path) -> None:
    """MNIST/raw in the idx format: 28x28 natively, resized by ``size``."""
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.RandomState(1)
    for prefix, n in (("train", 5), ("t10k", 2)):
        pixels = rng.randint(0, 256, size=(n, 28, 28)).astype(np.uint8)
        header = struct.pack(">4i", 2051, n, 28, 28)  # magic: unsigned bytes, 3 dimensions
        (raw / f"{prefix}-images-idx3-ubyte").write_bytes(header + pixels.tobytes())
        labels = np.arange(n, dtype=np.uint8)
        (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(struct.pack(">2i", 2049, n) + labels.tobytes())
    train = image_dataset("mnist", root=tmp_path, download=False)
    image, label = train[4]
    assert len(train) == 5 and image.shape == (1, 28, 28) and label == 4
    assert -1 <= image.min() and image.max() <= 1
    test = image_dataset("mnist", root=tmp_path, download=False, split="test", size=32)
    assert len(test) == 2 and test[1][0].shape == (1, 32, 32)


def test_stl10_fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """train+unlabeled concatenated, 96x96 resized to 48x48; a constant image stays constant."""
    folder = tmp_path / "stl10_binary"
    folder.mkdir()
    counts = {"train": 2, "unlabeled": 3, "test": 1}
    for part, n in counts.items():
        pixels = np.full((n, 3, 96, 96), 255, dtype=np.uint8)
        pixels[:, 1] = 0  # red and blue white, green black
        (folder / f"{part}_X.bin").write_bytes(pixels.tobytes())
        if part != "unlabeled":
            (folder / f"{part}_y.bin").write_bytes(np.full(n, 3, dtype=np.uint8).tobytes())
    stl = datasets.STL10
    monkeypatch.setattr(stl, "train_list", expect_md5(stl.train_list, folder))
    monkeypatch.setattr(stl, "test_list", expect_md5(stl.test_list, folder))
    data = image_dataset("stl10", root=tmp_path, download=False)
    assert len(data) == 5
    image, label = data[0]
    assert image.shape == (3, 48, 48) and label == 2  # torchvision's labels are 0-based
    torch.testing.assert_close(image[1], torch.full((48, 48), -1.0))
    torch.testing.assert_close(image[0], torch.ones(48, 48))
    assert data[4][1] == -1  # unlabeled
    assert len(image_dataset("stl10", root=tmp_path, download=False, split="test")) == 1


def test_celeba_fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The centre 108x108 of a 178x218 aligned image, resized to 64x64; label 0."""
    folder = tmp_path / "celeba"
    (folder / "img_align_celeba").mkdir(parents=True)
    names = [f"{i:06d}.jpg" for i in range(1, 4)]
    pixels = np.zeros((218, 178, 3), dtype=np.uint8)
    pixels[55 : 55 + 108, 35 : 35 + 108] = 255  # the centre crop is white, the rest black
    for name in names:
        Image.fromarray(pixels).save(folder / "img_align_celeba" / name, quality=100)

    def rows(values: str) -> str:
        return "".join(f"{n} {values}\n" for n in names)

    texts = {
        "list_eval_partition.txt": "".join(f"{n} {i % 2}\n" for i, n in enumerate(names)),
        "identity_CelebA.txt": rows("1"),
        "list_attr_celeba.txt": f"3\n{' '.join(f'a{i}' for i in range(40))}\n" + rows(" ".join(["1"] * 40)),
        "list_bbox_celeba.txt": "3\nimage_id x_1 y_1 width height\n" + rows("1 2 3 4"),
        "list_landmarks_align_celeba.txt": f"3\n{' '.join(f'l{i}' for i in range(10))}\n"
        + rows(" ".join(["5"] * 10)),
    }
    for name, text in texts.items():
        (folder / name).write_text(text)
    file_list = [(i, md5(folder / n) if n in texts else m, n) for i, m, n in datasets.CelebA.file_list]
    monkeypatch.setattr(datasets.CelebA, "file_list", file_list)
    data = image_dataset("celeba", root=tmp_path, download=False)
    image, label = data[0]
    assert len(data) == 3 and image.shape == (3, 64, 64) and label == 0
    assert image.min() > 0.9  # only the white centre is left
    assert len(image_dataset("celeba", root=tmp_path, download=False, split="train")) == 2


def test_lfw_fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """lfw-py with the funneled archive, people.txt and lfw-names.txt: 64x64, label the person."""
    folder = tmp_path / "lfw-py"
    for person, count in (("Ada_Lovelace", 2), ("Alan_Turing", 1)):
        (folder / "lfw_funneled" / person).mkdir(parents=True)
        for k in range(1, count + 1):
            path = folder / "lfw_funneled" / person / f"{person}_{k:04d}.jpg"
            Image.new("RGB", (250, 250), (200, 100, 0)).save(path)
    (folder / "lfw-funneled.tgz").write_bytes(b"the archive itself is only MD5-checked")
    (folder / "people.txt").write_text("1\n2\nAda_Lovelace\t2\nAlan_Turing\t1\n")
    (folder / "lfw-names.txt").write_text("Ada_Lovelace\t2\nAlan_Turing\t1\n")
    lfw = datasets.LFWPeople
    directory, archive, _ = lfw.file_dict["funneled"]
    monkeypatch.setitem(lfw.file_dict, "funneled", (directory, archive, md5(folder / archive)))
    for name in ("people.txt", "lfw-names.txt"):
        monkeypatch.setitem(lfw.checksums, name, md5(folder / name))
    data = image_dataset("lfw", root=tmp_path)  # download is never passed on for LFW
    assert len(data) == 3 and [data[i][1] for i in range(3)] == [0, 0, 1]
    assert data[2][0].shape == (3, 64, 64) and data[2][0].min() >= -1


def test_missing_cifar10(tmp_path: Path) -> None:
    """An empty root: the error names the folder, the files and the URL, and is a FileNotFoundError."""
    with pytest.raises(DatasetMissingError) as info:
        image_dataset("cifar10", root=tmp_path, download=False)
    message = str(info.value)
    assert isinstance(info.value, FileNotFoundError)
    assert str(tmp_path / "cifar-10-batches-py") in message
    assert "data_batch_1" in message and "test_batch" in message
    assert "https://www.cs.toronto.edu/~kriz/cifar.html" in message


@pytest.mark.parametrize(
    ("name", "folder", "words"),
    [
        ("lsun_bedroom", "bedroom_train_lmdb", ["https://github.com/fyu/lsun", "lmdb"]),
        ("celeba", "celeba", ["img_align_celeba", "list_eval_partition.txt", "Google Drive", "by hand"]),
        ("stl10", "stl10_binary", ["unlabeled_X.bin", "https://cs.stanford.edu/~acoates/stl10/"]),
        ("lfw", "lfw-py", ["lfw-funneled.tgz", "people.txt", "http://vis-www.cs.umass.edu/lfw/"]),
        ("mnist", "MNIST/raw", ["train-images-idx3-ubyte"]),
    ],
)
def test_missing_datasets(tmp_path: Path, name: str, folder: str, words: list[str]) -> None:
    with pytest.raises(DatasetMissingError) as info:
        image_dataset(name, root=tmp_path, download=False)
    message = str(info.value)
    for word in [str(tmp_path / folder), *words]:
        assert word in message


def test_mnist_message_reads_and_names_the_callers_setting(tmp_path: Path) -> None:
    """The MNIST source is a sentence (it once read "Get it from torchvision downloads them"), and
    a notebook's parameter can be named in place of root=."""
    with pytest.raises(DatasetMissingError) as info:
        image_dataset("mnist", root=tmp_path, download=False, root_name="the notebook parameter data_root")
    message = str(info.value)
    assert "Get it from https://ossci-datasets.s3.amazonaws.com/mnist/" in message
    assert "point the notebook parameter data_root or the PAPERLIB_DATA" in message


def test_a_failed_download_leaves_no_empty_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """torchvision makes MNIST/raw before downloading; when every mirror fails (here: all of them,
    as offline) the folders it made are removed again, and a folder that was there stays."""
    from urllib.error import URLError

    import torchvision.datasets.mnist as mnist_module

    def offline(url: str, *args: object, **kwargs: object) -> None:
        raise URLError("no network")

    monkeypatch.setattr(mnist_module, "download_and_extract_archive", offline)
    root = tmp_path / "data"
    with pytest.raises(DatasetMissingError, match="could not be downloaded"):
        image_dataset("mnist", root=root, download=True)
    assert not root.exists()
    (tmp_path / "kept").mkdir()
    with pytest.raises(DatasetMissingError):
        image_dataset("mnist", root=tmp_path / "kept", download=True)
    assert (tmp_path / "kept").is_dir() and not any((tmp_path / "kept").iterdir())


# ---------------------------------------------------------------- DatasetSampler


def _indexed(n: int) -> TensorDataset:
    """A data set whose image i is a 1x1x1 image of value i, so batches show which items they hold."""
    return TensorDataset(torch.arange(n, dtype=torch.float32).view(n, 1, 1, 1), torch.zeros(n))


def test_sampler_batches_and_epochs() -> None:
    """Each epoch is a permutation cut into full batches; epochs differ; the state counts batches."""
    sampler = DatasetSampler(_indexed(10), batch_size=3, seed=0)
    epochs = [torch.cat([sampler(3).flatten() for _ in range(3)]).long() for _ in range(2)]
    for epoch, seen in enumerate(epochs):
        assert len(set(seen.tolist())) == 9
        np.testing.assert_array_equal(seen.numpy(), sampler.permutation(epoch)[:9])
    assert not torch.equal(epochs[0], epochs[1])
    assert sampler.state_dict() == {"epoch": 2, "batch": 0}


def test_sampler_shapes_and_seeds(digits: torch.utils.data.Dataset) -> None:
    """(n, C, H, W) float batches; same seed same stream, another seed another one."""
    a, b, c = (DatasetSampler(digits, 16, seed=s) for s in (0, 0, 1))
    x = a(16)
    assert x.shape == (16, 1, 32, 32) and x.dtype == torch.float32
    assert torch.equal(x, b(16))
    assert not torch.equal(x, c(16))


def test_sampler_bad_arguments(digits: torch.utils.data.Dataset) -> None:
    sampler = DatasetSampler(digits, 16)
    with pytest.raises(ParameterError, match="n=8 must equal the sampler's batch_size=16"):
        sampler(8)
    with pytest.raises(ParameterError, match="batch_size=2000"):
        DatasetSampler(digits, 2000)
    with pytest.raises(ParameterError, match="num_workers=-1"):
        DatasetSampler(digits, 16, num_workers=-1)
    with pytest.raises(ParameterError, match="batch=112"):
        sampler.load_state_dict({"epoch": 0, "batch": 112})


@pytest.mark.parametrize("num_workers", [0, 2])
def test_sampler_exact_resume(digits: torch.utils.data.Dataset, num_workers: int) -> None:
    """After 3 of 7 batches (4 batches an epoch), a restored sampler gives batches 4..7 exactly.

    With workers the first sampler has loaded batches ahead; its state counts only those handed out.
    """
    reference = DatasetSampler(digits, 400, seed=3, num_workers=num_workers)
    batches = [reference(400) for _ in range(7)]
    interrupted = DatasetSampler(digits, 400, seed=3, num_workers=num_workers)
    for k in range(3):
        assert torch.equal(interrupted(400), batches[k])
    state = pickle.loads(pickle.dumps(interrupted.state_dict()))
    assert state == {"epoch": 0, "batch": 3}
    resumed = DatasetSampler(digits, 400, seed=3, num_workers=num_workers)
    resumed.load_state_dict(state)
    for k in range(3, 7):
        assert torch.equal(resumed(400), batches[k])
    assert resumed.state_dict() == {"epoch": 1, "batch": 3}


def test_dequantized_batches_follow_the_official_resnet_code_and_resume() -> None:
    """With ``dequantize`` an 8-bit value k (scaled 2k/255 - 1) becomes 2(k/256 - 0.5) + U[0, 1/128):
    (x + 1) * 128 - k lies in [0, 1) (float32 rounding: 1e-4) and spreads over it; batches differ in
    their noise, and a restored sampler repeats the noise of an uninterrupted one."""
    levels = torch.tensor([0, 1, 128, 254, 255]).repeat(40)
    images = (2 * levels.float() / 255 - 1).view(-1, 1, 1, 1).expand(-1, 1, 2, 2).contiguous()
    data = TensorDataset(images, levels)
    sampler = DatasetSampler(data, 50, seed=1, dequantize=True)
    batches = [sampler(50) for _ in range(5)]
    order = [sampler.permutation(0)[b * 50 : (b + 1) * 50] for b in range(4)]
    for batch, index in zip(batches[:4], order, strict=True):
        fraction = (batch + 1) * 128 - levels[index].view(-1, 1, 1, 1).float()
        assert fraction.min() >= -1e-4 and fraction.max() < 1 + 1e-4
        assert fraction.std() > 0.2  # uniform on [0, 1): std 0.29
    assert not torch.equal(batches[0], DatasetSampler(data, 50, seed=1)(50))
    resumed = DatasetSampler(data, 50, seed=1, dequantize=True)
    resumed.load_state_dict({"epoch": 0, "batch": 2})
    assert torch.equal(resumed(50), batches[2]) and torch.equal(resumed(50), batches[3])


def test_trainer_resumes_image_runs_exactly(tmp_path: Path) -> None:
    """A run interrupted after 3 of 6 iterations and resumed ends where an uninterrupted one does."""
    data = image_dataset("digits", size=8)

    def trainer(run_dir: Path | None) -> Trainer:
        torch.manual_seed(0)
        generator = nn.Sequential(nn.Linear(4, 64), nn.Tanh(), nn.Unflatten(1, (1, 8, 8)))
        critic = nn.Sequential(nn.Flatten(), nn.Linear(64, 1))
        sampler = DatasetSampler(data, 256, seed=5)  # 7 batches an epoch: the runs cross epochs
        return Trainer(
            generator,
            critic,
            sampler,
            n_critic=2,
            batch_size=256,
            noise_shape=(4,),
            run_dir=run_dir,
            checkpoint_every=3 if run_dir else 0,
        )

    uninterrupted = trainer(None).train(6)
    trainer(tmp_path).train(3)
    resumed = trainer(tmp_path).train(6, resume=True)
    assert resumed.data.state_dict() == uninterrupted.data.state_dict() == {"epoch": 1, "batch": 5}
    for a, b in zip(uninterrupted.generator.parameters(), resumed.generator.parameters(), strict=True):
        assert torch.equal(a, b)
