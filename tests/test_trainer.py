"""The trainer (paperlib.training.trainer): iterations, history, evaluation, checkpoints, exact resumption."""

from __future__ import annotations

import math
import pickle
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from torch import nn

from paperlib.config import ParameterError, seed_everything
from paperlib.data.toy import DataPlusNoise, ToySampler
from paperlib.methods.penalized_wasserstein import FirstOrderPenalty
from paperlib.methods.penalties import GradientPenalty, NearFake, WeightClipping
from paperlib.metrics.toy import wasserstein
from paperlib.nets.mlp import toy_critic, toy_generator
from paperlib.training import atomic
from paperlib.training.optimizers import OptimizerSpec
from paperlib.training.trainer import History, Trainer, read_checkpoint

DEFAULT_PENALTY = GradientPenalty(0.1)
DEFAULT_OPTIMIZER = OptimizerSpec()


def _build(
    run_dir: Path | None = None,
    *,
    sampler_seed: int = 1,
    regularizer: Any = DEFAULT_PENALTY,
    optimizer: OptimizerSpec = DEFAULT_OPTIMIZER,
    fixed_generator: bool = False,
    **kwargs: Any,
) -> Trainer:
    """The tiny setup of the resume tests: width-32 toy nets, 8 gaussians, batch 64, n_critic 2.

    The networks are initialised from the current global torch RNG state.
    """
    sampler = ToySampler("8gaussians", seed=sampler_seed)
    generator: nn.Module = DataPlusNoise(sampler) if fixed_generator else toy_generator(width=32)
    critic = toy_critic(width=32)
    options: dict[str, Any] = {
        "regularizer": regularizer,
        "optimizer": optimizer,
        "n_critic": 2,
        "batch_size": 64,
        "generator_steps": 0 if fixed_generator else 1,
    }
    if run_dir is not None:
        options.update(run_dir=run_dir, checkpoint_every=10)
    options.update(kwargs)
    return Trainer(generator, critic, sampler, **options)


def _assert_same_state(a: nn.Module, b: nn.Module) -> None:
    """Equal tensors, and equal extra state (DataPlusNoise's random stream) by its pickled bytes."""
    sa, sb = a.state_dict(), b.state_dict()
    assert sa.keys() == sb.keys()
    for key in sa:
        if torch.is_tensor(sa[key]):
            assert torch.equal(sa[key], sb[key]), key
        else:
            assert pickle.dumps(sa[key]) == pickle.dumps(sb[key]), key


def _assert_same_log(a: History, b: History, skip: tuple[str, ...] = ("wall",)) -> None:
    assert a.columns.keys() == b.columns.keys()
    for key in a.columns:
        if key not in skip:
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def _assert_same_optimizer(a: torch.optim.Optimizer, b: torch.optim.Optimizer) -> None:
    sa, sb = a.state_dict()["state"], b.state_dict()["state"]
    assert sa.keys() == sb.keys()
    for idx in sa:
        for name, value in sa[idx].items():
            other = sb[idx][name]
            assert torch.equal(value, other) if torch.is_tensor(value) else value == other


RESUME_CASES = {
    "gradient_penalty_adam": {"regularizer": GradientPenalty(0.1)},
    "weight_clipping_rmsprop": {
        "regularizer": WeightClipping(0.01),
        "optimizer": OptimizerSpec("rmsprop", 5e-5),
    },
    "fixed_data_plus_noise": {"regularizer": GradientPenalty(0.1), "fixed_generator": True},
    "fogan_near_fake": {  # tau_F at Q'_theta: the generator step draws real batches of its own
        "regularizer": FirstOrderPenalty(0.1, 1.0),
        "fake_points": NearFake(0.01),
    },
    "weight_clipping_tf1_rmsprop": {  # the optimiser of every official RMSProp run (its mean square resumes)
        "regularizer": WeightClipping(0.01),
        "optimizer": OptimizerSpec("rmsprop_tf1", 5e-5),
    },
}


