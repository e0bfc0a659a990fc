"""The printouts of a chapter executed with several seeds: where the ranges its text quotes come from.

A chapter states what it measured "over seeds 0-3" as ranges. :func:`record_seeds` keeps the
evidence: from notebooks executed by papermill with ``-p seed k`` (``make seeds``), it writes
``results/<chapter>/cpu-seeds.json`` with every line each code cell printed or displayed as text
(tables included), grouped by the
chapter's sections (its level-2 headings), and for each execution its parameters and duration,
with the commit, device and date. :func:`seed_printouts` gives them back for the chapter to show.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import torch

from paperlib.config import ParameterError
from paperlib.report import describe_device, provenance, results_root, write_json_atomically

RECORD = "cpu-seeds.json"
SECTION = "Seed record"
"""The heading of the chapter section that shows the record; its own printout is never recorded."""
NOT_RECORDED = "no seed record yet (make seeds CHAPTER={chapter})"


def section_printouts(notebook: str | os.PathLike) -> dict[str, list[str]]:
    """The text the code cells of an executed notebook showed (printed lines, displayed tables and
    values; not warnings or figures), by section: the text of the last level-2 heading (``## ...``)
    above the cell, or ``""`` before the first. The section :data:`SECTION` is left out: it shows an
    earlier record, which recording again would nest in the new one."""
    cells = json.loads(Path(notebook).read_text())["cells"]
    section, printed = "", {}
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            headings = [line[3:].strip() for line in source.splitlines() if line.startswith("## ")]
            section = headings[-1] if headings else section
        elif cell["cell_type"] == "code":
            for output in cell.get("outputs", []):
                text = _text(output)
                if text is not None and section != SECTION:
                    printed.setdefault(section, []).extend(text.splitlines())
    return printed


def _text(output: dict) -> str | None:
    """What an output shows as text: printed lines (stdout), or a displayed table or value (its
    Markdown, else its plain text); ``None`` for warnings (stderr) and figures."""
    if output.get("output_type") == "stream":
        return "".join(output["text"]) if output.get("name") == "stdout" else None
    data = output.get("data", {})
    if any(kind.startswith("image/") for kind in data):
        return None
    for kind in ("text/markdown", "text/plain"):
        if kind in data:
            return "".join(data[kind])
    return None


def record_seeds(chapter: str, notebooks: Sequence[str | os.PathLike], root: Path | None = None) -> Path:
    """Write ``<chapter>/cpu-seeds.json`` under ``root`` (default
    :func:`~paperlib.report.results_root`) from papermill executions of ``nbs/<chapter>.ipynb``, one
    per seed, atomically. Each must have run to the end with an injected ``seed``; seeds must differ."""
    seeds: dict[str, dict] = {}
    for path in notebooks:
        meta = json.loads(Path(path).read_text())["metadata"].get("papermill", {})
        parameters = meta.get("parameters", {})
        if "seed" not in parameters or meta.get("exception"):
            raise ParameterError(f"{path}: not a papermill execution with -p seed that ran to the end")
        if Path(meta.get("input_path", "")).stem != chapter:
            raise ParameterError(f"{path}: an execution of {meta.get('input_path')!r}, not of {chapter!r}")
        key = str(parameters["seed"])
        if key in seeds:
            raise ParameterError(f"{path}: seed {key} is recorded twice")
        seeds[key] = {
            "parameters": parameters,
            "duration_s": meta.get("duration"),
            "printed": section_printouts(path),
        }
    record = {
        "chapter": chapter,
        "command": f"make seeds CHAPTER={chapter}",
        "device": describe_device(torch.device("cpu")),
        **provenance(),
        "seeds": dict(sorted(seeds.items(), key=lambda item: int(item[0]))),
    }
    return write_json_atomically((root or results_root()) / chapter / RECORD, record)


def seed_printouts(chapter: str, skip: Sequence[str] = (), root: Path | None = None) -> str:
    """The recorded printouts of every seed, section by section (but the sections named in ``skip``),
    with the commit and device they were measured on; a line saying how to make the record where
    there is none."""
    path = (root or results_root()) / chapter / RECORD
    if not path.exists():
        return NOT_RECORDED.format(chapter=chapter)
    record = json.loads(path.read_text())
    dirty = " (with uncommitted changes)" if record["uncommitted_changes"] else ""
    where = f"at commit {record['commit'][:10]}{dirty}, {record['device']}, {record['date']}"
    lines = [f"{record['command']} {where}"]
    sections = list(dict.fromkeys(s for run in record["seeds"].values() for s in run["printed"]))
    for section in (s for s in sections if s not in skip):
        lines += ["", f"== {section or 'set-up'} =="]
        for seed, run in record["seeds"].items():
            lines += [f"[seed {seed}] {line}" for line in run["printed"].get(section, [])]
    return "\n".join(lines)
