"""Parameter validation, device selection, seeding and run folders (paperlib.config)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
import torch

import paperlib
from paperlib import config
from paperlib.config import (
    ParameterError,
    check_bool,
    check_choice,
    check_float,
    check_int,
    out_root,
    project_root,
    resolve_device,
    seed_everything,
    slug,
)
from paperlib.data.toy import ToySampler

# not re-run on PyTorch's portable kernels by .ci/run: floats compared only by exact equality of the
# same operations in the same order, never with a tolerance or a threshold (pyproject.toml's marker)
pytestmark = pytest.mark.kernel_independent


# ---------------------------------------------------------------- check_choice
def test_check_choice_returns_allowed_value() -> None:
    """An allowed value comes back unchanged."""
    assert check_choice("dataset", "8gaussians", ["8gaussians", "swissroll"]) == "8gaussians"


def test_check_choice_message_names_parameter_and_choices() -> None:
    """A refused choice names the parameter, the bad value and every allowed value."""
    with pytest.raises(ParameterError) as info:
        check_choice("dataset", "cifar11", ("cifar10", "mnist"))
    msg = str(info.value)
    assert "dataset" in msg and "'cifar11'" in msg
    assert "'cifar10'" in msg and "'mnist'" in msg


def test_parameter_error_is_a_value_error() -> None:
    """Callers catching ValueError also catch ParameterError."""
    assert issubclass(ParameterError, ValueError)


def test_toy_sampler_refuses_unknown_dataset_with_choices() -> None:
    """The dataset parameter of the toy sampler is validated with the list of datasets."""
    with pytest.raises(ParameterError) as info:
        ToySampler("cifar11")
    msg = str(info.value)
    assert "dataset='cifar11'" in msg
    for name in paperlib.TOY_DATASETS:
        assert repr(name) in msg


# ---------------------------------------------------------------- check_int
@pytest.mark.parametrize("value", [0, 7, np.int64(3)])
def test_check_int_accepts_integers(value: int) -> None:
    """Python and NumPy integers >= minimum pass and come back as int."""
    out = check_int("steps", value)
    assert out == value and type(out) is int


@pytest.mark.parametrize("value", [-5, 2.0, "10", True, None])
def test_check_int_refuses_non_integers_and_negatives(value: object) -> None:
    """Negatives, floats, strings, booleans and None raise, naming the parameter and the bound."""
    with pytest.raises(ParameterError) as info:
        check_int("steps", value)
    msg = str(info.value)
    assert f"steps={value!r}" in msg
    assert ">= 0" in msg


def test_check_int_respects_minimum() -> None:
    """The lower bound is inclusive and appears in the message."""
    assert check_int("batch_size", 1, 1) == 1
    with pytest.raises(ParameterError, match=r"batch_size=0 .*>= 1"):
        check_int("batch_size", 0, 1)


# ---------------------------------------------------------------- check_float
def test_check_float_accepts_numbers() -> None:
    """Ints and floats above the bound come back as float."""
    assert check_float("lr", 1) == 1.0 and type(check_float("lr", 1)) is float
    assert check_float("lr", np.float32(0.5)) == 0.5
    assert check_float("lr", 0.0) == 0.0  # inclusive bound by default


@pytest.mark.parametrize("value", ["0.1", True, None, [1.0]])
def test_check_float_refuses_non_numbers(value: object) -> None:
    """Strings, booleans and containers raise, naming the parameter."""
    with pytest.raises(ParameterError, match="lr="):
        check_float("lr", value)


def test_check_float_bounds() -> None:
    """Values below the bound raise; an exclusive bound refuses the bound itself; NaN is refused."""
    with pytest.raises(ParameterError, match=r"lr=-0\.1 must be a number >= 0"):
        check_float("lr", -0.1)
    with pytest.raises(ParameterError, match=r"lr=0\.0 must be a number > 0"):
        check_float("lr", 0.0, 0.0, inclusive=False)
    with pytest.raises(ParameterError):
        check_float("lr", float("nan"))


# ---------------------------------------------------------------- check_bool
def test_check_bool_accepts_real_booleans() -> None:
    """True and False pass unchanged."""
    assert check_bool("resume", True) is True
    assert check_bool("resume", False) is False


@pytest.mark.parametrize("value", ["false", "False", "true", 0, 1, None])
def test_check_bool_refuses_strings_and_ints(value: object) -> None:
    """The string "false" (papermill's -p resume false) is refused, naming the parameter and the fix."""
    with pytest.raises(ParameterError) as info:
        check_bool("resume", value)
    msg = str(info.value)
    assert f"resume={value!r}" in msg
    assert "True or False" in msg


# ---------------------------------------------------------------- devices
def test_resolve_device_auto() -> None:
    """The device "auto" is CUDA when present, else CPU (CPU on the CI runner)."""
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto").type == expected


def test_resolve_device_cpu() -> None:
    """The device "cpu" is always available."""
    assert resolve_device("cpu") == torch.device("cpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
@pytest.mark.parametrize("device", ["cuda", "cuda:0"])
def test_resolve_device_cuda_missing_is_an_error(device: str) -> None:
    """Asking for CUDA without it raises (no silent CPU fall-back) and says CUDA is missing."""
    with pytest.raises(ParameterError, match="CUDA"):
        resolve_device(device)


@pytest.mark.parametrize("device", ["gpu", "CPU", "tpu"])
def test_resolve_device_unknown_names(device: str) -> None:
    """Unknown device names raise with the list of accepted ones."""
    with pytest.raises(ParameterError, match="'auto', 'cpu', 'cuda', 'mps'"):
        resolve_device(device)


@pytest.mark.skipif(torch.backends.mps.is_available(), reason="this machine has MPS")
def test_resolve_device_mps_missing_is_an_error() -> None:
    """Asking for MPS without it raises."""
    with pytest.raises(ParameterError, match="MPS"):
        resolve_device("mps")


@pytest.mark.skipif(torch.backends.mps.is_available(), reason="this machine has MPS")
def test_resolve_device_indexed_mps_missing_is_an_error() -> None:
    """An indexed accelerator name is refused like the plain one when the accelerator is missing."""
    with pytest.raises(ParameterError, match="MPS"):
        resolve_device("mps:0")


# ---------------------------------------------------------------- seeding
def test_seed_everything_seeds_python_numpy_and_torch() -> None:
    """Re-seeding replays the streams of all three generators."""

    def draw() -> tuple[float, float, torch.Tensor]:
        return random.random(), np.random.rand(), torch.rand(3)

    seed_everything(123)
    first = draw()
    seed_everything(123)
    second = draw()
    assert first[0] == second[0] and first[1] == second[1]
    assert torch.equal(first[2], second[2])
    seed_everything(124)
    assert draw()[0] != first[0]


def test_seed_everything_validates_seed() -> None:
    """A negative or non-integer seed is a parameter error."""
    with pytest.raises(ParameterError, match="seed"):
        seed_everything(-1)
    with pytest.raises(ParameterError, match="seed"):
        seed_everything("0")  # type: ignore[arg-type]


# ---------------------------------------------------------------- run folders
def test_project_root_is_the_checkout() -> None:
    """Installed from a checkout, the project root is the folder holding pyproject.toml and paperlib/."""
    root = project_root()
    assert (root / "pyproject.toml").is_file()
    assert (root / "paperlib" / "config.py").resolve() == Path(config.__file__).resolve()


def test_out_root_absolute_names_the_folder_without_creating_it(tmp_path: Path) -> None:
    """An absolute out_dir is the folder of the run folders; naming it does not create it."""
    assert out_root(tmp_path / "runs") == tmp_path / "runs"
    assert not (tmp_path / "runs").exists()


def test_out_root_relative_resolves_against_project_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relative out_dir is taken relative to project_root(), not to the working directory."""
    root, elsewhere = tmp_path / "root", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    monkeypatch.setattr(config, "project_root", lambda: root)
    monkeypatch.chdir(elsewhere)
    assert out_root("runs") == root / "runs"
    assert out_root("/abs/runs") == Path("/abs/runs")


@pytest.mark.parametrize(
    "name, expected",
    [
        ("WGAN-GP (Adam)", "wgan-gp-adam"),
        ("WGAN-GP, lambda = 10, one-sided", "wgan-gp-lambda-10-one-sided"),
        ("  DCGAN  ", "dcgan"),
        ("µg,anc", "mug-anc"),  # the µ-WGAN measures keep their µ as "mu"
        ("language-billion_word-seed0", "language-billion-word-seed0"),
    ],
)
def test_slug(name: str, expected: str) -> None:
    assert slug(name) == expected
