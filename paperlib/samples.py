"""Samples of a finished or interrupted run, read from its checkpoint alone (``python -m paperlib
sample RUN_DIR``, :mod:`paperlib.__main__`).

A run folder's ``checkpoint.pt`` holds the generator's weights and what defines the run
(:meth:`~paperlib.training.trainer.Trainer.config`): the set-up of :mod:`paperlib.setups` that
built it (its kind, data set, seed and network settings), the networks' ``repr`` and the shape of
the noise; a text run's checkpoint also holds the corpus's characters. :func:`restore_generator`
reads the checkpoint, verified as the trainer verifies it
(:func:`~paperlib.training.trainer.read_checkpoint`), rebuilds the generator with the function its
set-up builds it with (:func:`~paperlib.setups.toy_generator_network`,
:func:`~paperlib.setups.image_generator_network`, :class:`~paperlib.nets.text.TextGenerator`),
refuses it unless its ``repr`` and the name and shape of every entry of its ``state_dict`` are
those of the checkpoint, and loads the weights. :func:`write_samples` draws samples from noise
``z ~ N(0, I)`` seeded by ``seed`` and writes them in the run's own form:

* a toy run: a PNG scatter of the generated points over as many points of the data (the held-out
  stream of the toy evaluations), drawn by :func:`~paperlib.chapter.plotting.plot_samples`;
* an image run: a PNG grid of the images, one pixel per image pixel, in the form of the run's own
  ``samples_<step>.png`` (:func:`~paperlib.training.trainer.image_grid_png`); the trainer draws
  the noise of those grids with seed 0, so ``seed=0`` and as many images give the same picture;
* a text run: a text file of the generated lines, one a line, each character the most probable
  one (argmax, as the evaluations decode them); padding shows as backticks.

Each generator samples as the run evaluates it: an image generator in training mode (batch
statistics, as the official code), a text generator with batch norm in evaluation mode (moving
averages, as the official FOGAN code).
"""

from __future__ import annotations

import copy
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from matplotlib.figure import Figure
from torch import nn

from paperlib.chapter.plotting import plot_samples
from paperlib.config import ParameterError, check_choice, check_int
from paperlib.data.catalog import IMAGE_SHAPES
from paperlib.data.text import decode_lines, text_corpus
from paperlib.data.toy import ToySampler
from paperlib.nets.architectures import Architecture
from paperlib.nets.text import TextGenerator
from paperlib.setups import ARCHITECTURES, HELD_OUT_SEED, image_generator_network, toy_generator_network
from paperlib.training.atomic import write_bytes, write_text
from paperlib.training.trainer import (
    Trainer,
    _differences,
    holds_checkpoint,
    image_grid_png,
    read_checkpoint,
)

KINDS = ("toy", "image", "text")
"""Each kind of run that has samples, as the setups of :mod:`paperlib.setups` name it (``experiment``)."""

DEFAULT_COUNTS = {"toy": 1000, "image": 64, "text": 64}
"""The number of points, images or lines :func:`write_samples` draws when not told."""

SUFFIXES = {"toy": ".png", "image": ".png", "text": ".txt"}
"""The file type of each kind's samples."""


@dataclass(frozen=True)
class RestoredGenerator:
    """A run's generator rebuilt from its checkpoint, with what sampling it needs: the checkpoint it
    came from, its generator iteration ``step``, the run's ``kind`` (one of ``KINDS``) and
    ``setup``, the ``noise_shape``, and a text run's ``characters`` (index by index)."""

    checkpoint: Path
    step: int
    kind: str
    setup: dict[str, Any]
    generator: nn.Module
    noise_shape: tuple[int, ...]
    characters: tuple[str, ...] | None

    @torch.no_grad()
    def sample(self, n: int, seed: int) -> torch.Tensor:
        """``n`` samples from noise drawn by a torch generator seeded with ``seed``: points ``(n, 2)``,
        images ``(n, C, H, W)`` in ``[-1, 1]`` (a sigmoid generator's ``[0, 1]`` mapped there, as
        the image metrics read it), or lines ``(n, seq_len)`` of character indices. A copy of the
        generator samples, so that equal seeds give equal samples however often this is called
        (sampling moves batch-norm statistics, and a fixed generator's own data stream). A generator
        that normalises by batch statistics needs ``n`` >= 2."""
        check_int("n", n, 1)
        batch_norms = [m for m in self.generator.modules() if isinstance(m, nn.BatchNorm1d | nn.BatchNorm2d)]
        if n == 1 and self.generator.training and batch_norms:
            raise ParameterError(
                "n=1: this generator normalises by the statistics of its batch, as its run samples it; "
                "ask for n >= 2"
            )
        noise = torch.randn(
            (n, *self.noise_shape), generator=torch.Generator().manual_seed(check_int("seed", seed))
        )
        output = copy.deepcopy(self.generator)(noise)
        if self.kind == "image" and self.setup["output"] == "sigmoid":
            return 2 * output - 1
        return output.argmax(-1) if self.kind == "text" else output


