"""The chapter runtime (paperlib.chapter.runtime.Chapter) on a namespace built as a parameters cell
builds it, with papermill's injected values added after the declaration, as in a notebook."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import paperlib as pl
from paperlib.chapter.runtime import RUN_SETTINGS, Chapter, settings_folder

# not re-run on PyTorch's portable kernels by .ci/run: floats compared only by exact equality of the
# same operations in the same order, never with a tolerance or a threshold (pyproject.toml's marker)
pytestmark = pytest.mark.kernel_independent

GROUPS = ("theory", "toy")


def cell(tmp_path: Path, leave_out: str = "") -> dict[str, Any]:
    """The namespace of a parameters cell declaring the run settings and one experiment setting."""
    namespace: dict[str, Any] = {"pl": pl, "scale": "cpu", "experiments": "all"}
    namespace |= dict(
        seed=pl.scaled(0, 0, pl.at_least(0), "ours"),
        device=pl.scaled("cpu", "cpu", None, "ours"),
        workers=pl.scaled(1, 1, pl.at_least(1), "ours"),
        out_dir=pl.scaled(str(tmp_path / "runs"), str(tmp_path / "runs"), None, "ours"),
        data_root=pl.scaled("", "", None, "ours"),
        data_workers=pl.scaled(0, 0, pl.at_least(0), "ours"),
        checkpoint_every=pl.scaled(0, 100, pl.at_least(0), "ours"),
        checkpoint_minutes=pl.scaled(0.0, 0.0, pl.at_least(0.0), "ours"),
        resume=pl.scaled(False, True, None, "ours"),
        check=pl.scaled(True, False, None, "ours"),
        record=pl.scaled("no", "auto", ("no", "auto", "yes"), "ours"),
        steps=pl.scaled(5, 500, pl.at_least(1), "section 1"),
    )
    namespace.pop(leave_out, None)
    namespace["PARAMETERS"] = pl.declared(namespace)
    return namespace


def test_parameters_are_resolved_into_the_namespace_and_checked(tmp_path: Path) -> None:
    namespace = cell(tmp_path) | {"scale": "paper", "steps": 7}  # papermill's -p scale paper -p steps 7
    chapter = Chapter("ch", namespace, GROUPS)
    assert namespace["steps"] == 7 and namespace["checkpoint_every"] == 100 and chapter.parameters["resume"]
    assert chapter.off_paper == {"steps": (7, 500)}  # the run settings are not deviations
    assert not chapter.recording  # record="auto" declines a shortened run
    assert chapter.seeds(3) == [0, 1, 2] and not chapter.at_cpu_scale("steps")
    with pytest.raises(pl.ParameterError, match="unknown parameter 'stpes'; did you mean steps"):
        Chapter("ch", cell(tmp_path) | {"stpes": 7}, GROUPS)
    with pytest.raises(pl.ParameterError, match="steps=0"):
        Chapter("ch", cell(tmp_path) | {"steps": 0}, GROUPS)
    with pytest.raises(pl.ParameterError, match="experiments"):
        Chapter("ch", cell(tmp_path) | {"experiments": "toys"}, GROUPS)


def test_a_second_launch_of_a_group_on_the_same_out_dir_is_refused_before_any_run(tmp_path: Path) -> None:
    """Another process holding the launch lock of the toy group (a first launch still running, with
    checkpoints on): creating the chapter, the notebook's validation cell, is refused naming out_dir
    and the group, for a launch of every group as for one of the toy group. Controls: a launch of the
    other group only, and one without checkpoints (its runs keep no folder), are not refused; the same
    process creates the chapter twice (a cell executed again in its kernel); once the other process
    is gone, a new launch takes the lock."""
    folder = tmp_path / "runs" / "ch"
    folder.mkdir(parents=True)
    hold = "\n".join(
        ["import sys, time, filelock", "lock = filelock.FileLock(sys.argv[1])", "lock.acquire()"]
        + ["print(1, flush=True)", "time.sleep(600)"]  # a first launch, its kernel alive
    )
    other = subprocess.Popen(
        [sys.executable, "-c", hold, str(folder / "launch-toy.lock")], stdout=subprocess.PIPE, text=True
    )
    paper = cell(tmp_path) | {"scale": "paper"}  # checkpoint_every 100
    try:
        assert other.stdout is not None and other.stdout.readline() == "1\n"  # it holds the lock
        for experiments in ("all", "toy"):
            with pytest.raises(
                pl.ParameterError,
                match=r"out_dir: .* is in use by another launch of this chapter's toy group",
            ):
                Chapter("ch", paper | {"experiments": experiments}, GROUPS)
        Chapter("ch", paper | {"experiments": "theory"}, GROUPS)
        Chapter("ch", cell(tmp_path), GROUPS)  # CPU scale: no checkpoints
    finally:
        other.kill()
        other.wait()
    first = Chapter("ch", paper, GROUPS)
    again = Chapter("ch", paper, GROUPS)
    assert [lock.lock_file for lock in first._launch_locks] == [
        str(folder / f"launch-{g}.lock") for g in GROUPS
    ]
    assert all(a is b and b.is_locked for a, b in zip(first._launch_locks, again._launch_locks, strict=True))


@pytest.mark.parametrize("setting", RUN_SETTINGS)
def test_a_chapter_must_declare_every_run_setting(tmp_path: Path, setting: str) -> None:
    with pytest.raises(pl.ParameterError, match=f"declares no parameter {setting}"):
        Chapter("ch", cell(tmp_path, leave_out=setting), GROUPS)


def test_runs_start_and_their_results_are_read_by_key(tmp_path: Path) -> None:
    chapter = Chapter("ch", cell(tmp_path), GROUPS)
    chapter.start({("a", 1): (pl.slug, {"name": "µ GP"}), ("b", 2): (pl.slug, {"name": "A B"})})
    assert chapter.result("b", 2) == "a-b" and chapter.result("a", 1) == "mu-gp"


def test_checkpoint_folders_are_slugged_and_an_unslugged_one_is_named(tmp_path: Path) -> None:
    chapter = Chapter("ch", cell(tmp_path) | {"scale": "paper"}, GROUPS)
    options = chapter.checkpoints("language-billion_word-seed0")
    assert options["run_dir"] == tmp_path / "runs" / "ch" / "language-billion-word-seed0"
    assert options["checkpoint_every"] == 100 and options["resume"]
    assert Chapter("ch", cell(tmp_path), GROUPS).checkpoints("x")["run_dir"] is None  # CPU scale: none
    (tmp_path / "runs" / "ch" / "language-billion_word-seed0").mkdir(parents=True)  # an earlier version's
    with pytest.raises(
        pl.ParameterError, match="to resume it, run: mv .*billion_word-seed0 .*billion-word-seed0"
    ):
        chapter.checkpoints("language-billion_word-seed0")


def test_run_folders_by_scale_and_settings_and_resume_off_refused_before_any_run(tmp_path: Path) -> None:
    """With a checkpoint interval at both scales (the chapters' 10 minutes): at CPU scale with every
    setting at its default (a seed aside) the runs keep no folder, and the launch takes no lock; with
    a setting changed, or an interval given, they keep one in ``cpu-<settings>``; at the paper's
    scale in ``<out_dir>/<chapter>``. With resume off, a job whose folder holds a checkpoint is
    refused by ``start`` before any job runs; controls: a folder without a checkpoint, resume on."""
    cpu = cell(tmp_path) | {"checkpoint_minutes": 10.0}
    declared = cpu | {
        "PARAMETERS": pl.declared(
            cpu | {"checkpoint_minutes": pl.scaled(10.0, 10.0, pl.at_least(0.0), "ours")}
        )
    }
    for default in (Chapter("ch", declared, GROUPS), Chapter("ch", declared | {"seed": 4}, GROUPS)):
        assert default.run_folders is None and default._launch_locks == []
        assert default.checkpoints("x") == dict(
            run_dir=None, checkpoint_every=0, checkpoint_minutes=0.0, resume=False
        )
    assert Chapter("ch", cpu, GROUPS).run_folders == tmp_path / "runs" / "ch" / "cpu"  # an interval given
    changed = Chapter("ch", declared | {"steps": 7}, GROUPS)
    folder = tmp_path / "runs" / "ch" / "cpu-steps-7"
    assert changed.run_folders == folder and (folder / "launch-toy.lock").exists()
    options = changed.checkpoints("x")
    assert options == dict(run_dir=folder / "x", checkpoint_every=0, checkpoint_minutes=10.0, resume=False)
    assert Chapter("ch", cell(tmp_path) | {"scale": "paper"}, GROUPS).checkpoints("x")["run_dir"] == (
        tmp_path / "runs" / "ch" / "x"
    )
    ran: list[str] = []
    (folder / "x").mkdir()
    changed.start({("empty",): (lambda **keywords: ran.append("empty"), options)})
    assert changed.result("empty") is None and ran == ["empty"]  # a folder without a checkpoint
    (folder / "x" / "checkpoint.pt.prev").write_bytes(b"")
    jobs = {(name,): (lambda name=name, **keywords: ran.append(name), options) for name in ("a", "b")}
    with pytest.raises(
        pl.ParameterError, match=r"resume: 2 run folder\(s\) hold a checkpoint already \(.*x, "
    ):
        changed.start(jobs)
    assert ran == ["empty"]  # refused before any job ran
    resumed = Chapter("ch", declared | {"steps": 7, "resume": True}, GROUPS)
    resumed.start({("held",): (lambda **keywords: keywords["resume"], resumed.checkpoints("x"))})
    assert resumed.result("held") is True


def test_settings_folders_name_the_changed_settings_and_hash_long_ones() -> None:
    assert settings_folder({"steps": (500_000, 200), "image_datasets": ("celeba,lsun", "digits")}) == (
        "cpu-steps-500000-image-datasets-celeba-lsun"
    )
    many = {f"setting_{k}": (k, 0) for k in range(20)}
    name = settings_folder(many)
    assert len(name) == 4 + 16 and name.startswith("cpu-") and name != settings_folder(many | {"x": (1, 0)})
    assert settings_folder({}) == "cpu"  # only an interval given


def test_results_are_recorded_only_when_the_execution_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PAPERLIB_RESULTS", str(tmp_path / "results"))
    Chapter("ch", cell(tmp_path), GROUPS).record({"toy": ({"w1": 0.5}, 2.0)})  # record="no"
    assert not (tmp_path / "results").exists()
    Chapter("ch", cell(tmp_path) | {"record": "yes"}, GROUPS).record({"toy": ({"w1": 0.5}, 2.0)})
    written = json.loads((tmp_path / "results" / "ch" / "toy.json").read_text())
    assert written["metrics"] == {"w1": 0.5} and written["off_paper"] == {"steps": [5, 500]}
    assert str(tmp_path / "results" / "ch" / "toy.json") in capsys.readouterr().out


def test_commands_overview_and_not_run(tmp_path: Path) -> None:
    chapter = Chapter("ch", cell(tmp_path) | {"experiments": "toy"}, GROUPS)
    assert (
        chapter.command("toy") == "papermill nbs/ch.ipynb runs/ch_toy.ipynb -p scale paper -p experiments toy"
    )
    with pytest.raises(pl.ParameterError, match="'images' is not an experiment group of ch"):
        chapter.command("images")
    assert chapter.not_run == "not run in this execution (experiments='toy')"
    assert list(chapter.chosen) == ["toy"]
    with pytest.raises(pl.ParameterError, match="stpes: not parameters"):
        chapter.overview(["steps", "stpes"])
