"""Reproduction tables: the paper's number, ours at CPU scale, ours at full scale, the command.

Full-scale results that were actually run live in ``results/<chapter>/<experiment>.json`` (with
the metrics, command, commit, device and wall time); where none exists the table says
"not yet run" -- a figure is never filled in by hand: :func:`record_result` writes the file from
the run itself.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import shlex
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from paperlib.config import ParameterError, check_choice, project_root
from paperlib.training.atomic import write_text

NOT_RUN = "not yet run"


RESULTS_ENV = "PAPERLIB_RESULTS"


def results_root() -> Path:
    """The folder of the result files: ``$PAPERLIB_RESULTS`` if set, else ``results/`` of the repository."""
    folder = os.environ.get(RESULTS_ENV)
    return Path(folder).expanduser() if folder else project_root() / "results"


def _result_path(chapter: str, experiment: str, root: Path | None) -> Path:
    return (root or results_root()) / chapter / f"{experiment}.json"


def load_result(chapter: str, experiment: str, root: Path | None = None) -> dict[str, Any] | None:
    """The recorded full-scale result of one experiment (``root``: default :func:`results_root`), or
    ``None`` when it was never run."""
    path = _result_path(chapter, experiment, root)
    return json.loads(path.read_text()) if path.exists() else None


def papermill_command(chapter: str, parameters: Mapping[str, Any]) -> str:
    """The papermill command that executes ``nbs/<chapter>.ipynb`` with every one of ``parameters``.

    Values are written as papermill parses them back: ``True``/``False``, numbers, strings as they are.
    """

    def value(v: Any) -> str:
        if isinstance(v, bool | int | float):
            return repr(v)
        return shlex.quote(str(v))

    options = "".join(f" -p {name} {value(v)}" for name, v in parameters.items())
    return f"papermill nbs/{chapter}.ipynb runs/{chapter}.ipynb{options}"


def describe_device(device: torch.device) -> str:
    """A device in words for a result file: the GPU's name, or the CPU with its core count."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return f"{device.type} ({os.cpu_count()} cores)"


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=project_root(), capture_output=True, text=True, timeout=30)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def provenance() -> dict[str, Any]:
    """Where a result comes from: the repository's git ``commit`` (``"unknown"`` outside git), whether
    tracked files had ``uncommitted_changes`` (``None`` if unknown) and the ``date``."""
    status = _git("status", "--porcelain", "--untracked-files=no")
    return {
        "commit": _git("rev-parse", "HEAD") or "unknown",
        "uncommitted_changes": bool(status) if status is not None else None,
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def record_result(
    chapter: str,
    experiment: str,
    metrics: Mapping[str, float],
    *,
    parameters: Mapping[str, Any],
    device: torch.device,
    wall_time_s: float,
    off_paper: Mapping[str, tuple[Any, Any]] | None = None,
    root: Path | None = None,
) -> Path:
    """Write ``<chapter>/<experiment>.json`` under ``root`` (default :func:`results_root`) for a run
    that was actually completed.

    The file holds the ``metrics`` (finite numbers), the papermill command with every parameter of
    the execution (:func:`papermill_command`), the parameters themselves, those whose value was not
    the paper's (``off_paper``, :func:`paperlib.chapter.parameters.deviations`: name -> (value, paper
    value)), the git commit (and whether the working tree had uncommitted changes), the device in
    words, the wall time in seconds and the date. It is written atomically; an existing file for the
    experiment is replaced, as a newer run supersedes it. Returns the path.
    """
    values = {}
    for name, value in metrics.items():
        if not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise ParameterError(f"metric {name}={value!r} must be a finite number to be recorded")
        values[name] = float(value)  # also NumPy scalars of any precision
    if not math.isfinite(wall_time_s) or wall_time_s < 0:
        raise ParameterError(f"wall_time_s={wall_time_s!r} must be a finite number >= 0")
    result = {
        "chapter": chapter,
        "experiment": experiment,
        "metrics": values,
        "command": papermill_command(chapter, parameters),
        "parameters": dict(parameters),
        "off_paper": {name: list(pair) for name, pair in (off_paper or {}).items()},
        "device": describe_device(device),
        "wall_time_s": float(wall_time_s),
    } | provenance()
    return write_json_atomically(_result_path(chapter, experiment, root), result)


def will_record(record: str, off_paper: Mapping[str, tuple[Any, Any]]) -> bool:
    """Whether an execution writes its result files, by a chapter's ``record`` parameter: ``"yes"``
    always, ``"no"`` never, ``"auto"`` only when no setting that shapes a result differs from the
    paper's (``off_paper``, :func:`paperlib.chapter.parameters.deviations`), so that a shortened test
    run never replaces a full-scale result; when ``"auto"`` declines, it says which settings differ."""
    check_choice("record", record, ("no", "auto", "yes"))
    if record == "auto" and off_paper:
        print(
            f"results not recorded (record='auto'): {', '.join(off_paper)} not at the paper's values; "
            "-p record yes records them, named as such"
        )
    return record == "yes" or (record == "auto" and not off_paper)


def write_json_atomically(path: Path, content: Any) -> Path:
    """Write ``content`` as JSON to ``path`` (folders created) atomically and durably
    (:func:`paperlib.training.atomic.write_text`: a reader sees the old file or the new one, never a part,
    and two writers never share a temporary file). Returns ``path``."""
    return write_text(path, json.dumps(content, indent=2, ensure_ascii=False) + "\n")


def full_scale(
    chapter: str,
    experiment: str,
    metrics: str | Sequence[str],
    fmt: str = "{:.3f}",
    root: Path | None = None,
) -> str:
    """The table cell for recorded metrics: their values with device and wall hours, or "not yet run".

    One metric is shown as its value; several as ``name value`` pairs. A result recorded with
    settings other than the paper's says so, naming the first three.
    """
    result = load_result(chapter, experiment, root)
    if result is None:
        return NOT_RUN
    names = [metrics] if isinstance(metrics, str) else list(metrics)
    values = [fmt.format(result["metrics"][name]) for name in names]
    shown = (
        values[0] if len(names) == 1 else ", ".join(f"{n} {v}" for n, v in zip(names, values, strict=True))
    )
    off = result.get("off_paper", {})
    if off:
        first = list(off.items())[:3]
        named = ", ".join(f"{name} {value!r} (paper: {paper!r})" for name, (value, paper) in first)
        more = f" and {len(off) - 3} more" if len(off) > 3 else ""
        shown += f"; not at the paper's settings: {named}{more}"
    return f"{shown} ({result['device']}, {result['wall_time_s'] / 3600:.1f} h)"


def outcome_counts(
    scores_a: Sequence[float], scores_b: Sequence[float], thresholds: Sequence[float]
) -> list[tuple[float, int, int, int, int]]:
    """WGAN-GP Table 2: for each threshold, how many runs (architectures) succeeded, i.e. scored above
    it, with method a only, with method b only, with both, and with neither.

    ``scores_a[i]`` and ``scores_b[i]`` are the scores of architecture ``i`` under the two methods.
    """
    a, b = np.asarray(scores_a, dtype=float), np.asarray(scores_b, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ParameterError(f"scores_a and scores_b must be equally long lists, got {a.shape} and {b.shape}")
    rows = []
    for t in thresholds:
        ok_a, ok_b = a > t, b > t
        rows.append(
            (
                float(t),
                int((ok_a & ~ok_b).sum()),
                int((~ok_a & ok_b).sum()),
                int((ok_a & ok_b).sum()),
                int((~ok_a & ~ok_b).sum()),
            )
        )
    return rows


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub/MyST Markdown table; ``|`` inside cells is escaped."""

    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