def restore_generator(run_dir: str | os.PathLike) -> RestoredGenerator:
    """The generator of the run in ``run_dir``, rebuilt from its checkpoint (see the module).

    A folder without a checkpoint, a run of an unknown kind, or a checkpoint whose weights do not fit
    the generator its set-up builds, is a :class:`~paperlib.config.ParameterError`; a damaged
    checkpoint a :class:`~paperlib.training.trainer.CheckpointError` naming the file and saying
    whether the previous one is intact. A text checkpoint written before checkpoints recorded the
    corpus's characters has them read again from the corpus its set-up names (under
    :func:`~paperlib.data.catalog.data_root`). Torch's global random stream is left as it was.
    """
    folder = Path(run_dir)
    if not folder.is_dir():
        raise ParameterError(
            f"{folder} is not a folder: give the folder of a run, runs/<chapter>/<run>/ "
            "(CPU scale: runs/<chapter>/cpu-<settings>/<run>/)"
        )
    path = folder / Trainer.CHECKPOINT
    if not holds_checkpoint(folder):
        raise ParameterError(
            f"{folder} holds no checkpoint ({Trainer.CHECKPOINT}): a chapter's run writes one at the "
            "paper's scale, and at CPU scale in a launch that changes a setting or gives a checkpoint "
            "interval (the parameters checkpoint_every and checkpoint_minutes)"
        )
    state = read_checkpoint(path)
    setup = dict(state["config"].get("setup", {}))
    kind = setup.get("experiment")
    if kind not in KINDS:
        raise ParameterError(
            f"{path} holds a run of kind {kind!r} (its setup's 'experiment'); samples are drawn from the "
            f"runs of the set-ups of paperlib.setups: {', '.join(KINDS)}"
        )
    with torch.random.fork_rng(devices=[]):  # the new weights are drawn, then replaced by the saved ones
        try:
            generator, characters = _rebuilt(kind, setup, state)
        except KeyError as error:
            raise ParameterError(
                f"{path} records a {kind} run whose setup has no {error.args[0]!r}, which rebuilding its "
                "generator needs: it was written by another version of paperlib"
            ) from None
    _check_fit(path, generator, state["config"]["generator"], state["generator"])
    generator.load_state_dict(state["generator"])
    generator.train(not (kind == "text" and setup["batch_norm"]))
    return RestoredGenerator(
        path, state["step"], kind, setup, generator, tuple(state["config"]["noise_shape"]), characters
    )


def _rebuilt(
    kind: str, setup: dict[str, Any], state: dict[str, Any]
) -> tuple[nn.Module, tuple[str, ...] | None]:
    """The generator the set-up of ``kind`` builds with ``setup``, newly initialised, and a text
    run's characters (``None`` for the other kinds)."""
    if kind == "toy":
        generator = toy_generator_network(
            setup["dataset"],
            seed=setup["seed"],
            width=setup["width"],
            depth=setup["depth"],
            fixed_generator_std=setup["fixed_generator_std"],
            generator=setup.get("generator", "mlp"),  # older toy runs name no generator: an MLP
        )
        return generator, None
    if kind == "image":
        architecture = setup["architecture"]
        generator = image_generator_network(
            architecture if architecture in ARCHITECTURES else Architecture.from_repr(architecture),
            size=setup["size"],
            channels=IMAGE_SHAPES[check_choice("dataset", setup["dataset"], IMAGE_SHAPES)][0],
            dim=setup["dim"],
            noise_dim=setup["noise_dim"],
            batch_norm=setup["generator_batch_norm"],
            output=setup["output"],
        )
        return generator, None
    characters = _characters(state, setup)
    generator = TextGenerator(len(characters), setup["dim"], setup["seq_len"], batch_norm=setup["batch_norm"])
    return generator, characters


