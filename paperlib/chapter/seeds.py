"""The printouts of a chapter executed with several seeds: where the ranges its text quotes come from,
and whether its asserts hold at seeds they were not fitted to.

A chapter states what it measured "over seeds 0-3" as ranges, and sets its asserts' thresholds from
them. ``make seeds`` (``python -m paperlib.chapter.seeds``) executes it with each *record seed* (0-3,
asserts off) and then with each *check seed* (4-7, asserts on; every cell runs even after a failing
assert, so that the first failure of each cell is reported, not only the first of the execution).
A chapter's runs use consecutive seeds from ``seed`` (``seed``, ``seed + 1``, ...), so the check
executions share some run seeds with the record's; the seeds beyond the record's are new.
:func:`record_seeds` keeps the evidence in ``results/<chapter>/cpu-seeds.json``: every line each
code cell printed or displayed as text (tables included), grouped by the chapter's sections (its
level-2 headings), for each execution its parameters, duration and failed asserts, with the
commit, device and date. :func:`seed_printouts` gives them back for the chapter to show.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import torch

from paperlib.chapter.report import describe_device, provenance, results_root, write_json_atomically
from paperlib.config import ParameterError

RECORD = "cpu-seeds.json"
SECTION = "Seed record"
"""The heading of the chapter section that shows the record; its own printout is never recorded."""
NOT_RECORDED = "no seed record yet (make seeds CHAPTER={chapter})"
RECORD_SEEDS = (0, 1, 2, 3)
"""The seeds executed with asserts off, whose values the ranges and thresholds of a chapter come from."""
CHECK_SEEDS = (4, 5, 6, 7)
"""The seeds executed with asserts on; a failure there means a claim is weaker than the text states."""
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def execute_seed(notebook: str | os.PathLike, output: str | os.PathLike, seed: int, check: bool) -> Path:
    """Execute ``notebook`` with papermill at ``-p seed seed -p check check`` into ``output``, in the
    notebook's folder. With ``check`` every cell runs even after one fails (nbclient's
    ``allow_errors``), so that :func:`failed_asserts` sees the first failing assert of every cell (an
    error in a later cell that depends on a failed one is listed too); without it the first error
    stops the execution and is raised, as an execution with asserts off must not fail."""
    import papermill  # the book's dependency: imported only where a chapter is executed

    notebook = Path(notebook).resolve()
    try:
        papermill.execute_notebook(
            str(notebook),
            str(output),
            parameters={"seed": seed, "check": check},
            cwd=str(notebook.parent),
            progress_bar=False,
            allow_errors=check,
        )
    except papermill.PapermillExecutionError:
        if not check:
            raise
    return Path(output)


def failed_asserts(notebook: str | os.PathLike) -> list[str]:
    """Each error an executed notebook's cells showed, in order, one line each: the section (its last
    level-2 heading), the exception and its message, and the source line that raised it (the last
    ``---->`` line of the cell's traceback)."""
    section, failures = "", []
    for cell in json.loads(Path(notebook).read_text())["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            headings = [line[3:].strip() for line in source.splitlines() if line.startswith("## ")]
            section = headings[-1] if headings else section
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            frames = [_ANSI.sub("", line) for line in output.get("traceback", [])]
            rows = [row.strip() for frame in frames for row in frame.splitlines()]
            arrows = [row for row in rows if row.startswith("---->")]
            where = f" at {arrows[-1].removeprefix('---->').strip()}" if arrows else ""
            failures.append(f"{section or 'set-up'}: {output['ename']}: {output['evalue']}{where}")
    return failures


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
        elif cell["cell_type"] == "code" and section != SECTION:
            lines = printed.setdefault(section, [])
            stdout = ""  # a kernel may send one printed line in several stream outputs (under load)
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream":
                    stdout += _text(output) or ""  # stderr (warnings) between them is not shown
                    continue
                lines.extend(stdout.splitlines())
                stdout, text = "", _text(output)
                lines.extend(text.splitlines() if text is not None else [])
            lines.extend(stdout.splitlines())
    return {section: lines for section, lines in printed.items() if lines}


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


def record_seeds(
    chapter: str, notebooks: Sequence[str | os.PathLike], root: Path | None = None, command: str | None = None
) -> Path:
    """Write ``<chapter>/cpu-seeds.json`` under ``root`` (default
    :func:`~paperlib.chapter.report.results_root`) from papermill executions of ``nbs/<chapter>.ipynb``, one
    per seed, atomically. Each must have an injected ``seed`` (seeds must differ) and have run every
    cell: an execution with asserts off (``check`` False) without an error, one with asserts on as
    :func:`execute_seed` runs it, its failed asserts (:func:`failed_asserts`) kept in the record.
    ``command`` is the command recorded as having made the record (default ``make seeds
    CHAPTER=<chapter>``)."""
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
        check = parameters.get("check") is not False  # True is every chapter's default at CPU scale
        failures = failed_asserts(path)
        if failures and not check:
            raise ParameterError(f"{path}: an execution with asserts off failed: {failures[0]}")
        seeds[key] = {
            "parameters": parameters,
            "duration_s": meta.get("duration"),
            "failed_asserts": failures if check else None,
            "printed": section_printouts(path),
        }
    record = {
        "chapter": chapter,
        "command": command or f"make seeds CHAPTER={chapter}",
        "device": describe_device(torch.device("cpu")),
        **provenance(),
        "seeds": dict(sorted(seeds.items(), key=lambda item: int(item[0]))),
    }
    return write_json_atomically((root or results_root()) / chapter / RECORD, record)


def check_summary(record: dict) -> list[str]:
    """One line per seed executed with asserts on: that every assert held, or each that failed."""
    lines = []
    for seed, run in record["seeds"].items():
        failures = run.get("failed_asserts")
        if failures is None:
            continue
        if not failures:
            lines.append(f"[seed {seed}] asserts on: every assert held")
        lines += [f"[seed {seed}] asserts on: FAILED {failure}" for failure in failures]
    return lines


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
    lines = [f"{record['command']} {where}", *check_summary(record)]
    sections = list(dict.fromkeys(s for run in record["seeds"].values() for s in run["printed"]))
    for section in (s for s in sections if s not in skip):
        lines += ["", f"== {section or 'set-up'} =="]
        for seed, run in record["seeds"].items():
            lines += [f"[seed {seed}] {line}" for line in run["printed"].get(section, [])]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``make seeds``: execute ``nbs/<chapter>.ipynb`` at the record seeds (asserts off) and the check
    seeds (asserts on) into ``runs/seeds/``, record them all, and print each failed assert with its
    seed; the exit status is 1 if any failed."""
    parser = argparse.ArgumentParser(prog="python -m paperlib.chapter.seeds", description=main.__doc__)
    parser.add_argument("chapter")
    parser.add_argument("--seeds", type=int, nargs="*", default=list(RECORD_SEEDS), help="asserts off")
    parser.add_argument("--check-seeds", type=int, nargs="*", default=list(CHECK_SEEDS), help="asserts on")
    parser.add_argument("--nbs", type=Path, default=Path("nbs"), help="folder of the chapters")
    parser.add_argument("--out", type=Path, default=Path("runs/seeds"), help="folder of the executions")
    args = parser.parse_args(argv)
    both = sorted(set(args.seeds) & set(args.check_seeds))
    if both:
        parser.error(f"a seed both with asserts off and on: {both}")
    args.out.mkdir(parents=True, exist_ok=True)
    notebooks = []
    for seed, check in [(k, False) for k in args.seeds] + [(k, True) for k in args.check_seeds]:
        print(f"{args.chapter}: seed {seed}, asserts {'on' if check else 'off'}", flush=True)
        output = args.out / f"{args.chapter}-seed{seed}.ipynb"
        notebooks.append(execute_seed(args.nbs / f"{args.chapter}.ipynb", output, seed, check))
    command = f"make seeds CHAPTER={args.chapter} SEEDS='{' '.join(map(str, args.seeds))}'"
    command += f" CHECK_SEEDS='{' '.join(map(str, args.check_seeds))}'"
    path = record_seeds(args.chapter, notebooks, command=command)
    summary = check_summary(json.loads(path.read_text()))
    print(f"recorded in {path}", *summary, sep="\n")
    return 1 if any("FAILED" in line for line in summary) else 0


if __name__ == "__main__":
    sys.exit(main())
