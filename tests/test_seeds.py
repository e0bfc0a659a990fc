"""The seed record (paperlib.seeds): printouts of executed notebooks, by section and seed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperlib import ParameterError
from paperlib.seeds import record_seeds, section_printouts, seed_printouts


def _executed(path: Path, seed: int | None, *, chapter: str = "wgan_gp", failed: bool = False) -> Path:
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
        code(out("stdout", "last\n")),
        {"cell_type": "markdown", "source": ["(label)=\n", "## Seed record\n"], "metadata": {}},
        code(out("stdout", "an earlier record\n")),
    ]
    parameters = {} if seed is None else {"seed": seed, "check": False}
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