def _characters(state: dict[str, Any], setup: dict[str, Any]) -> tuple[str, ...]:
    """A text run's characters, index by index: from its checkpoint, or from its corpus where the
    checkpoint predates their record."""
    if state.get("decoding") is not None:
        return tuple(state["decoding"]["characters"])
    corpus = text_corpus(
        setup["dataset"], seq_len=setup["seq_len"], max_lines=setup["max_lines"], seed=setup["seed"]
    )
    return corpus.inv_charmap


def _check_fit(path: Path, generator: nn.Module, recorded: str, weights: dict[str, Any]) -> None:
    """Refuse a rebuilt ``generator`` whose ``repr`` is not the ``recorded`` one, or whose
    ``state_dict`` differs from the saved ``weights`` in a name or a shape."""
    found = _differences({"generator": recorded}, {"generator": repr(generator)})
    if not found:
        found = _differences(_shapes(weights), _shapes(generator.state_dict()))
    if found:
        raise ParameterError(
            f"the generator rebuilt from the setup {path} records is not the one it saved (saved -> "
            f"rebuilt: {'; '.join(found)}): it was written by another version of paperlib or by other code"
        )


def _shapes(state_dict: dict[str, Any]) -> dict[str, Any]:
    """Each entry's shape; ``"extra state"`` for an entry that is not a tensor."""
    return {
        key: tuple(v.shape) if isinstance(v, torch.Tensor) else "extra state" for key, v in state_dict.items()
    }


def write_samples(
    run_dir: str | os.PathLike, *, n: int | None = None, seed: int = 0, out: str | os.PathLike | None = None
) -> Path:
    """Write ``n`` samples of the run in ``run_dir`` (default ``DEFAULT_COUNTS`` of its kind) from
    noise seeded by ``seed``, in the run's own form (see the module), to ``out`` (default
    ``<run_dir>/samples-seed<seed>.png``, or ``.txt`` for a text run), atomically. Returns the path.

    An existing file is never overwritten (:class:`FileExistsError`); ``n`` < 1, a path of another
    file type and the errors of :func:`restore_generator` are refused before anything is written.
    """
    if n is not None:
        check_int("n", n, 1)
    check_int("seed", seed)
    restored = restore_generator(run_dir)
    suffix = SUFFIXES[restored.kind]
    path = Path(run_dir) / f"samples-seed{seed}{suffix}" if out is None else Path(out)
    if path.suffix != suffix:
        raise ParameterError(f"out={path}: the samples of a {restored.kind} run are a {suffix} file")
    if path.exists():
        raise FileExistsError(
            f"{path} exists, and samples never overwrite a file: remove it, or write to another path "
            "with --out (out=)"
        )
    samples = restored.sample(DEFAULT_COUNTS[restored.kind] if n is None else n, seed)
    if restored.kind == "text":
        return write_text(path, "".join(f"{line}\n" for line in decode_lines(samples, restored.characters)))
    if restored.kind == "image":
        return write_bytes(path, image_grid_png(samples))
    return write_bytes(path, _scatter_png(restored, samples, seed))


def _scatter_png(restored: RestoredGenerator, points: torch.Tensor, seed: int) -> bytes:
    """A toy run's generated ``points`` over as many points of its data, as the bytes of a PNG file."""
    figure = Figure(figsize=(5, 5))
    axes = figure.add_subplot()
    data = ToySampler(restored.setup["dataset"], HELD_OUT_SEED)(len(points))
    title = f"{restored.checkpoint.parent.name}: generator iteration {restored.step}, seed {seed}"
    plot_samples(axes, data, points, lim=2.5, title=title)  # the chapters' window on the toy data
    axes.legend(loc="upper right", markerscale=4, fontsize=8)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()
