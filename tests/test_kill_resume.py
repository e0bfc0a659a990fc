"""A CPU-scale image run killed with SIGKILL after a checkpoint resumes to the uninterrupted result."""

from __future__ import annotations

import csv
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch

from paperlib.training.trainer import Trainer, read_checkpoint

# not re-run on PyTorch's portable kernels by .ci/run: floats compared only by exact equality of the
# same operations in the same order, never with a tolerance or a threshold (pyproject.toml's marker)
pytestmark = pytest.mark.kernel_independent

SCRIPT = textwrap.dedent(
    """
    import sys
    import torch
    import paperlib as pl

    torch.set_num_threads(1)
    run_dir, steps, resume = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "resume"
    pl.seed_everything(0)
    trainer = pl.Trainer(
        pl.DCGANGenerator(size=32, channels=1, dim=8, noise_dim=16),
        pl.DCGANCritic(size=32, channels=1, dim=8),
        pl.DatasetSampler(pl.image_dataset("digits"), batch_size=16, seed=0),
        regularizer=pl.GradientPenalty(10.0),
        n_critic=2,
        batch_size=16,
        noise_shape=(16,),
        evaluate=lambda t: {"mean": t.sample(16).mean().item()},
        eval_every=5,
        grid_samples=4,
        lr_decay_steps=100,
        run_dir=run_dir,
        checkpoint_every=5,
    )
    trainer.train(steps, resume=resume)
    """
)
STEPS = 40


def _run(script: Path, run_dir: Path, mode: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(script), str(run_dir), str(STEPS), mode])


def _metrics(run_dir: Path) -> list[dict[str, str]]:
    return [
        {k: v for k, v in row.items() if k != "wall"}
        for row in csv.DictReader((run_dir / "metrics.csv").open())
    ]


def test_sigkill_then_resume_equals_uninterrupted_run(tmp_path: Path) -> None:
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    straight, killed = tmp_path / "straight", tmp_path / "killed"
    assert _run(script, straight, "fresh").wait(timeout=300) == 0

    process = _run(script, killed, "fresh")
    checkpoint = killed / Trainer.CHECKPOINT
    deadline = time.monotonic() + 300
    while not checkpoint.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=60) == -signal.SIGKILL, "the run finished before it could be killed"
    saved_step = read_checkpoint(checkpoint)["step"]
    assert 0 < saved_step < STEPS

    assert _run(script, killed, "resume").wait(timeout=300) == 0
    a = read_checkpoint(straight / Trainer.CHECKPOINT)
    b = read_checkpoint(checkpoint)
    assert a["step"] == b["step"] == STEPS
    for net in ("generator", "critic"):
        for key in a[net]:
            assert torch.equal(a[net][key], b[net][key]), (net, key)
    assert {k: v for k, v in a["log"].items() if k != "wall"} == {
        k: v for k, v in b["log"].items() if k != "wall"
    }
    assert _metrics(straight) == _metrics(killed) and len(_metrics(killed)) == STEPS // 5 + 1
    assert sorted(p.name for p in killed.glob("samples_*.png")) == sorted(
        p.name for p in straight.glob("samples_*.png")
    )
