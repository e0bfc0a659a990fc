"""The seed record (paperlib.chapter.seeds): printouts of executed notebooks, by section and seed."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from paperlib import ParameterError
from paperlib.chapter.seeds import (
    execute_seed,
    failed_asserts,
    main,
    record_seeds,
    section_printouts,
    seed_printouts,
)

# not re-run on PyTorch's portable kernels by .ci/run: floats compared only by exact equality of the
# same operations in the same order, never with a tolerance or a threshold (pyproject.toml's marker)
pytestmark = pytest.mark.kernel_independent


def _executed(
    path: Path,
    seed: int | None,
    *,
    chapter: str = "wgan_gp",
    failed: bool = False,
    check: bool = False,
    errors: tuple[str, ...] = (),
) -> Path:
    """A notebook as papermill leaves it: two sections, printed lines, a warning on stderr, a figure,
    a displayed table and a cell's value; last, the section showing an earlier seed record."""

    def code(*outputs: dict) -> dict:
        return {"cell_type": "code", "source": ["x = 1"], "outputs": list(outputs), "metadata": {}}

    def out(name: str, text: str) -> dict:
        return {"output_type": "stream", "name": name, "text": [text]}

    cells = [
        code(out("stdout", "device: cpu\n")),
        {"cell_type": "markdown", "source": ["## 4. First\n", "text\n", "### sub\n"], "metadata": {}},
        code(out("stdout", f"W1 {seed}.5\nratio 2\n"), out("stderr", "a warning\n")),
        code({"output_type": "display_data", "data": {"text/plain": ["<Figure>"], "image/png": "iVBO"}}),
        code({"output_type": "display_data", "data": {"text/markdown": ["| a |\n|---|"], "text/plain": "x"}}),
        code({"output_type": "execute_result", "data": {"text/plain": ["0.25"]}, "execution_count": 3}),
        {"cell_type": "markdown", "source": ["## 5. Second"], "metadata": {}},
        code(
            out("stdout", "la"), out("stderr", "w\n"), out("stdout", "st\n")
        ),  # one line, as a loaded kernel sent it
        *(
            code({"output_type": "error", "ename": "AssertionError", "evalue": e, "traceback": []})
            for e in errors
        ),
        {"cell_type": "markdown", "source": ["(label)=\n", "## Seed record\n"], "metadata": {}},
        code(out("stdout", "an earlier record\n")),
    ]
    parameters = {} if seed is None else {"seed": seed, "check": check}
    papermill = {"parameters": parameters, "input_path": f"nbs/{chapter}.ipynb", "duration": 12.5}
    papermill["exception"] = failed
    path.write_text(json.dumps({"cells": cells, "metadata": {"papermill": papermill}}))
    return path


def test_printouts_are_grouped_by_level_two_heading(tmp_path: Path) -> None:
    """The seed-record section's own printout is left out (recording it would nest records)."""
    assert section_printouts(_executed(tmp_path / "a.ipynb", 3)) == {
        "": ["device: cpu"],
        "4. First": ["W1 3.5", "ratio 2", "| a |", "|---|", "0.25"],
        "5. Second": ["last"],
    }


def test_record_holds_every_seed_and_prints_them_by_section(tmp_path: Path) -> None:
    notebooks = [_executed(tmp_path / f"s{k}.ipynb", k) for k in (1, 0)]
    path = record_seeds("wgan_gp", notebooks, root=tmp_path)
    assert path == tmp_path / "wgan_gp" / "cpu-seeds.json"
    record = json.loads(path.read_text())
    assert list(record["seeds"]) == ["0", "1"] and record["seeds"]["1"]["duration_s"] == 12.5
    assert record["seeds"]["0"]["parameters"] == {"seed": 0, "check": False}
    assert {"commit", "uncommitted_changes", "date", "device"} <= set(record)
    text = seed_printouts("wgan_gp", root=tmp_path).splitlines()
    assert text[0].startswith("make seeds CHAPTER=wgan_gp at commit")
    first = text.index("== 4. First ==")
    assert text[first + 1 : first + 3] == ["[seed 0] W1 0.5", "[seed 0] ratio 2"]
    assert text[first + 6 : first + 8] == ["[seed 1] W1 1.5", "[seed 1] ratio 2"]
    assert text.index("== set-up ==") < first < text.index("== 5. Second ==")
    assert "== 5. Second ==" not in seed_printouts("wgan_gp", skip=("5. Second",), root=tmp_path)


def test_seed_printouts_without_a_record_say_how_to_make_one(tmp_path: Path) -> None:
    assert seed_printouts("fogan", root=tmp_path) == "no seed record yet (make seeds CHAPTER=fogan)"


