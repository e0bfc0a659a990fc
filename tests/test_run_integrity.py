"""Run integrity: a diverged run is never a result, and a damaged checkpoint is never used."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from paperlib import (
    CheckpointError,
    DivergedError,
    GradientPenalty,
    OptimizerSpec,
    ParameterError,
    Trainer,
    check_float,
    frechet_distance,
    images_to_uint8,
    read_checkpoint,
    run_toy,
    toy_trainer,
)
from paperlib.metrics.images import class_score_from_logits
from paperlib.metrics.toy import mmd, mode_statistics, wasserstein

TOY = dict(seed=0, width=16, batch_size=32, n_critic=1, eval_every=1, eval_samples=64)


# ---------------------------------------------------------------- a diverged run
@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, np.float64("nan")])
def test_parameters_must_be_finite(value: float) -> None:
    with pytest.raises(ParameterError, match="lam=.* must be a finite number"):
        check_float("lam", value)
    with pytest.raises(ParameterError, match="penalty weight"):
        GradientPenalty(value)


def test_an_exploding_run_stops_naming_the_run_iteration_and_loss(tmp_path: Path) -> None:
    """Learning rate 1e30 (the probe of the issue: its W1 read 0.0, a perfect score): the run stops
    at the first non-finite loss or weight; nothing of that iteration is evaluated or saved, every
    recorded W1 is a real distance, and the last checkpoint is the one before, as it was."""
    run = tmp_path / "run"
    trainer = toy_trainer(
        "8gaussians", optimizer=OptimizerSpec("adam", 1e30), run_dir=run, checkpoint_every=1, **TOY
    )
    with pytest.raises(DivergedError, match=r"run .*run diverged: the (critic|generator)") as error:
        trainer.train(50)
    bad = trainer.step
    assert 1 <= bad < 50 and f"at generator iteration {bad}." in str(error.value)
    assert "its last checkpoint" in str(error.value) or bad == 1
    assert trainer.log.columns.get("step", [])[: bad - 1] == list(range(1, bad))
    assert trainer.evals["step"][-1] == bad - 1
    assert np.isfinite(trainer.evals["w1"]).all() and (trainer.evals["w1"] > 0).all()
    if bad > 1:
        assert read_checkpoint(run / Trainer.CHECKPOINT)["step"] == bad - 1


def test_a_fixed_generator_run_with_a_nan_critic_loss_stops_too() -> None:
    """Figure 1a's set-up has no generator loss (NaN by design); the critic's loss is still checked."""
    trainer = toy_trainer("8gaussians", fixed_generator_std=0.1, optimizer=OptimizerSpec("adam", 1e30), **TOY)
    with pytest.raises(DivergedError, match="critic loss"):
        trainer.train(50)
    healthy = toy_trainer("8gaussians", fixed_generator_std=0.1, **TOY).train(3)  # the control
    assert healthy.step == 3


def test_metrics_refuse_non_finite_inputs() -> None:
    good = torch.randn(50, 2)
    bad = good.clone()
    bad[3, 1] = float("nan")
    assert wasserstein(good, good + 1) > 0.9  # the control: finite samples are measured
    for metric in (wasserstein, mmd):
        with pytest.raises(ValueError, match="samples contain NaN"):
            metric(bad, good)
    with pytest.raises(ValueError, match="samples contain NaN"):
        mode_statistics(bad, torch.zeros(1, 2), std=1.0)
    with pytest.raises(ValueError, match="features contain NaN"):
        frechet_distance(bad, good)
    with pytest.raises(ValueError, match="logits contain NaN"):
        class_score_from_logits(torch.full((20, 10), float("inf")))
    with pytest.raises(ValueError, match="images contain NaN"):
        images_to_uint8(torch.full((1, 3, 4, 4), float("nan")))


def test_a_healthy_toy_run_is_untouched_by_the_checks() -> None:
    """The control of the divergence check: a run at the chapter's learning rate trains on."""
    result = run_toy(5, dataset="8gaussians", **TOY)
    assert len(result.evals) == 6 and np.isfinite(result.evals["w1"]).all()


