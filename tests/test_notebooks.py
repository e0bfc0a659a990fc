"""The notebooks as documents: listed in the book, paired with their sources, parameters documented.

Executing them is nbval's job (``make test``); here only cheap properties, plus the parameter
validation, which papermill reaches within the first two cells.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import papermill
import pytest
import torch
import yaml
from jupytext.compare import compare_notebooks

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "nbs").glob("*.ipynb"))
SOURCES = sorted((ROOT / "nbs").glob("*.py"))


def _toc_files(entries: list[dict]) -> set[str]:
    files = set()
    for entry in entries:
        if "file" in entry:
            files.add(entry["file"])
        files |= _toc_files(entry.get("chapters", []) + entry.get("sections", []))
        for part in entry.get("parts", []):
            files |= _toc_files(part.get("chapters", []))
    return files


def test_there_are_notebooks_and_each_source_has_its_pair() -> None:
    assert NOTEBOOKS, "no notebooks found in nbs/"
    assert [p.stem for p in SOURCES] == [p.stem for p in NOTEBOOKS]


def test_every_notebook_is_in_the_table_of_contents() -> None:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    listed = _toc_files([toc] + toc.get("parts", []))
    missing = [f"nbs/{p.stem}" for p in NOTEBOOKS if f"nbs/{p.stem}" not in listed]
    assert not missing, f"notebooks missing from _toc.yml: {missing}"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_pair_is_in_sync(source: Path) -> None:
    """The .ipynb holds exactly the cells (sources, types, tags) of its jupytext percent source."""
    from_py = jupytext.read(source)
    from_ipynb = jupytext.read(source.with_suffix(".ipynb"))
    compare_notebooks(from_ipynb, from_py, fmt="py:percent")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs_and_with_the_standard_kernel(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_holds_documented_parameters(path: Path) -> None:
    """The parameters cell comes first, and every parameter has a type and a help text for papermill."""
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in first.metadata.get("tags", [])
    params = papermill.inspect_notebook(str(path))
    for name in ("steps", "seed", "device", "dataset", "out_dir", "resume"):
        assert name in params, f"{path.name} has no parameter {name}"
    for name, info in params.items():
        assert info["inferred_type_name"] != "None" and info["help"], f"{name} is not annotated"


BAD_PARAMETERS = [
    ({"steps": -5}, ["steps=-5", ">= 1"]),
    ({"dataset": "cifar11"}, ["dataset='cifar11'", "'8gaussians'", "'all'"]),
    ({"resume": "false"}, ["resume='false'", "True or False"]),
]
if not torch.cuda.is_available():
    BAD_PARAMETERS.append(({"device": "cuda"}, ["device='cuda'", "no CUDA"]))


@pytest.mark.parametrize("parameters, phrases", BAD_PARAMETERS, ids=lambda v: str(v))
def test_bad_parameter_fails_fast_with_a_clear_message(
    parameters: dict, phrases: list[str], tmp_path: Path
) -> None:
    """papermill with a bad value stops at the validation cell, naming the parameter and what it may be."""
    path = ROOT / "nbs" / "wgan_gp.ipynb"
    with pytest.raises(papermill.PapermillExecutionError) as error:
        papermill.execute_notebook(
            str(path),
            str(tmp_path / "out.ipynb"),
            parameters=parameters,
            progress_bar=False,
            kernel_name="python3",
        )
    assert error.value.ename == "ParameterError"
    for phrase in phrases:
        assert phrase in error.value.evalue
