"""Full-scale trainer options: LR decay, generator batch multiple, metrics.csv, sample grids, AMP."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
import torch
from PIL import Image
from torch import nn

from paperlib.config import ParameterError, seed_everything
from paperlib.methods.penalties import GradientPenalty
from paperlib.training.optimizers import OptimizerSpec
from paperlib.training.trainer import Trainer


def _image_trainer(run_dir: Path | None = None, **kwargs: Any) -> Trainer:
    """A tiny image GAN: 3x4x4 images from 2-D noise, a conv critic, uniform 'data' from the global RNG."""
    generator = nn.Sequential(nn.Linear(2, 48), nn.Unflatten(1, (3, 4, 4)), nn.Tanh())
    critic = nn.Sequential(nn.Conv2d(3, 4, 3), nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(16, 1))
    options: dict[str, Any] = dict(
        regularizer=GradientPenalty(10.0), optimizer=OptimizerSpec("adam", 1e-3), n_critic=2, batch_size=8
    )
    if run_dir is not None:
        options.update(run_dir=run_dir)
    options.update(kwargs)
    return Trainer(generator, critic, lambda n: torch.rand(n, 3, 4, 4) * 2 - 1, **options)


def test_linear_lr_decay_reaches_the_official_schedule() -> None:
    """After k iterations both learning rates are lr * (1 - k / N) (WGAN-GP appendix F)."""
    trainer = _image_trainer(lr_decay_steps=10)
    trainer.train(4)
    for opt in (trainer.opt_d, trainer.opt_g):
        assert abs(opt.param_groups[0]["lr"] - 1e-3 * (1 - 4 / 10)) < 1e-12
    trainer.train(12)
    assert trainer.opt_d.param_groups[0]["lr"] == 0.0


def test_lr_decay_survives_resume(tmp_path: Path) -> None:
    seed_everything(0)
    straight = _image_trainer(tmp_path / "a", lr_decay_steps=10, checkpoint_every=3).train(7)
    seed_everything(0)
    _image_trainer(tmp_path / "b", lr_decay_steps=10, checkpoint_every=3).train(3)
    resumed = _image_trainer(tmp_path / "b", lr_decay_steps=10, checkpoint_every=3).train(7, resume=True)
    assert resumed.opt_g.param_groups[0]["lr"] == straight.opt_g.param_groups[0]["lr"]
    for a, b in zip(straight.generator.parameters(), resumed.generator.parameters(), strict=True):
        assert torch.equal(a, b)


def test_generator_batch_multiple_enlarges_only_the_generator_batch() -> None:
    trainer = _image_trainer(generator_batch_multiple=3)
    sizes: list[int] = []
    trainer.generator.register_forward_hook(lambda m, i, o: sizes.append(len(o)))
    trainer.iteration()
    assert sizes == [8, 8, 24]  # two critic steps at the batch size, one generator step at 3x


def test_metrics_csv_follows_evaluations_and_is_truncated_on_resume(tmp_path: Path) -> None:
    def evaluate(trainer: Trainer) -> dict[str, float]:
        return {"score": float(trainer.step) ** 2}

    _image_trainer(tmp_path, evaluate=evaluate, eval_every=2, checkpoint_every=4).train(4)
    path = tmp_path / Trainer.METRICS
    rows = list(csv.DictReader(path.open()))
    assert [float(r["step"]) for r in rows] == [0, 2, 4] and [float(r["score"]) for r in rows] == [0, 4, 16]
    with path.open("a") as f:  # as if a killed run had evaluated at step 6 after its last checkpoint
        f.write("6.0,0.0,36.0\n")
    _image_trainer(tmp_path, evaluate=evaluate, eval_every=2, checkpoint_every=4).train(4, resume=True)
    assert [float(r["step"]) for r in csv.DictReader(path.open())] == [0, 2, 4]


def test_sample_grid_is_written_at_each_evaluation(tmp_path: Path) -> None:
    _image_trainer(tmp_path, eval_every=2, grid_samples=16).train(4)
    grids = sorted(p.name for p in tmp_path.glob("samples_*.png"))
    assert grids == ["samples_0000000.png", "samples_0000002.png", "samples_0000004.png"]
    width, height = Image.open(tmp_path / grids[1]).size
    assert width == height == 2 + 4 * (4 + 2)  # 4x4 grid of 4-pixel images, 2-pixel padding


def test_grid_noise_is_fixed_across_trainers() -> None:
    assert torch.equal(_image_trainer(grid_samples=4).grid_noise, _image_trainer(grid_samples=4).grid_noise)


def test_amp_and_channels_last_run_on_cpu() -> None:
    trainer = _image_trainer(amp=True, channels_last=True)
    conv = trainer.critic[0].weight
    assert conv.is_contiguous(memory_format=torch.channels_last)
    trainer.train(2)
    assert torch.isfinite(torch.tensor(trainer.log["loss_d"])).all()


def test_critic_optimizer_with_weight_decay_is_the_critics_only() -> None:
    """A critic optimiser of its own (appendix B: weight decay on normalised critics only)."""
    decayed = OptimizerSpec("adam", 1e-3, (0.5, 0.9), weight_decay=1e-3)
    trainer = _image_trainer(critic_optimizer=decayed)
    assert trainer.opt_d.param_groups[0]["weight_decay"] == 1e-3
    assert trainer.opt_g.param_groups[0]["weight_decay"] == 0.0
    assert _image_trainer().opt_d.param_groups[0]["weight_decay"] == 0.0  # default: the shared optimiser
    rms = OptimizerSpec("rmsprop", 5e-5, weight_decay=1e-3).build([nn.Parameter(torch.ones(1))])
    assert rms.param_groups[0]["weight_decay"] == 1e-3


def test_resume_refuses_another_critic_optimizer(tmp_path: Path) -> None:
    _image_trainer(tmp_path, checkpoint_every=1).train(1)
    other = OptimizerSpec("adam", 1e-3, (0.5, 0.9), weight_decay=1e-3)
    with pytest.raises(ParameterError, match="critic_optimizer"):
        _image_trainer(tmp_path, checkpoint_every=1, critic_optimizer=other).train(2, resume=True)