# ---------------------------------------------------------------- (a) resume
@pytest.mark.parametrize("case", sorted(RESUME_CASES))
def test_resume_is_bitwise_identical(case: str, tmp_path: Path) -> None:
    """20 steps straight == 10 steps, then a fresh trainer resuming to 20 (weights, optimisers, log)."""
    options = RESUME_CASES[case]
    seed_everything(0)
    straight = _build(tmp_path / "a", **options).train(20)

    seed_everything(0)
    first = _build(tmp_path / "b", **options).train(10)
    assert first.step == 10 and (tmp_path / "b" / Trainer.CHECKPOINT).is_file()

    # everything fresh and different: network init, sampler seed and global RNG
    torch.manual_seed(999)
    resumed = _build(tmp_path / "b", sampler_seed=12345, **options)
    assert not torch.equal(resumed.critic.head.weight, straight.critic.head.weight)
    torch.manual_seed(999)
    resumed.train(20, resume=True)

    assert resumed.step == straight.step == 20
    _assert_same_state(straight.generator, resumed.generator)
    _assert_same_state(straight.critic, resumed.critic)
    _assert_same_optimizer(straight.opt_d, resumed.opt_d)
    if straight.opt_g is not None:
        _assert_same_optimizer(straight.opt_g, resumed.opt_g)
    assert len(resumed.log) == len(straight.log) == 20
    _assert_same_log(straight.log, resumed.log)
    # the data stream continues identically too
    assert torch.equal(straight.data(8), resumed.data(8))


def test_checkpoints_on_a_wall_clock_interval_change_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """checkpoint_minutes: with a clock that jumps 7 minutes per reading, a 5-minute interval saves
    after every iteration (the previous one is kept as .prev); the run ends as one without any
    checkpoint, and resuming from a time-based checkpoint ends as the uninterrupted run."""
    seed_everything(0)
    plain = _build(None).train(12)
    readings = iter(range(0, 10**6, 420))
    monkeypatch.setattr(time, "monotonic", lambda: float(next(readings)))
    saves = []
    original = Trainer.save
    monkeypatch.setattr(Trainer, "save", lambda self, path: (saves.append(self.step), original(self, path)))
    seed_everything(0)
    timed = _build(tmp_path / "t", checkpoint_every=0, checkpoint_minutes=5.0).train(12)
    assert saves == list(range(1, 13))
    _assert_same_state(plain.critic, timed.critic)
    _assert_same_state(plain.generator, timed.generator)
    _assert_same_log(plain.log, timed.log)
    seed_everything(0)
    _build(tmp_path / "r", checkpoint_every=0, checkpoint_minutes=5.0).train(7)
    torch.manual_seed(999)
    resumed = _build(tmp_path / "r", checkpoint_every=0, checkpoint_minutes=5.0).train(12, resume=True)
    _assert_same_state(plain.critic, resumed.critic)
    _assert_same_log(plain.log, resumed.log)


def test_a_finished_run_is_read_back_and_a_longer_checkpoint_refused(tmp_path: Path) -> None:
    """resume=True on a finished run (what a requeued paper-scale job does) trains nothing and writes
    nothing: the same networks and histories come back and the checkpoint's bytes stay; asking for
    fewer iterations than the checkpoint holds is refused rather than answered with the longer run."""
    seed_everything(0)
    done = _build(tmp_path, eval_every=5, evaluate=lambda t: {"w": float(t.step)}).train(12)
    path = tmp_path / Trainer.CHECKPOINT
    saved = path.read_bytes()
    torch.manual_seed(999)
    again = _build(tmp_path, eval_every=5, evaluate=lambda t: {"w": float(t.step)}).train(12, resume=True)
    assert path.read_bytes() == saved
    _assert_same_state(done.generator, again.generator)
    _assert_same_log(done.log, again.log)
    assert list(again.evals["step"]) == [0, 5, 10, 12]
    with pytest.raises(ParameterError, match="holds 12 generator iterations, more than steps=8"):
        _build(tmp_path, eval_every=5, evaluate=lambda t: {"w": float(t.step)}).train(8, resume=True)
    assert path.read_bytes() == saved