@pytest.mark.parametrize(
    ("make", "phrase"),
    [
        (lambda d: [_executed(d / "a.ipynb", None)], "not a papermill execution with -p seed"),
        (lambda d: [_executed(d / "a.ipynb", 0, failed=True)], "ran to the end"),
        (lambda d: [_executed(d / "a.ipynb", 0), _executed(d / "b.ipynb", 0)], "seed 0 is recorded twice"),
        (lambda d: [_executed(d / "a.ipynb", 0, chapter="fogan")], "not of 'wgan_gp'"),
    ],
    ids=["no-seed", "failed", "twice", "other-chapter"],
)
def test_what_is_not_a_seed_execution_is_refused(tmp_path: Path, make, phrase: str) -> None:  # noqa: ANN001
    with pytest.raises(ParameterError, match=phrase):
        record_seeds("wgan_gp", make(tmp_path), root=tmp_path)
    assert not (tmp_path / "wgan_gp").exists()


def test_asserts_on_are_recorded_with_each_failure_and_shown_first(tmp_path: Path) -> None:
    """Seeds executed with asserts on keep their failed asserts (none: every assert held); an
    execution with asserts off that raised is refused (its printouts would stop at the error)."""
    notebooks = [
        _executed(tmp_path / "a.ipynb", 0),
        _executed(tmp_path / "b.ipynb", 4, check=True),
        _executed(tmp_path / "c.ipynb", 5, check=True, errors=("ratio 0.73", "cosine 0.19")),
    ]
    record = json.loads(record_seeds("wgan_gp", notebooks, root=tmp_path).read_text())
    assert [run["failed_asserts"] for run in record["seeds"].values()] == [
        None,
        [],
        ["5. Second: AssertionError: ratio 0.73", "5. Second: AssertionError: cosine 0.19"],
    ]
    assert seed_printouts("wgan_gp", root=tmp_path).splitlines()[1:5] == [
        "[seed 4] asserts on: every assert held",
        "[seed 5] asserts on: FAILED 5. Second: AssertionError: ratio 0.73",
        "[seed 5] asserts on: FAILED 5. Second: AssertionError: cosine 0.19",
        "",
    ]
    with pytest.raises(ParameterError, match="asserts off failed: 5. Second: AssertionError: x"):
        record_seeds("wgan_gp", [_executed(tmp_path / "d.ipynb", 1, errors=("x",))], root=tmp_path)


def _chapter(folder: Path) -> Path:
    """A two-section notebook whose two asserts fail at odd seeds, when ``check`` is on."""
    cells = [
        nbformat.v4.new_code_cell("seed = 0\ncheck = True", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_markdown_cell("## 1. One"),
        nbformat.v4.new_code_cell(
            "print('ratio', seed)\nassert not check or seed % 2 == 0, f'odd seed {seed}'"
        ),
        nbformat.v4.new_markdown_cell("## 2. Two"),
        nbformat.v4.new_code_cell("assert not check or seed % 2 == 0, 'again'\nprint('after')"),
        nbformat.v4.new_code_cell("print('last', seed)"),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "nbs" / "toy_chapter.ipynb"
    path.parent.mkdir()
    nbformat.write(notebook, path)
    return path


def test_execution_with_asserts_on_runs_every_cell_and_reports_every_failure(tmp_path: Path) -> None:
    """A real papermill execution (a kernel, a few seconds): with asserts on, both failing asserts are
    reported with their section and line, and the cell after them still ran; with asserts off an
    error stops the execution and is raised."""
    notebook = _chapter(tmp_path)
    executed = execute_seed(notebook, tmp_path / "s3.ipynb", seed=3, check=True)
    assert failed_asserts(executed) == [
        "1. One: AssertionError: odd seed 3 at 2 assert not check or seed % 2 == 0, f'odd seed {seed}'",
        "2. Two: AssertionError: again at 1 assert not check or seed % 2 == 0, 'again'",
    ]
    assert section_printouts(executed)["2. Two"] == ["last 3"]
    assert failed_asserts(execute_seed(notebook, tmp_path / "s2.ipynb", seed=2, check=True)) == []
    assert failed_asserts(execute_seed(notebook, tmp_path / "s1.ipynb", seed=1, check=False)) == []


def test_make_seeds_records_both_kinds_and_fails_on_a_failed_assert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``python -m paperlib.chapter.seeds``: the record holds the record and the check seeds, each failure is
    printed with its seed, and the exit status says that one failed."""
    notebook = _chapter(tmp_path)
    monkeypatch.setenv("PAPERLIB_RESULTS", str(tmp_path / "results"))
    args = ["toy_chapter", "--seeds", "0", "--check-seeds", "2", "3", "--nbs", str(notebook.parent)]
    assert main([*args, "--out", str(tmp_path / "runs")]) == 1
    printed = capsys.readouterr().out
    assert "[seed 2] asserts on: every assert held" in printed
    assert "[seed 3] asserts on: FAILED 1. One: AssertionError: odd seed 3" in printed
    record = json.loads((tmp_path / "results" / "toy_chapter" / "cpu-seeds.json").read_text())
    assert list(record["seeds"]) == ["0", "2", "3"] and record["seeds"]["0"]["failed_asserts"] is None
    assert record["command"] == "make seeds CHAPTER=toy_chapter SEEDS='0' CHECK_SEEDS='2 3'"
    with pytest.raises(SystemExit):
        main(["toy_chapter", "--seeds", "1", "--check-seeds", "1"])
