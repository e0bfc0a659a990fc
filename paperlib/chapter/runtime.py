"""One object per chapter notebook for everything around its science, created once after the
parameters cell::

    chapter = pl.Chapter("fogan", globals(), groups=("theory", "toy", "images", "language"))

It resolves and checks the parameters (:func:`~paperlib.chapter.parameters.resolved`, the values
then set in the notebook's namespace), selects the experiment groups, resolves the device, decides
whether results are recorded (:func:`~paperlib.chapter.report.will_record`, the run settings of
:data:`RUN_SETTINGS` not counting as deviations from the paper), checks the run and results folders
and, through :meth:`Chapter.need_data`, every data set and weights file before anything runs. It
then starts the runs (:meth:`Chapter.start`) and hands back their results, draws the "not run"
placeholders of skipped groups, records results, and closes the chapter with the reproduction table,
the table of both scales and the seed record. The notebook keeps its parameters, theory,
experiments, asserts and figures.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable, Hashable, Iterable, Mapping, MutableMapping, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from paperlib.chapter.parameters import deviations, resolved, scale_table, selected_groups
from paperlib.chapter.report import full_scale, markdown_table, record_result, results_root, will_record
from paperlib.chapter.seeds import seed_printouts
from paperlib.config import (
    ParameterError,
    check_writable_folder,
    out_root,
    resolve_device,
    slug,
)
from paperlib.training.parallel import start_calls

RUN_SETTINGS = (
    "device",
    "workers",
    "out_dir",
    "data_root",
    "data_workers",
    "checkpoint_every",
    "checkpoint_minutes",
    "resume",
    "check",
    "record",
)
"""The parameters every chapter declares that decide where and how its runs are done, not their
results; a result file records them but does not count them as deviations from the paper."""

REPRODUCTION_HEADER = ("result", "paper", "ours, CPU scale", "ours, full scale", "command")
OVERVIEW_HEADER = ("parameter", "this execution", "CPU scale", "paper scale")
SCALES_HEADER = ("parameter", "CPU scale", "paper scale", "source of the paper-scale value")
UNSEEDED_SECTIONS = ("Reproduction", "The two scales")
"""The sections whose lines the seed record leaves out, the tables that only gather the others."""


class Chapter:
    """The runtime of one chapter notebook (``name``: its file's stem, ``nbs/<name>.ipynb``).

    ``namespace`` is the notebook's ``globals()`` after its parameters cell, holding its
    ``PARAMETERS`` declaration, ``scale`` and ``experiments``; every parameter's resolved value is
    set there. ``groups`` are the chapter's experiment groups, in the order of its sections.
    ``run_folders`` is the folder of this launch's run folders, or ``None`` where its runs keep none.
    """

    def __init__(self, name: str, namespace: MutableMapping[str, Any], groups: Sequence[str]) -> None:
        # resolved() refuses a namespace whose PARAMETERS is not the cell's declaration (-p PARAMETERS 3)
        declaration = namespace.get("PARAMETERS")
        self.parameters = resolved(declaration, namespace, namespace["scale"])
        missing = [setting for setting in RUN_SETTINGS if setting not in declaration.parameters]
        if missing:
            raise ParameterError(
                f"chapter {name!r} declares no parameter {', '.join(missing)} (every chapter has them)"
            )
        namespace.update(self.parameters)
        self.name = name
        self.declaration = declaration
        self.groups = tuple(groups)
        self.chosen = selected_groups("experiments", self.parameters["experiments"], self.groups)
        self.device = resolve_device(self.parameters["device"])
        self.off_paper = deviations(declaration, self.parameters, "paper", RUN_SETTINGS)
        self.recording = will_record(self.parameters["record"], self.off_paper)
        folder = check_writable_folder("out_dir", out_root(self.parameters["out_dir"]) / name)
        self.run_folders = self._run_folders(folder)
        self._launch_locks = (
            [self._hold_launch_lock(self.run_folders, group) for group in self.chosen]
            if self.run_folders is not None
            else []
        )
        if self.run_folders is not None and sys.__stderr__ is not None:
            # the kernel's own stderr, which reaches the terminal papermill runs in (its cell output
            # only with --log-output)
            print(
                f"{name}: the runs of this launch keep their folders in {self.run_folders}; "
                "the same command, launched again, resumes them",
                file=sys.__stderr__,
                flush=True,
            )
        if self.recording:
            record = self.parameters["record"]
            check_writable_folder(
                f"record={record!r} (the results folder, $PAPERLIB_RESULTS)", results_root()
            )
        self.started = time.perf_counter()
        self._futures: dict[Hashable, Future] = {}

    def _run_folders(self, folder: Path) -> Path | None:
        """Where this launch's runs keep their folders (``folder`` is ``<out_dir>/<chapter>``), or
        ``None`` where they keep none: without a checkpoint interval, and at CPU scale with every
        setting and both intervals at their defaults (runs of seconds to minutes, which the book and
        the seed record execute). At the paper's scale, ``folder``. At CPU scale with settings
        changed (``-p steps 500000``), or an interval given, ``folder/cpu-<each changed setting and
        its value>`` (:func:`settings_folder`): a relaunch of the same command finds its runs there,
        and launches of other settings, at either scale, never meet them. The run seeds (``seed``)
        and the intervals are left out of the name: every run's name has its seed, and when a run
        checkpoints never changes it."""
        p, declared = self.parameters, self.declaration.parameters
        intervals = ("checkpoint_every", "checkpoint_minutes")
        if not any(p[name] for name in intervals):
            return None
        if p["scale"] == "paper":
            return folder
        changed = deviations(self.declaration, p, "cpu", (*RUN_SETTINGS, "seed"))
        if changed or any(p[name] != declared[name].cpu for name in intervals):
            return folder / settings_folder(changed)
        return None

    @staticmethod
    def _hold_launch_lock(folder: Path, group: str) -> FileLock:
        """A lock on the run folders of ``group`` in ``folder`` (:meth:`_run_folders`), held while
        the chapter lives (its kernel's life): a second launch of the same group on the same
        ``out_dir`` is refused here, before any run starts, at any worker count; each run's own
        ``run.lock`` refused it only when a worker reached a run the first launch held. Taken only by
        a launch whose runs keep folders: without them two launches share nothing.
        Launches of different groups do not exclude each other (one group per GPU, say). The lock is
        one per process and path (``is_singleton``): the chapter created again in the same kernel
        (its cell executed twice) takes it again; the operating system releases it when the kernel
        ends, however it ends (with filelock 3.x a DataLoader worker forked by the kernel holds it
        until it ends too)."""
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(folder / f"launch-{group}.lock", timeout=0, is_singleton=True, thread_local=False)
        try:
            lock.acquire()
            return lock
        except Timeout:
            raise ParameterError(
                f"out_dir: {folder} is in use by another launch of this chapter's {group} group with "
                f"these settings (it holds {lock.lock_file}): wait for that launch to end, or give this "
                "one another out_dir"
            ) from None

    @property
    def not_run(self) -> str:
        """What a table cell or figure of a skipped group says in its place."""
        return f"not run in this execution (experiments={self.parameters['experiments']!r})"

    def overview(self, names: Sequence[str]) -> None:
        """Show the parameters ``names`` a reader is most likely to change, with this execution's
        value and both scales' (in place of the folded parameters cell), and where the section
        listing every parameter is."""
        unknown = [name for name in names if name not in self.declaration.parameters]
        if unknown:
            raise ParameterError(
                f"overview: {', '.join(unknown)}: not parameters of {self.name}'s first cell"
            )
        rows = [
            [name, repr(self.parameters[name]), repr(spec.cpu), repr(spec.paper)]
            for name, spec in ((name, self.declaration.parameters[name]) for name in names)
        ]

        every = (
            f"Every parameter, with the source of its paper-scale value: {{ref}}`{slug(self.name)}-scales`."
        )
        self._display(f"{markdown_table(OVERVIEW_HEADER, rows)}\n\n{every}")

    def need_data(self, images: Iterable[str] = (), text: str | None = None) -> None:
        """Check, before any run starts, the image data sets ``images`` the chosen groups use
        (torchvision downloads those it can now; scikit-learn's ``digits`` ships with it) with the
        Inception weights of their metrics, and the text corpus ``text``: each missing one raises
        the error that says how to obtain it."""
        root = self.parameters["data_root"] or None
        downloaded = sorted(set(images) - {"digits"})
        if downloaded:  # the image stack (7 s to import on a CPU) only where a run needs it
            from paperlib.data.images import image_dataset
            from paperlib.metrics.images import inception_weights_path

            for dataset in downloaded:
                image_dataset(dataset, root=root, root_name="the notebook parameter data_root")
            inception_weights_path()
        if text is not None:
            from paperlib.data.text import text_corpus

            text_corpus(text, max_lines=1, root=root)

    def at_cpu_scale(self, *names: str) -> bool:
        """Whether the parameters ``names`` have their CPU-scale values: the settings at which the
        chapter's asserts were measured."""
        return all(self.parameters[name] == self.declaration.parameters[name].cpu for name in names)

    def seeds(self, count: int) -> list[int]:
        """``count`` consecutive seeds from the ``seed`` parameter: the seeds of repeated runs."""
        return [self.parameters["seed"] + k for k in range(count)]

    def checkpoints(self, run: str) -> dict[str, Any]:
        """The checkpoint keywords of the run named ``run`` for
        :class:`paperlib.training.trainer.Trainer`: its folder ``<run folders>/<slug of run>`` where
        this launch's runs keep folders (``run_folders``), the two intervals and whether it
        resumes; no folder and no checkpoints otherwise."""
        p = self.parameters
        if self.run_folders is None:
            return dict(run_dir=None, checkpoint_every=0, checkpoint_minutes=0.0, resume=False)
        folder, named_before = self.run_folders / slug(run), self.run_folders / run
        if folder != named_before and _another_folder(named_before, folder):
            raise ParameterError(
                f"run {run!r}: its folder is now {folder}, but {named_before} exists from an earlier "
                f"version (WGAN-GP's folders were not slugged); to resume it, run: mv {named_before} {folder}"
            )
        return dict(
            run_dir=folder,
            checkpoint_every=p["checkpoint_every"],
            checkpoint_minutes=p["checkpoint_minutes"],
            resume=p["resume"],
        )

    def start(self, jobs: Mapping[Hashable, tuple[Callable[..., Any], dict[str, Any]]]) -> None:
        """Start every job ``key -> (function, keywords)`` in ``workers`` background processes of one
        thread each (:func:`paperlib.training.parallel.start_calls`), in the order given. With
        ``resume`` off, a job whose run folder holds a checkpoint already is refused first, before
        any run starts, rather than by a worker once that run's turn comes."""
        if not self.parameters["resume"]:
            from paperlib.training.trainer import holds_checkpoint  # torch: only where resume is off

            held = [
                str(keywords["run_dir"])
                for _, keywords in jobs.values()
                if keywords.get("run_dir") is not None and holds_checkpoint(keywords["run_dir"])
            ]
            if held:
                raise ParameterError(
                    f"resume: {len(held)} run folder(s) hold a checkpoint already ({', '.join(held)}); pass "
                    "-p resume True to continue them (or read them back, if finished), or give this launch "
                    "another out_dir (nothing was run)"
                )
        futures = start_calls(list(jobs.values()), self.parameters["workers"])
        self._futures.update(zip(jobs, futures, strict=True))

    def result(self, *key: Hashable) -> Any:
        """What the job ``key`` of :meth:`start` returned, once it has finished."""
        return self._futures[key].result()

    def glue_not_run(self, *names: str) -> None:
        """In place of the figures ``names`` of a group this execution skipped, a line saying so."""
        import matplotlib.pyplot as plt
        from myst_nb import glue

        from paperlib.chapter.plotting import plot_message

        for name in names:
            fig, ax = plt.subplots(figsize=(7, 0.5))
            glue(name, plot_message(ax, self.not_run).figure, display=False)
            plt.close(fig)

    def command(self, group: str) -> str:
        """The papermill command that runs the experiment group ``group`` at the paper's scale."""
        if group not in self.groups:
            raise ParameterError(
                f"{group!r} is not an experiment group of {self.name}: {', '.join(self.groups)}"
            )
        notebook, output = f"nbs/{self.name}.ipynb", f"runs/{self.name}_{group}.ipynb"
        return f"papermill {notebook} {output} -p scale paper -p experiments {group}"

    def record(self, results: Mapping[str, tuple[Mapping[str, float], float]]) -> None:
        """Write each result ``experiment -> (metrics, wall time in seconds)`` to the results folder
        (:func:`paperlib.chapter.report.record_result`) when this execution records, printing each
        file's path; nothing otherwise."""
        for experiment, (metrics, wall) in results.items() if self.recording else ():
            path = record_result(
                self.name,
                experiment,
                metrics,
                parameters=self.parameters,
                device=self.device,
                wall_time_s=wall,
                off_paper=self.off_paper,
            )
            print(path)

    def full_scale(self, experiment: str, metrics: str | Sequence[str], fmt: str = "{:.3f}") -> str:
        """The reproduction table's cell of a recorded full-scale result of this chapter
        (:func:`paperlib.chapter.report.full_scale`), or "not yet run"."""
        return full_scale(self.name, experiment, metrics, fmt)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Show a table of ``rows`` under ``header`` (:func:`paperlib.chapter.report.markdown_table`)."""
        self._display(markdown_table(header, rows))

    def reproduction(
        self, rows: Sequence[Sequence[Any]], header: Sequence[str] = REPRODUCTION_HEADER
    ) -> None:
        """Show the reproduction table (by default: result, paper, ours at CPU scale, ours at full
        scale, command) and the time the chapter took since it was created."""
        self.table(header, rows)
        print(f"chapter executed in {time.perf_counter() - self.started:.0f} s")

    def scales(self) -> None:
        """Show every parameter at CPU and at paper scale, with the source of the paper's value."""
        self.table(SCALES_HEADER, scale_table(self.declaration))

    def seed_record(self) -> None:
        """Print the chapter's seed record (:func:`paperlib.chapter.seeds.seed_printouts`), section by
        section, but the closing tables."""
        print(seed_printouts(self.name, skip=UNSEEDED_SECTIONS))

    @staticmethod
    def _display(markdown: str) -> None:
        """Show ``markdown`` as a cell output (rendered as MyST in the book)."""
        from IPython.display import Markdown, display

        display(Markdown(markdown))


def _another_folder(path: Path, folder: Path) -> bool:
    """Whether ``path`` exists and is not ``folder`` itself (which it is on a case-insensitive disk)."""
    return path.exists() and not (folder.exists() and path.samefile(folder))


SETTINGS_FOLDER_LENGTH = 100
"""The longest :func:`settings_folder` name written out; a longer one is a hash of it."""


def settings_folder(changed: Mapping[str, tuple[Any, Any]]) -> str:
    """The folder name of a CPU-scale launch's runs whose settings ``changed`` (``name -> (value,
    default)``, :func:`~paperlib.chapter.parameters.deviations`) from the defaults: ``cpu`` and
    each name and value, as :func:`~paperlib.config.slug` writes them (``-p steps 500000``:
    ``cpu-steps-500000``; none changed: ``cpu``); over :data:`SETTINGS_FOLDER_LENGTH` characters,
    ``cpu-`` and 16 hex digits of the SHA-256 of that name."""
    name = "-".join(["cpu", *(slug(f"{setting} {value}") for setting, (value, _) in changed.items())])
    if len(name) <= SETTINGS_FOLDER_LENGTH:
        return name
    return "cpu-" + hashlib.sha256(name.encode()).hexdigest()[:16]