# ---------------------------------------------------------------- damaged checkpoints
def _saved(tmp_path: Path, steps: tuple[int, ...] = (2, 4)) -> tuple[Path, dict]:
    """A toy run checkpointed at each of ``steps`` (the last two kept: checkpoint.pt and .prev)."""
    kwargs = dict(TOY, run_dir=tmp_path, checkpoint_every=2)
    for n in steps:
        toy_trainer("8gaussians", **kwargs).train(n, resume=True)
    path = tmp_path / Trainer.CHECKPOINT
    return path, read_checkpoint(path)


def _flip_a_weight_byte(path: Path) -> None:
    """Flip one byte well inside the payload (inside a stored tensor, where torch checks nothing)."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("damage", "phrase"),
    [
        (lambda p: p.write_bytes(b""), "is empty"),
        (lambda p: p.write_bytes(p.read_bytes()[:200]), "does not match its checksum"),
        (lambda p: p.write_bytes(b"\x00garbage" * 100), "does not start with a paperlib checkpoint header"),
        (_flip_a_weight_byte, "does not match its checksum"),
    ],
    ids=["emptied", "truncated", "garbage", "flipped-byte"],
)
def test_a_damaged_checkpoint_is_named_and_the_previous_offered(tmp_path: Path, damage, phrase: str) -> None:  # noqa: ANN001
    path, state = _saved(tmp_path)
    assert state["step"] == 4
    damage(path)
    trainer = toy_trainer("8gaussians", **dict(TOY, run_dir=tmp_path, checkpoint_every=2))
    with pytest.raises(CheckpointError) as error:
        trainer.train(6, resume=True)
    message = str(error.value)
    assert str(path) in message and phrase in message
    assert "previous checkpoint" in message and "(generator iteration 2) is intact" in message
    assert f"mv {path}.prev {path}" in message
    assert trainer.step == 0  # nothing trained, nothing overwritten
    (tmp_path / (Trainer.CHECKPOINT + ".prev")).replace(path)  # what the message says to do
    assert (
        toy_trainer("8gaussians", **dict(TOY, run_dir=tmp_path, checkpoint_every=2))
        .train(6, resume=True)
        .step
        == 6
    )


def test_without_an_intact_previous_checkpoint_the_message_says_so(tmp_path: Path) -> None:
    path, _ = _saved(tmp_path, steps=(2,))
    path.write_bytes(b"")
    with pytest.raises(CheckpointError, match="there is no intact previous checkpoint"):
        read_checkpoint(path)


def test_a_foreign_payload_with_a_valid_checksum_is_refused(tmp_path: Path) -> None:
    """A file that verifies but holds no trainer state (other keys) says so."""
    from paperlib.training.trainer import _checkpoint_bytes

    path = tmp_path / "checkpoint.pt"
    path.write_bytes(_checkpoint_bytes({"weights": torch.zeros(3)}))
    with pytest.raises(CheckpointError, match="holds no trainer state"):
        read_checkpoint(path)


# ---------------------------------------------------------------- a resume never mixes two runs
@pytest.mark.parametrize(
    ("change", "phrase"),
    [
        ({"dataset": "25gaussians"}, "setup.dataset: '8gaussians' -> '25gaussians'"),
        ({"seed": 1}, "setup.seed: 0 -> 1"),
        ({"eval_samples": 32}, "setup.eval_samples: 64 -> 32"),
        ({"width": 8}, "setup.width: 16 -> 8"),
        ({"regularizer": GradientPenalty(1.0)}, "regularizer"),
        ({"eval_every": 3}, "eval_every: 1 -> 3"),  # a history of two cadences spliced together
        ({"log_every": 2}, "log_every: 1 -> 2"),
    ],
    ids=["dataset", "seed", "eval-samples", "width", "regularizer", "eval-every", "log-every"],
)
def test_resume_under_another_setup_is_refused_naming_it(tmp_path: Path, change: dict, phrase: str) -> None:
    settings = dict(TOY, dataset="8gaussians", run_dir=tmp_path, checkpoint_every=2)
    toy_trainer(**settings).train(2)
    before = (tmp_path / Trainer.CHECKPOINT).read_bytes()
    with pytest.raises(ParameterError, match="written by another run") as error:
        toy_trainer(**{**settings, **change}).train(4, resume=True)
    assert phrase in str(error.value) and str(tmp_path) in str(error.value)
    assert (tmp_path / Trainer.CHECKPOINT).read_bytes() == before  # nothing overwritten
    assert toy_trainer(**settings).train(4, resume=True).step == 4  # the control: same setup resumes


def test_networks_of_the_same_shapes_but_another_activation_are_refused(tmp_path: Path) -> None:
    """ReLU and tanh critics have the same parameter shapes: load_state_dict would accept either."""
    from paperlib.data.toy import ToySampler
    from paperlib.nets.mlp import toy_critic, toy_generator

    def trainer(activation: str) -> Trainer:
        return Trainer(
            toy_generator(width=8),
            toy_critic(width=8, activation=activation),
            ToySampler("8gaussians", 0),
            run_dir=tmp_path,
            checkpoint_every=1,
            batch_size=16,
        )

    trainer("relu").train(1)
    with pytest.raises(
        ParameterError, match=r"critic: '\(0\): ReLU\(\)' -> '\(0\): Tanh\(\)'|critic: .*ReLU.*Tanh"
    ):
        trainer("tanh").train(2, resume=True)


def test_extending_a_finished_run_adds_no_evaluation_row(tmp_path: Path) -> None:
    """train(7) then train(12, resume=True) evaluates where an uninterrupted train(12) does: the
    closing evaluation at 7 (off the every-5 grid) goes, and the metrics file agrees."""
    settings = dict(TOY, dataset="8gaussians", eval_every=5)
    straight = toy_trainer(**settings).train(12)
    extended = dict(settings, run_dir=tmp_path, checkpoint_every=5)
    first = toy_trainer(**extended).train(7)
    assert list(first.evals["step"]) == [0, 5, 7]
    resumed = toy_trainer(**extended).train(12, resume=True)
    assert list(resumed.evals["step"]) == list(straight.evals["step"]) == [0, 5, 10, 12]
    assert np.array_equal(resumed.evals["w1"], straight.evals["w1"])
    rows = (tmp_path / Trainer.METRICS).read_text().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == ["0.0", "5.0", "10.0", "12.0"]


# ---------------------------------------------------------------- one writer per run folder
def test_a_second_process_on_a_run_folder_is_refused_until_the_first_ends(tmp_path: Path) -> None:
    """Another process holds the folder's lock: this run is refused, naming the folder, and trains
    once that process is gone (killed: the operating system releases its lock)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from filelock import FileLock; lock = FileLock(sys.argv[1]); lock.acquire(); "
            "print('held', flush=True); time.sleep(120)",
            str(tmp_path / Trainer.LOCK),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(RuntimeError, match=f"run folder {tmp_path} is in use by another process"):
            toy_trainer("8gaussians", **dict(TOY, run_dir=tmp_path)).train(1)
        assert not (tmp_path / Trainer.METRICS).exists()
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert toy_trainer("8gaussians", **dict(TOY, run_dir=tmp_path)).train(1).step == 1


