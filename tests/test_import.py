"""``import paperlib`` is quick: names load on first use, and the toy path never loads the image stack."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import paperlib

# not re-run on PyTorch's portable kernels by .ci/run: floats compared only by exact equality of the
# same operations in the same order, never with a tolerance or a threshold (pyproject.toml's marker)
pytestmark = pytest.mark.kernel_independent

HEAVY = ("torch_fidelity", "torchvision.datasets")


def _loaded_after(code: str) -> set[str]:
    """The heavy modules a fresh interpreter has imported after running ``code``."""
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, check=True
    )
    return set(done.stdout.splitlines()[-1].split())  # the probe's line, after whatever ``code`` printed


def test_import_paperlib_loads_no_image_stack() -> None:
    assert _loaded_after("import paperlib") == set()


def test_the_toy_path_loads_no_image_stack_and_the_image_path_does() -> None:
    """A toy run (a worker of the toy sections) never imports torchvision's data sets or torch-fidelity;
    an image run does: the control, which shows the probe sees them."""
    toy = "import paperlib as pl\npl.run_toy(1, dataset='8gaussians', seed=0, width=8, batch_size=8)"
    assert _loaded_after(toy) == set()
    image = "import paperlib as pl\npl.image_trainer('digits', seed=0, dim=4, noise_dim=8, batch_size=8)"
    assert _loaded_after(image) == set(HEAVY)


def test_a_toy_launch_of_a_chapter_checks_its_needs_without_the_image_stack(tmp_path: Path) -> None:
    """``-p experiments toy``: the cell that starts the chapter checks what the chosen groups need
    without importing the image stack (7 s on a CPU); the control: checking an image data set does."""
    notebook = Path(__file__).resolve().parent.parent / "nbs" / "wgan_gp.ipynb"
    parameters, start = [
        c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"
    ][:2]
    folders = f"out_dir = {str(tmp_path)!r}\ndata_root = {str(tmp_path)!r}"  # no data set is found there
    launch = f"{parameters}\nexperiments = 'toy'\n{folders}\n{start}"
    assert _loaded_after(launch) == set()
    control = "try:\n    chapter.need_data(['lsun_bedroom'])\nexcept pl.DatasetMissingError:\n    pass"
    assert _loaded_after(f"{launch}\n{control}") == set(HEAVY)


def test_every_public_name_resolves_and_unknown_names_fail() -> None:
    for name in paperlib.__all__:
        assert getattr(paperlib, name) is not None
    assert set(paperlib.__all__) <= set(dir(paperlib))
    with pytest.raises(AttributeError, match="no attribute 'image_trainr'"):
        paperlib.image_trainr  # noqa: B018
