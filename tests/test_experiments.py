"""Running several toy experiments: order, processes, and what a run hands back."""

from __future__ import annotations

import os

import torch

from paperlib import GradientPenalty, OptimizerSpec, RunResult, WeightClipping, run_many, run_toy, toy_trainer


def test_run_many_keeps_job_order_in_one_process_and_in_several() -> None:
    jobs = [{"a": k} for k in range(5)]
    assert run_many(dict, jobs, workers=1) == jobs
    assert run_many(dict, jobs, workers=2) == jobs


def test_run_many_uses_other_processes_when_asked() -> None:
    pids = run_many(os.getpid, [{}, {}, {}], workers=2)
    assert os.getpid() not in pids
    assert run_many(os.getpid, [{}], workers=2) == [os.getpid()]  # a single job runs here


def test_run_toy_returns_histories_and_networks() -> None:
    result = run_toy(
        steps=6,
        dataset="25gaussians",
        seed=3,
        width=16,
        eval_every=3,
        eval_samples=64,
        regularizer=GradientPenalty(0.1),
        optimizer=OptimizerSpec(),
        batch_size=32,
    )
    assert isinstance(result, RunResult)
    assert list(result.evals["step"]) == [0, 3, 6]
    assert (result.evals["w1"] > 0).all()
    assert len(result.log) == 6 and result.wall > 0
    assert result.generator(torch.zeros(4, 2)).shape == (4, 2)


def test_toy_trainer_is_seeded_and_fixed_generator_is_not_trained() -> None:
    a = toy_trainer("8gaussians", seed=1, width=8)
    b = toy_trainer("8gaussians", seed=1, width=8)
    assert all(torch.equal(p, q) for p, q in zip(a.critic.parameters(), b.critic.parameters(), strict=True))
    fixed = toy_trainer(
        "swissroll",
        seed=0,
        width=8,
        fixed_generator_std=1.0,
        n_critic=1,
        regularizer=WeightClipping(0.01),
        batch_size=16,
        eval_samples=32,
    )
    fixed.train(3)
    assert fixed.generator_steps == 0 and fixed.opt_g is None
    assert all(fixed.log["loss_g"] != fixed.log["loss_g"])  # NaN: no generator loss
