"""``python -m paperlib sample``: samples of a run read from its checkpoint alone, compared with those
of the trainer that wrote the checkpoint (its own generator, noise and decoding: an independent
computation), and the refusals of what cannot be sampled, each with exit status 2."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import torch
from PIL import Image

from paperlib import (
    Architecture,
    CheckpointError,
    GradientPenalty,
    ParameterError,
    Trainer,
    image_trainer,
    restore_generator,
    text_corpus,
    text_trainer,
    toy_trainer,
    write_samples,
)
from paperlib.__main__ import main

# not re-run on PyTorch's portable kernels by .ci/run: floats compared only by exact equality of the
# same operations in the same order, never with a tolerance or a threshold (pyproject.toml's marker)
pytestmark = pytest.mark.kernel_independent

TOY = dict(dataset="8gaussians", seed=3, width=8, depth=2, batch_size=16, n_critic=1, eval_samples=16)
IMAGE = dict(seed=0, dim=4, noise_dim=8, batch_size=8, n_critic=1, regularizer=GradientPenalty(10.0))
TEXT = dict(seed=0, dim=4, seq_len=8, max_lines=50, batch_size=4, n_critic=1, eval_samples=4, jsd_orders=(1,))
TABLE1_DRAW = Architecture("tanh", "relu", 5, 4, True, True, 4, 4)
GRID = 9
"""Images in the trainer's own sample grids: a 3x3 grid of 32x32 digits."""


def trained(trainer: Trainer) -> Trainer:
    """``trainer`` after two generator iterations, with a checkpoint after each (the last one kept as
    ``checkpoint.pt.prev``)."""
    return trainer.train(2)


def checkpointed(folder: Path) -> dict[str, Any]:
    return dict(run_dir=folder, checkpoint_every=1)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Trainer]:
    """Runs made by the set-ups at tiny sizes, each trained with its checkpoint in its own folder: a
    toy run, one with the fixed data-plus-noise generator, a DCGAN on digits with batch norm in its
    generator, a sigmoid DCGAN (``gan_mnist.py``'s [0, 1] images), a random architecture of Table 1,
    and a text run with batch norm (sampled with its moving averages)."""
    root = tmp_path_factory.mktemp("runs")
    unit = dict(output="sigmoid", generator_batch_norm=False)
    return {
        "toy": trained(toy_trainer(**TOY, **checkpointed(root / "toy"))),
        "fixed": trained(toy_trainer(**TOY, fixed_generator_std=0.1, **checkpointed(root / "fixed"))),
        "image": trained(image_trainer("digits", grid_samples=GRID, **IMAGE, **checkpointed(root / "image"))),
        "unit": trained(image_trainer("digits", **unit, **IMAGE, **checkpointed(root / "unit"))),
        "architecture": trained(
            image_trainer("digits", architecture=TABLE1_DRAW, **IMAGE, **checkpointed(root / "architecture"))
        ),
        "text": trained(text_trainer(batch_norm=True, **TEXT, **checkpointed(root / "text"))),
    }


def noise(trainer: Trainer, n: int, seed: int) -> torch.Tensor:
    return torch.randn((n, *trainer.noise_shape), generator=torch.Generator().manual_seed(seed))


def saved_as(trainer: Trainer, folder: Path, **setup: Any) -> Path:
    """A checkpoint of ``trainer`` in ``folder`` whose setup has the entries ``setup`` changed."""
    kept = trainer.setup
    trainer.setup = {**kept, **setup}
    try:
        trainer.save(folder / Trainer.CHECKPOINT)
    finally:
        trainer.setup = kept
    return folder


@torch.no_grad()
def trainers_samples(name: str, trainer: Trainer, n: int, seed: int) -> torch.Tensor:
    """What the trainer's own generator makes of the noise: points, images in [-1, 1], or lines of
    character indices (a text generator with batch norm in evaluation mode, as its run evaluates it)."""
    generator = trainer.generator.train(name != "text")
    output = generator(noise(trainer, n, seed))
    generator.train()
    return {"unit": 2 * output - 1, "text": output.argmax(-1)}.get(name, output)


@pytest.mark.parametrize("name", ["toy", "fixed", "image", "unit", "architecture", "text"])
def test_the_restored_generator_samples_as_the_trainers_own(runs: dict[str, Trainer], name: str) -> None:
    trainer = runs[name]
    expected = trainers_samples(name, trainer, 12, seed=7)  # before sampling moves the fixed data stream
    rng = torch.get_rng_state()
    restored = restore_generator(trainer.run_dir)
    assert torch.equal(torch.get_rng_state(), rng)  # rebuilding drew no numbers from the global stream
    assert (restored.kind, restored.step) == (trainer.setup["experiment"], 2)
    assert torch.equal(restored.sample(12, seed=7), expected)
    assert torch.equal(restored.sample(12, seed=7), expected)  # again: sampling changes nothing restored
    assert not torch.equal(restored.sample(12, seed=8), expected)  # the control: another seed