def test_resume_without_checkpoint_starts_fresh(tmp_path: Path) -> None:
    """resume=True with no checkpoint trains from scratch, identical to resume=False."""
    seed_everything(0)
    a = _build(tmp_path / "a").train(5)
    seed_everything(0)
    b = _build(tmp_path / "b").train(5, resume=True)
    _assert_same_state(a.critic, b.critic)
    _assert_same_log(a.log, b.log)


def test_resume_with_sampling_evaluation_is_bitwise_identical(tmp_path: Path) -> None:
    """With an evaluate callback that samples, stopping at 15 and resuming to 20 still equals 20 straight."""

    def evaluate(trainer: Trainer) -> dict[str, float]:
        return {"mean": trainer.sample(16).mean().item()}

    seed_everything(0)
    straight = _build(tmp_path / "a", evaluate=evaluate, eval_every=10).train(20)
    seed_everything(0)
    _build(tmp_path / "b", evaluate=evaluate, eval_every=10).train(15)
    resumed = _build(tmp_path / "b", evaluate=evaluate, eval_every=10).train(20, resume=True)
    _assert_same_state(straight.critic, resumed.critic)
    _assert_same_state(straight.generator, resumed.generator)


def test_resume_accepts_equal_regularizer_written_as_int(tmp_path: Path) -> None:
    """A checkpoint of GradientPenalty(1) resumes with GradientPenalty(1.0): the two are equal."""
    assert GradientPenalty(1) == GradientPenalty(1.0)
    _build(tmp_path, regularizer=GradientPenalty(1)).train(2)
    assert _build(tmp_path, regularizer=GradientPenalty(1.0)).train(4, resume=True).step == 4


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_resume_on_cuda(tmp_path: Path) -> None:
    """A CUDA run can be checkpointed and resumed."""
    _build(tmp_path, device="cuda", checkpoint_every=1).train(2)
    assert _build(tmp_path, device="cuda", checkpoint_every=1).train(4, resume=True).step == 4


# ---------------------------------------------------------------- (b) no silent overwrite
def test_existing_checkpoint_without_resume_raises(tmp_path: Path) -> None:
    """resume=False over an existing checkpoint raises FileExistsError and leaves the file as it was."""
    _build(tmp_path).train(10)
    path = tmp_path / Trainer.CHECKPOINT
    before = path.read_bytes()
    trainer = _build(tmp_path)
    with pytest.raises(FileExistsError, match="resume=True"):
        trainer.train(20)
    assert path.read_bytes() == before
    assert trainer.step == 0 and len(trainer.log) == 0


# ---------------------------------------------------------------- (c) configuration mismatch
@pytest.mark.parametrize(
    ("change", "name"),
    [
        ({"n_critic": 3}, "n_critic"),
        ({"batch_size": 32}, "batch_size"),
        ({"regularizer": GradientPenalty(10.0)}, "regularizer"),
        ({"objective": "non_saturating"}, "objective"),
        ({"optimizer": OptimizerSpec(lr=1e-3)}, "optimizer"),
    ],
)
def test_checkpoint_of_other_configuration_refused(change: dict, name: str, tmp_path: Path) -> None:
    """Resuming a checkpoint written with another configuration raises ParameterError naming the field."""
    _build(tmp_path).train(10)
    trainer = _build(tmp_path, **change)
    critic_before = {k: v.clone() for k, v in trainer.critic.state_dict().items()}
    with pytest.raises(ParameterError, match=name):
        trainer.train(20, resume=True)
    assert trainer.step == 0
    assert all(torch.equal(critic_before[k], v) for k, v in trainer.critic.state_dict().items())


