"""Reproduction tables: the paper's number, ours at CPU scale, ours at full scale, the command.

Full-scale results that were actually run live in ``results/<chapter>/<experiment>.json`` (with
the metrics, command, commit, device and wall time); where none exists the table says
"not yet run" -- a figure is never filled in by hand.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from paperlib.config import project_root

NOT_RUN = "not yet run"


def load_result(chapter: str, experiment: str, root: Path | None = None) -> dict[str, Any] | None:
    """The recorded full-scale result of one experiment, or ``None`` when it was never run."""
    path = (root or project_root()) / "results" / chapter / f"{experiment}.json"
    return json.loads(path.read_text()) if path.exists() else None


def full_scale(
    chapter: str, experiment: str, metric: str, fmt: str = "{:.3f}", root: Path | None = None
) -> str:
    """The table cell for one recorded metric: its value with device and wall hours, or "not yet run"."""
    result = load_result(chapter, experiment, root)
    if result is None:
        return NOT_RUN
    value = fmt.format(result["metrics"][metric])
    return f"{value} ({result['device']}, {result['wall_time_s'] / 3600:.1f} h)"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub/MyST Markdown table; ``|`` inside cells is escaped."""

    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
