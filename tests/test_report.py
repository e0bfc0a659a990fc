"""Reproduction tables: recorded results are read, missing ones say so, cells are escaped."""

from __future__ import annotations

import json
from pathlib import Path

from paperlib.report import NOT_RUN, full_scale, load_result, markdown_table


def test_missing_result_reads_not_yet_run(tmp_path: Path) -> None:
    assert load_result("wgan_gp", "toy", root=tmp_path) is None
    assert full_scale("wgan_gp", "toy", "w1", root=tmp_path) == NOT_RUN


def test_recorded_result_is_shown_with_device_and_hours(tmp_path: Path) -> None:
    folder = tmp_path / "results" / "wgan_gp"
    folder.mkdir(parents=True)
    record = {"metrics": {"w1": 0.01234}, "device": "NVIDIA H100", "wall_time_s": 5400, "command": "x"}
    (folder / "toy.json").write_text(json.dumps(record))
    assert load_result("wgan_gp", "toy", root=tmp_path) == record
    assert full_scale("wgan_gp", "toy", "w1", root=tmp_path) == "0.012 (NVIDIA H100, 1.5 h)"


def test_markdown_table_shape_and_escaping() -> None:
    table = markdown_table(["a", "b"], [[1, "x|y"], [2.5, "z\nw"]])
    lines = table.splitlines()
    assert lines[0] == "| a | b |"
    assert lines[1] == "|---|---|"
    assert lines[2] == "| 1 | x\\|y |"
    assert lines[3] == "| 2.5 | z w |"