def test_the_command_in_a_process_of_its_own(runs: dict[str, Trainer], tmp_path: Path) -> None:
    """``python -m paperlib sample`` prints the path it wrote, or says what is wrong (no traceback)
    and exits with status 2; the two processes run side by side."""
    calls = {"toy": runs["toy"].run_dir, "empty": tmp_path}
    processes = {
        name: subprocess.Popen(
            [sys.executable, "-m", "paperlib", "sample", str(folder), "--n", "200", "--seed", "7"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, folder in calls.items()
    }
    (out, err), (_, refusal) = (processes[name].communicate(timeout=300) for name in calls)
    assert processes["toy"].returncode == 0, err
    path = runs["toy"].run_dir / "samples-seed7.png"
    assert out.strip() == str(path)
    with Image.open(path) as picture:
        assert (picture.format, picture.size) == ("PNG", (500, 500))
    assert processes["empty"].returncode == 2 and "Traceback" not in refusal
    assert f"{tmp_path} holds no checkpoint" in refusal and "checkpoint_every" in refusal


def test_image_samples_at_seed_0_are_the_grid_the_trainer_drew(
    runs: dict[str, Trainer], tmp_path: Path
) -> None:
    trainer = runs["image"]
    own_grid = trainer.run_dir / "samples_0000002.png"
    assert main(["sample", str(trainer.run_dir), "--n", str(GRID), "--out", str(tmp_path / "grid.png")]) == 0
    assert (tmp_path / "grid.png").read_bytes() == own_grid.read_bytes()
    path = write_samples(trainer.run_dir, n=5, seed=1)
    assert path == trainer.run_dir / "samples-seed1.png"
    with Image.open(path) as picture:  # 5 images: rows of 2 (isqrt) of 32x32, 2-pixel padding
        assert (picture.format, picture.size) == ("PNG", (2 + 2 * 34, 2 + 3 * 34))


def test_text_samples_are_the_trainers_lines_decoded_by_the_corpus(
    runs: dict[str, Trainer], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trainer = runs["text"]
    corpus = text_corpus("sentences", seq_len=8, max_lines=50, seed=0)
    expected = corpus.decode(trainers_samples("text", trainer, 64, seed=2))
    assert main(["sample", str(trainer.run_dir), "--seed", "2"]) == 0  # 64 lines when not told
    path = trainer.run_dir / "samples-seed2.txt"
    assert capsys.readouterr().out.strip() == str(path)
    assert path.read_text(encoding="utf-8").splitlines() == expected
    # a checkpoint from before checkpoints recorded the characters: they are read from the corpus again
    kept, trainer.decoding = trainer.decoding, None
    try:
        trainer.save(tmp_path / "old" / Trainer.CHECKPOINT)
    finally:
        trainer.decoding = kept
    old = write_samples(tmp_path / "old", seed=2)
    assert old.read_text(encoding="utf-8").splitlines() == expected


def test_what_cannot_be_sampled_is_refused_with_exit_status_2(
    runs: dict[str, Trainer], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sample", str(tmp_path)]) == 2  # a folder without a checkpoint
    assert f"{tmp_path} holds no checkpoint" in capsys.readouterr().err

    damaged = tmp_path / "damaged"
    damaged.mkdir()
    data = (runs["toy"].run_dir / Trainer.CHECKPOINT).read_bytes()
    (damaged / Trainer.CHECKPOINT).write_bytes(data[: len(data) // 2])
    assert main(["sample", str(damaged)]) == 2
    assert f"{damaged / Trainer.CHECKPOINT} is damaged" in capsys.readouterr().err
    with pytest.raises(CheckpointError, match="no intact previous checkpoint"):
        write_samples(damaged)

    existing = tmp_path / "existing.txt"
    existing.write_text("kept\n")
    assert main(["sample", str(runs["text"].run_dir), "--out", str(existing)]) == 2
    refusal = capsys.readouterr().err
    assert f"{existing} exists" in refusal and "--out" in refusal
    assert existing.read_text() == "kept\n"

    assert main(["sample", str(runs["toy"].run_dir), "--n", "0"]) == 2
    assert "n=0 must be an integer >= 1" in capsys.readouterr().err
    assert not list(runs["toy"].run_dir.glob("samples-seed0*"))
    assert main(["sample", str(runs["image"].run_dir), "--n", "1"]) == 2  # batch norm with batch statistics
    assert "n=1: this generator normalises by the statistics of its batch" in capsys.readouterr().err
    assert main(["sample", str(runs["unit"].run_dir), "--n", "1", "--out", str(tmp_path / "one.png")]) == 0


def test_a_checkpoint_that_its_setup_does_not_rebuild_is_refused(
    runs: dict[str, Trainer], tmp_path: Path
) -> None:
    wider = saved_as(runs["toy"], tmp_path / "wider", width=16)
    with pytest.raises(ParameterError, match=r"not the one it saved .*in_features=2, out_features=16"):
        restore_generator(wider)
    other = saved_as(runs["toy"], tmp_path / "other", experiment="proximal")
    with pytest.raises(ParameterError, match="kind 'proximal'"):
        restore_generator(other)
    with pytest.raises(ParameterError, match=r"samples of a text run are a \.txt file"):
        write_samples(runs["text"].run_dir, out=tmp_path / "lines.png")
    shutil.copytree(runs["toy"].run_dir, tmp_path / "copy")
    assert restore_generator(tmp_path / "copy").step == 2  # the control: the unchanged checkpoint is read