# ---------------------------------------------------------------- (d) atomic checkpoints
def test_checkpoint_written_atomically(tmp_path: Path) -> None:
    """After training, the checkpoint, the one before it and the folder's lock file are left (no
    temporary file), and the last loads with the final step."""
    trainer = _build(tmp_path).train(15)
    names = [Trainer.CHECKPOINT, Trainer.CHECKPOINT + ".prev", Trainer.LOCK]
    assert sorted(p.name for p in tmp_path.iterdir()) == names
    state = read_checkpoint(tmp_path / Trainer.CHECKPOINT)
    assert state["step"] == 15  # written at the end too, not only at multiples of checkpoint_every
    assert state["config"] == trainer.config()
    assert len(state["log"]["step"]) == 15
    assert read_checkpoint(tmp_path / (Trainer.CHECKPOINT + ".prev"))["step"] == 10


def test_failed_save_keeps_previous_checkpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A save that dies before its data reach the disk leaves the checkpoint as it was, and no
    temporary file behind."""
    trainer = _build(tmp_path).train(10)
    path = tmp_path / Trainer.CHECKPOINT
    before = path.read_bytes()

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        trainer.save(path)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.tmp"))


def test_checkpoint_every_needs_run_dir() -> None:
    """checkpoint_every > 0 without a run folder is a parameter error."""
    with pytest.raises(ParameterError, match="run_dir"):
        _build(None, checkpoint_every=5)


# ---------------------------------------------------------------- (e) history
def test_history_columns_and_length() -> None:
    """Rows become columns of floats; len counts rows; h[key] is a NumPy array."""
    h = History()
    assert len(h) == 0
    h.append({"step": 1, "loss": 0.5})
    h.append({"loss": torch.tensor(0.25).item(), "step": 2})
    assert len(h) == 2
    assert h.columns == {"step": [1.0, 2.0], "loss": [0.5, 0.25]}
    assert isinstance(h["loss"], np.ndarray)
    np.testing.assert_array_equal(h["step"], [1.0, 2.0])


@pytest.mark.parametrize(
    "row", [{"step": 3}, {"step": 3, "loss": 1.0, "extra": 2.0}, {"step": 3, "other": 1.0}]
)
def test_history_mismatched_keys(row: dict[str, float]) -> None:
    """A row with missing, extra or other keys raises KeyError and nothing is appended."""
    h = History()
    h.append({"step": 1, "loss": 0.5})
    with pytest.raises(KeyError):
        h.append(row)
    assert len(h) == 1 and h.columns == {"step": [1.0], "loss": [0.5]}


def test_trainer_log_columns() -> None:
    """The log has one row per iteration with step, wall, loss_d, w_estimate and loss_g."""
    trainer = _build().train(4)
    assert set(trainer.log.columns) == {"step", "wall", "loss_d", "w_estimate", "loss_g"}
    np.testing.assert_array_equal(trainer.log["step"], [1, 2, 3, 4])
    assert np.all(np.diff(trainer.log["wall"]) > 0)
    assert np.isfinite(trainer.log["loss_g"]).all()


def test_log_every() -> None:
    """With log_every=3, only iterations 3, 6, 9 are logged."""
    trainer = _build(log_every=3).train(10)
    np.testing.assert_array_equal(trainer.log["step"], [3, 6, 9])


def test_wasserstein_loss_is_minus_estimate() -> None:
    """Without a regularizer the WGAN critic loss equals minus the logged W1 estimate."""
    trainer = _build(regularizer=None).train(3)
    np.testing.assert_array_equal(trainer.log["loss_d"], -trainer.log["w_estimate"])


# ---------------------------------------------------------------- (f) evaluation
@pytest.mark.parametrize(
    ("steps", "every", "expected"), [(10, 3, [0, 3, 6, 9, 10]), (10, 5, [0, 5, 10]), (7, 0, [7])]
)
def test_evaluate_schedule(steps: int, every: int, expected: list[int]) -> None:
    """evaluate runs at 0, every eval_every iterations and once at the end (not twice at a shared step)."""
    seen: list[int] = []

    def evaluate(trainer: Trainer) -> dict[str, float]:
        seen.append(trainer.step)
        return {"twice": 2.0 * trainer.step}

    trainer = _build(evaluate=evaluate, eval_every=every).train(steps)
    assert seen == expected
    np.testing.assert_array_equal(trainer.evals["step"], expected)
    np.testing.assert_array_equal(trainer.evals["twice"], 2.0 * np.array(expected))
    assert set(trainer.evals.columns) == {"step", "wall", "twice"}


# ---------------------------------------------------------------- iterations
class _CountingSampler(ToySampler):
    def __init__(self) -> None:
        super().__init__("8gaussians", seed=0)
        self.calls: list[int] = []

    def __call__(self, n: int) -> torch.Tensor:
        self.calls.append(n)
        return super().__call__(n)


def test_iteration_does_n_critic_critic_steps() -> None:
    """Each iteration draws n_critic real batches of batch_size (one per critic step)."""
    data = _CountingSampler()
    trainer = Trainer(toy_generator(width=8), toy_critic(width=8), data, n_critic=3, batch_size=5)
    trainer.train(4)
    assert data.calls == [5] * 12


def test_generator_step_leaves_critic_trainable_and_unchanged() -> None:
    """A generator step changes the generator only; the critic's requires_grad is restored."""
    trainer = _build()
    critic_before = {k: v.clone() for k, v in trainer.critic.state_dict().items()}
    gen_before = {k: v.clone() for k, v in trainer.generator.state_dict().items()}
    trainer.generator_step()
    assert all(torch.equal(critic_before[k], v) for k, v in trainer.critic.state_dict().items())
    assert any(not torch.equal(gen_before[k], v) for k, v in trainer.generator.state_dict().items())
    assert all(p.requires_grad for p in trainer.critic.parameters())