def test_temporary_files_have_names_of_their_own(tmp_path: Path) -> None:
    """Two writers of one path never share a temporary file (the old fixed name lost 8 of 240
    concurrent result writes): each write leaves the complete content of one of them."""
    from concurrent.futures import ThreadPoolExecutor

    from paperlib.training.atomic import write_text

    target = tmp_path / "result.json"
    texts = [f"{k}\n" * 2000 for k in range(40)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda t: write_text(target, t), texts))
    assert target.read_text() in texts
    assert not list(tmp_path.glob("*.tmp"))


def test_a_folder_with_only_the_previous_checkpoint_is_not_restarted(tmp_path: Path) -> None:
    """checkpoint.pt removed by hand, .prev left: the run is refused (it used to start from step 0
    and overwrite .prev), and after the mv the message suggests it resumes."""
    path, _ = _saved(tmp_path)
    path.unlink()
    settings = dict(TOY, run_dir=tmp_path, checkpoint_every=2)
    with pytest.raises(CheckpointError, match=r"is missing but .*\.prev is there.*mv "):
        toy_trainer("8gaussians", **settings).train(6, resume=True)
    assert read_checkpoint(tmp_path / (Trainer.CHECKPOINT + ".prev"))["step"] == 2
    (tmp_path / (Trainer.CHECKPOINT + ".prev")).replace(path)
    assert toy_trainer("8gaussians", **settings).train(6, resume=True).step == 6
