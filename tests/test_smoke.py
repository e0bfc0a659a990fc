"""Every chapter executed end to end at its CPU scale in a few iterations (the smoke scale): every
cell of every experiment group runs, on the data the CPU scale uses (scikit-learn's digits, the
sentences of the Python documentation), with the asserts off, in seconds rather than minutes.

The claims themselves are checked by the one CPU-scale execution of each chapter, ``make book``
(``raise_on_error``); this test proves in ``make test`` that no cell fails, including those of
groups the default selection leaves out (SGP's CIFAR-10 group), which the book never executes.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import nbformat
import papermill
import pytest

# not re-run on PyTorch's portable kernels by .ci/run: the chapters' asserts are off, so no float is
# compared (pyproject.toml's marker); SMOKE_SECONDS bounds the time on the default kernels
pytestmark = pytest.mark.kernel_independent

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted(path.stem for path in (ROOT / "nbs").glob("*.ipynb"))

SMOKE: dict[str, dict[str, Any]] = {
    # each chapter's iteration counts, seeds and sample sizes cut to the smallest that still give
    # every cell what it reads (two evaluations of each run, two seeds where a spread is printed)
    "fogan": dict(
        steps=4, text_seeds=2, text_eval_every=2, text_eval_samples=20,
        alignment_steps=3, alignment_seeds=2, toy_seeds=2, toy_steps=4, toy_eval_samples=20,
        digits_steps=4, image_eval_every=2, image_eval_samples=10,
    ),
    "sgp_wgan": dict(
        seeds=2, steps_8gaussians=4, steps_25gaussians=4, steps_swissroll=4, toy_eval_samples=20,
        mnist_steps=4, mnist_eval_every=2, mnist_eval_samples=10,
        cifar_steps=4, resnet_steps=2, cifar_eval_every=2, cifar_eval_samples=10,
    ),
    "wgan_gp": dict(
        steps=4, seeds=1, critic_steps=100, deep_steps=2,
        image_steps=4, image_eval_every=2, image_eval_samples=10,
        arch_count=2, arch_steps=4, arch_eval_every=2, arch_eval_samples=10,
        resnet_steps=4, resnet_eval_every=2, resnet_eval_samples=10,
        text_steps=4, text_eval_every=2, text_eval_samples=20,
        overfit_steps=4, overfit_eval_every=2, overfit_eval_samples=10,
    ),
}  # fmt: skip
SMOKE_SECONDS = 150
"""The most one chapter's smoke execution may take: a smoke run of minutes has lost its point. The
exact computations of a chapter's theory do not shrink with the iteration counts (SGP's dynamics
take most of its smoke run). Measured on a quiet 2-core machine: FOGAN 29 s, WGAN-GP 43 s, SGP 58 s."""


def test_every_chapter_has_a_smoke_scale() -> None:
    assert sorted(SMOKE) == CHAPTERS


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_cell_runs_at_the_smoke_scale(
    chapter: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # record is "no" at CPU scale; were a result written, it would land here, not in results/
    monkeypatch.setenv("PAPERLIB_RESULTS", str(tmp_path / "results"))
    out = tmp_path / f"{chapter}.ipynb"
    started = time.perf_counter()
    papermill.execute_notebook(
        str(ROOT / "nbs" / f"{chapter}.ipynb"),
        str(out),
        parameters=SMOKE[chapter] | {"experiments": "all", "check": False, "out_dir": str(tmp_path / "runs")},
        progress_bar=False,
        kernel_name="python3",
        cwd=str(ROOT / "nbs"),
    )
    seconds = time.perf_counter() - started
    nb = nbformat.read(out, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(cell.execution_count is not None for cell in code)  # every cell ran
    printed = "".join(o.get("text", "") for cell in code for o in cell.outputs if o.output_type == "stream")
    assert "skipped: experiment group" not in printed  # every group ran
    assert re.search(r"chapter executed in \d+ s", printed)  # the closing table was reached
    assert seconds < SMOKE_SECONDS, f"{chapter}: {seconds:.0f} s at the smoke scale"