def test_weight_clipping_applied_in_training() -> None:
    """With weight clipping every critic parameter stays in [-c, c] after training."""
    trainer = _build(regularizer=WeightClipping(0.02), optimizer=OptimizerSpec(lr=1e-2)).train(5)
    assert max(p.abs().max().item() for p in trainer.critic.parameters()) <= 0.02


def test_sample_shape_no_grad() -> None:
    """sample(n) gives n points in the plane without a graph."""
    x = _build().sample(9)
    assert x.shape == (9, 2) and not x.requires_grad


# ---------------------------------------------------------------- (g) fixed generator
def test_generator_steps_zero_keeps_generator() -> None:
    """generator_steps=0: a generator with parameters is untouched, loss_g is NaN, the critic learns."""
    trainer = _build(generator_steps=0)
    assert trainer.opt_g is None
    gen_before = {k: v.clone() for k, v in trainer.generator.state_dict().items()}
    critic_before = {k: v.clone() for k, v in trainer.critic.state_dict().items()}
    trainer.train(5)
    _assert_same_state_dict(gen_before, trainer.generator.state_dict())
    assert all(p.grad is None for p in trainer.generator.parameters())
    assert np.isnan(trainer.log["loss_g"]).all() and len(trainer.log) == 5
    assert any(not torch.equal(critic_before[k], v) for k, v in trainer.critic.state_dict().items())


def _assert_same_state_dict(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> None:
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)


# ---------------------------------------------------------------- parameters
@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n_critic": 0}, "n_critic"),
        ({"generator_steps": -1}, "generator_steps"),
        ({"batch_size": 0}, "batch_size"),
        ({"objective": "hinge"}, "objective"),
        ({"log_every": 0}, "log_every"),
    ],
)
def test_trainer_refuses_bad_parameters(kwargs: dict, name: str) -> None:
    """Invalid trainer parameters are parameter errors naming the parameter."""
    with pytest.raises(ParameterError, match=name):
        _build(**kwargs)


def test_train_refuses_negative_steps() -> None:
    """steps must be an integer >= 0."""
    with pytest.raises(ParameterError, match="steps=-5"):
        _build().train(-5)


