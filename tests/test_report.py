"""Reproduction tables and result files: written from a run, read back, missing ones say so."""

from __future__ import annotations

import json
import math
import shlex
from pathlib import Path

import numpy as np
import pytest
import torch
from papermill.cli import _resolve_type

from paperlib.chapter.report import (
    NOT_RUN,
    RESULTS_ENV,
    full_scale,
    load_result,
    markdown_table,
    papermill_command,
    record_result,
    results_root,
    will_record,
)
from paperlib.config import ParameterError

# not re-run on PyTorch's portable kernels by .ci/run: floats compared only by exact equality of the
# same operations in the same order, never with a tolerance or a threshold (pyproject.toml's marker)
pytestmark = pytest.mark.kernel_independent

ROOT = Path(__file__).resolve().parent.parent


def test_missing_result_reads_not_yet_run(tmp_path: Path) -> None:
    assert load_result("wgan_gp", "toy", root=tmp_path) is None
    assert full_scale("wgan_gp", "toy", "w1", root=tmp_path) == NOT_RUN


def test_recorded_result_is_shown_with_device_and_hours(tmp_path: Path) -> None:
    folder = tmp_path / "wgan_gp"
    folder.mkdir(parents=True)
    record = {"metrics": {"w1": 0.01234, "fid": 30.5}, "device": "NVIDIA H100", "wall_time_s": 5400}
    (folder / "toy.json").write_text(json.dumps(record))
    assert load_result("wgan_gp", "toy", root=tmp_path) == record
    assert full_scale("wgan_gp", "toy", "w1", root=tmp_path) == "0.012 (NVIDIA H100, 1.5 h)"
    both = full_scale("wgan_gp", "toy", ["w1", "fid"], "{:.1f}", root=tmp_path)
    assert both == "w1 0.0, fid 30.5 (NVIDIA H100, 1.5 h)"


def test_results_root_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(RESULTS_ENV, raising=False)
    assert results_root() == ROOT / "results"
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path))
    assert results_root() == tmp_path


def test_papermill_command_parses_back_to_the_parameters() -> None:
    parameters = {
        "steps": 3,
        "lam": 0.1,
        "resume": True,
        "dataset": "cifar10",
        "out_dir": "my runs",
        "root": "",
    }
    command = papermill_command("wgan_gp", parameters)
    words = shlex.split(command)
    assert words[:3] == ["papermill", "nbs/wgan_gp.ipynb", "runs/wgan_gp.ipynb"]
    options = words[3:]
    assert options[::3] == ["-p"] * len(parameters)
    parsed = {name: _resolve_type(value) for name, value in zip(options[1::3], options[2::3], strict=True)}
    assert parsed == parameters and [type(v) for v in parsed.values()] == [
        type(v) for v in parameters.values()
    ]


def test_record_result_writes_what_the_table_reads(tmp_path: Path) -> None:
    parameters = {"steps": 2, "dataset": "cifar10"}
    path = record_result(
        "wgan_gp",
        "dcgan-cifar10",
        {"inception_score": 6.5, "fid": np.float32(31.25), "steps": np.int64(3)},
        parameters=parameters,
        device=torch.device("cpu"),
        wall_time_s=7200.0,
        root=tmp_path,
    )
    assert path == tmp_path / "wgan_gp" / "dcgan-cifar10.json"
    result = json.loads(path.read_text())
    assert result["metrics"] == {"inception_score": 6.5, "fid": 31.25, "steps": 3.0}
    assert result["parameters"] == parameters
    assert result["command"] == papermill_command("wgan_gp", parameters)
    assert len(result["commit"]) == 40 and int(result["commit"], 16) >= 0  # this repository's HEAD
    assert isinstance(result["uncommitted_changes"], bool)
    assert result["device"].startswith("cpu (") and result["wall_time_s"] == 7200.0
    assert full_scale("wgan_gp", "dcgan-cifar10", "fid", "{:.1f}", root=tmp_path).startswith("31.2 (cpu (")
    assert not list(path.parent.glob("*.tmp"))


def test_a_result_off_the_papers_settings_says_so(tmp_path: Path) -> None:
    """A run recorded with settings other than the paper's is named as such in the table cell."""
    off = {f"p{i}": (i, 10 * i) for i in range(5)}
    for name, deviations in (("off", off), ("few", dict(list(off.items())[:1]))):
        record_result(
            "wgan_gp",
            name,
            {"fid": 31.25},
            parameters={},
            device=torch.device("cpu"),
            wall_time_s=0.0,
            off_paper=deviations,
            root=tmp_path,
        )
    shown = full_scale("wgan_gp", "off", "fid", "{:.1f}", root=tmp_path)
    assert shown.startswith("31.2; not at the paper's settings: p0 0 (paper: 0), p1 1 (paper: 10), p2 2")
    assert " and 2 more (cpu (" in shown
    assert "p1" not in full_scale("wgan_gp", "few", "fid", root=tmp_path)


@pytest.mark.parametrize(
    "metrics, wall, phrase", [({"fid": math.nan}, 1.0, "fid=nan"), ({"x": 1.0}, -1, "wall")]
)
def test_record_result_refuses_what_is_not_a_result(
    metrics: dict, wall: float, phrase: str, tmp_path: Path
) -> None:
    with pytest.raises(ParameterError, match=phrase):
        record_result(
            "wgan_gp",
            "e",
            metrics,
            parameters={},
            device=torch.device("cpu"),
            wall_time_s=wall,
            root=tmp_path,
        )
    assert not (tmp_path / "wgan_gp" / "e.json").exists()


def test_markdown_table_shape_and_escaping() -> None:
    table = markdown_table(["a", "b"], [[1, "x|y"], [2.5, "z\nw"]])
    lines = table.splitlines()
    assert lines[0] == "| a | b |"
    assert lines[1] == "|---|---|"
    assert lines[2] == "| 1 | x\\|y |"
    assert lines[3] == "| 2.5 | z w |"


def test_results_are_recorded_at_the_papers_settings_or_when_asked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """record="auto" records only an execution at the paper's settings and says why it declines; "yes"
    records any, "no" none; another value is refused."""
    off = {"steps": (2, 100_000), "width": (4, 512)}
    assert will_record("auto", {}) and capsys.readouterr().out == ""
    assert not will_record("auto", off)
    assert (
        "results not recorded (record='auto'): steps, width not at the paper's values"
        in capsys.readouterr().out
    )
    assert will_record("yes", off) and not will_record("no", {})
    with pytest.raises(ParameterError, match="record='always'"):
        will_record("always", {})