def test_optimizer_spec() -> None:
    """adam gets lr and betas; rmsprop gets lr; unknown names and lr <= 0 are refused."""
    params = [nn.Parameter(torch.zeros(2))]
    adam = OptimizerSpec("adam", 1e-3, (0.0, 0.99)).build(params)
    assert isinstance(adam, torch.optim.Adam)
    assert adam.defaults["lr"] == 1e-3 and adam.defaults["betas"] == (0.0, 0.99)
    rms = OptimizerSpec("rmsprop", 5e-5).build(params)
    assert isinstance(rms, torch.optim.RMSprop) and rms.defaults["lr"] == 5e-5
    with pytest.raises(ParameterError, match="optimizer='sgd'"):
        OptimizerSpec("sgd")
    with pytest.raises(ParameterError, match="lr"):
        OptimizerSpec(lr=0.0)


# ---------------------------------------------------------------- (h) it learns
def _w1_eval(held_out: torch.Tensor) -> Callable[[Trainer], dict[str, float]]:
    def evaluate(trainer: Trainer) -> dict[str, float]:
        return {"w1": wasserstein(trainer.sample(500), held_out)}

    return evaluate


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_wgan_gp_learns_8gaussians(seed: int) -> None:
    """WGAN-GP (width 64, Adam 1e-3, betas (0.5, 0.9), lambda 1, n_critic 3, batch 128, 300 iterations)
    brings the exact W1 to 500 held-out samples far below that of the untrained generator.

    Measured on CPU over seeds 0-11 (official initialisation): untrained W1 1.07-2.84, trained W1
    0.20-0.35 (with PyTorch's default initialisation: 1.37-1.40 and 0.24-0.30), two independent
    500-sample sets of the data 0.09-0.14. With lambda 10 or lr 5e-4 (PyTorch initialisation) the same
    budget was unreliable (trained W1 up to 1.7-4.3), hence lambda 1 here. Thresholds: W1 < 0.5 and
    < 0.4 x untrained.
    """
    seed_everything(seed)
    held_out = ToySampler("8gaussians", seed=1000 + seed)(500)
    trainer = Trainer(
        toy_generator(width=64),
        toy_critic(width=64),
        ToySampler("8gaussians", seed=seed),
        regularizer=GradientPenalty(1.0),
        optimizer=OptimizerSpec("adam", 1e-3, (0.5, 0.9)),
        n_critic=3,
        batch_size=128,
        evaluate=_w1_eval(held_out),
        eval_every=300,
    )
    untrained = wasserstein(trainer.sample(500), held_out)
    trainer.train(300)
    trained = trainer.evals["w1"][-1]
    assert list(trainer.evals["step"]) == [0, 300]
    assert math.isfinite(trained)
    assert trained < 0.5
    assert trained < 0.4 * untrained


def test_amp_keeps_the_loss_and_w_estimate_of_an_offset_critic() -> None:
    """A WGAN critic is defined up to a constant. With its outputs near 1000, bfloat16 autocast
    (``amp``) must still give the W estimate of float32 to within bfloat16's rounding of the hidden
    features (measured 0.15% here; bound 5%), because the output layer runs in float32
    (FullPrecisionLinear). Negative control: the same critic with a plain ``nn.Linear`` head gives
    0.0 under amp, which the bound rejects."""

    def w_estimate(amp: bool, plain_head: bool = False) -> float:
        seed_everything(0)
        critic = toy_critic(width=64)
        if plain_head:
            plain = nn.Linear(64, 1)
            plain.load_state_dict(critic.head.state_dict())
            critic.head = plain
        with torch.no_grad():
            critic.head.bias.fill_(1000.0)
        trainer = Trainer(
            toy_generator(width=64),
            critic,
            ToySampler("8gaussians", seed=1),
            batch_size=256,
            n_critic=1,
            amp=amp,
        )
        stats = trainer.critic_step()
        assert stats["loss_d"].dtype == torch.float32
        return stats["w_estimate"].item()

    exact = w_estimate(amp=False)
    assert abs(exact) > 0.01
    assert abs(w_estimate(amp=True) - exact) < 0.05 * abs(exact)
    assert abs(w_estimate(amp=True, plain_head=True) - exact) > 0.05 * abs(exact)
