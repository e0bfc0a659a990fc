"""The experimental set-ups (toy and image): what a run hands back."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch
from fakes import accept_fake_cifar, save_random_inception_weights, write_cifar

from paperlib import (
    DatasetMissingError,
    GradientPenalty,
    OptimizerSpec,
    ParameterError,
    ResNetCritic,
    RunResult,
    WeightClipping,
    image_dataset,
    image_size,
    image_trainer,
    run_image,
    run_toy,
    toy_trainer,
)
from paperlib.data.images import IMAGE_DATASETS
from paperlib.methods.penalized_wasserstein import FirstOrderPenalty, LipschitzPenalty
from paperlib.nets.dcgan import SIZES

TINY_IMAGE_RUN = dict(seed=0, dim=4, noise_dim=8, batch_size=8, n_critic=1, regularizer=GradientPenalty(10.0))


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


FIXED_TOY = dict(
    seed=0, width=8, fixed_generator_std=1.0, n_critic=1, regularizer=GradientPenalty(10.0), batch_size=16
)


def test_fixed_generator_stream_is_neither_perturbed_by_evaluation_nor_lost_on_resume(tmp_path: Path) -> None:
    """Figure 1a's DataPlusNoise draws real batches from a stream of its own: evaluating it every step
    (which draws from it too) leaves the critic as without evaluation, and a run resumed from a
    checkpoint ends as the uninterrupted one. Same operations in the same order: equal bits."""
    plain = toy_trainer("8gaussians", eval_every=0, **FIXED_TOY).train(6)
    evaluated = toy_trainer("8gaussians", eval_every=1, eval_samples=32, **FIXED_TOY).train(6)
    checkpointed = dict(FIXED_TOY, run_dir=tmp_path, checkpoint_every=3)
    first = toy_trainer("8gaussians", **checkpointed).train(3)
    assert (tmp_path / first.CHECKPOINT).is_file()
    resumed = toy_trainer("8gaussians", **checkpointed).train(6, resume=True)
    for other in (evaluated, resumed):
        for p, q in zip(plain.critic.parameters(), other.critic.parameters(), strict=True):
            assert torch.equal(p, q)


def test_image_size_is_a_dcgan_size() -> None:
    """Every data set's native side (MNIST at 28x28, as gan_mnist.py) has a DCGAN."""
    assert [image_size(d) for d in ("digits", "mnist", "cifar10", "stl10", "celeba")] == [32, 28, 32, 48, 64]
    assert {image_size(d) for d in IMAGE_DATASETS} <= set(SIZES)
    with pytest.raises(ParameterError, match="dataset='svhn'"):
        image_size("svhn")


def test_run_image_on_digits_records_the_digits_metrics() -> None:
    result = run_image(steps=4, dataset="digits", eval_every=2, eval_samples=20, **TINY_IMAGE_RUN)
    assert list(result.evals["step"]) == [0, 2, 4]
    assert set(result.evals.columns) == {"step", "wall", "digits_fd", "digits_score"}
    assert (result.evals["digits_fd"] > 0).all()
    assert ((result.evals["digits_score"] >= 1) & (result.evals["digits_score"] <= 10)).all()
    assert result.generator(torch.zeros(3, 8)).shape == (3, 1, 32, 32)


def test_dcgan_on_digits_learns() -> None:
    """A small DCGAN with the penalty, 100 iterations at a CPU-scale learning rate: the classifier
    Frechet distance falls below 0.4 of the untrained generator's (measured, seeds 0-3: 0.12-0.26)."""
    result = run_image(
        steps=100,
        dataset="digits",
        eval_every=100,
        eval_samples=200,
        optimizer=OptimizerSpec("adam", 1e-3, (0.5, 0.9)),
        **{**TINY_IMAGE_RUN, "dim": 8, "batch_size": 16},
    )
    untrained, trained = result.evals["digits_fd"]
    assert trained < 0.4 * untrained


@pytest.mark.parametrize(
    "penalty", [GradientPenalty(10.0), LipschitzPenalty(0.5), FirstOrderPenalty(0.5, 1.0)]
)
def test_batch_norm_critic_is_refused_with_a_penalty_only(penalty: object) -> None:
    with pytest.raises(ParameterError, match="norm='layer'"):  # every penalty paid per sample
        image_trainer("digits", critic_norm="batch", **{**TINY_IMAGE_RUN, "regularizer": penalty})
    clipped = image_trainer(
        "digits", critic_norm="batch", **{**TINY_IMAGE_RUN, "regularizer": WeightClipping(0.01)}
    )
    assert any(isinstance(m, torch.nn.BatchNorm2d) for m in clipped.critic.modules())


def test_missing_image_dataset_names_the_files(tmp_path: Path) -> None:
    with pytest.raises(DatasetMissingError, match="cifar-10-batches-py"):
        image_trainer("cifar10", root=str(tmp_path), download=False, **TINY_IMAGE_RUN)


def test_run_image_on_cifar10_reaches_inception_score_and_fid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real CIFAR-10 loader (on fake files) and the torch-fidelity path (random TF-Inception weights):
    every evaluation records IS and FID, and the training set's statistics are cached once."""
    data = tmp_path / "data"
    write_cifar(data, per_batch=4, identical=True)  # one image: covariance 0 keeps the FID cheap
    accept_fake_cifar(data, monkeypatch)
    monkeypatch.setenv("HOME", str(tmp_path))  # the FID statistics cache: ~/.cache/paperlib/fidelity
    weights = save_random_inception_weights(tmp_path / "inception.pth")
    result = run_image(
        steps=1,
        dataset="cifar10",
        root=str(data),
        download=False,
        eval_every=1,
        eval_samples=10,
        weights_path=str(weights),
        **TINY_IMAGE_RUN,
    )
    assert set(result.evals.columns) == {"step", "wall", "inception_score", "inception_score_std", "fid"}
    assert list(result.evals["step"]) == [0, 1]
    assert all(math.isfinite(v) for column in result.evals.columns.values() for v in column)
    # IS >= 1 in exact arithmetic; a near-uniform random network reaches 1 - 1e-16 in float64
    assert (result.evals["inception_score"] >= 1 - 1e-6).all()
    assert (
        len(list((tmp_path / ".cache" / "paperlib" / "fidelity").glob("paperlib-cifar10-train-32-*fid*")))
        == 1
    )
    assert result.generator(torch.zeros(2, 8)).shape == (2, 3, 32, 32)


def test_train_subset_and_critic_losses_on_seen_and_held_out_images() -> None:
    """Figure 5b's three sets: training images, held-out ones, and other held-out ones (the null
    comparison), disjoint, each scored against the same generated batch."""
    trainer = image_trainer(
        "digits",
        train_subset=40,
        validation_images=16,
        eval_samples=20,
        **{**TINY_IMAGE_RUN, "regularizer": WeightClipping(0.05)},
    )
    assert len(trainer.data.dataset) == 40
    trainer.eval_every = 1
    trainer.train(1)
    splits = ("train", "validation", "unseen")
    assert {f"neg_critic_loss_{s}" for s in splits} | {"digits_fd"} <= set(trainer.evals.columns)
    # without a penalty the negative critic loss is E[D(real)] - E[D(fake)]: recompute it directly
    order = np.random.RandomState(0).permutation(1797)
    indices = {"train": order[:16], "validation": order[40:56], "unseen": order[56:72]}
    assert trainer.data.dataset.indices[:16] == indices["train"].tolist()
    real = image_dataset("digits")
    noise = torch.randn(16, 8, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        fake_score = trainer.critic(trainer.generator(noise)).mean()
        for split in splits:
            images = torch.stack([real[i][0] for i in indices[split]])
            expected = (trainer.critic(images).mean() - fake_score).item()
            assert trainer.evals[f"neg_critic_loss_{split}"][-1] == pytest.approx(expected, rel=1e-5), split
    assert len({trainer.evals[f"neg_critic_loss_{s}"][-1] for s in splits}) == 3


@pytest.mark.parametrize("clipping", [False, True], ids=["wgan-gp", "clipping"])
def test_gan_mnist_networks_train_on_unit_range_images(clipping: bool) -> None:
    """Figure 5b's set-up as gan_mnist.py: 28x28, a sigmoid generator on data in [0, 1]; batch norm
    in both networks with clipping, in neither with the penalty. The critic sees [0, 1] images (the
    same digits as the [-1, 1] set, mapped), the metric [-1, 1] images at 32x32."""
    settings = dict(TINY_IMAGE_RUN, regularizer=WeightClipping(0.01)) if clipping else TINY_IMAGE_RUN
    trainer = image_trainer(
        "digits",
        size=28,
        output="sigmoid",
        generator_batch_norm=clipping,
        critic_norm="batch" if clipping else "none",
        train_subset=16,
        validation_images=8,
        eval_samples=20,
        **settings,
    )
    batch = trainer.data(8)
    assert batch.shape == (8, 1, 28, 28) and batch.min() >= 0 and batch.max() <= 1
    signed = image_dataset("digits", size=28)
    first = trainer.data.dataset.indices[0]
    assert torch.equal(trainer.data.dataset[0][0], (signed[first][0] + 1) / 2)
    for net in (trainer.generator, trainer.critic):
        assert any(isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in net.modules()) == clipping
    assert isinstance(trainer.generator.head[-1], torch.nn.Sigmoid)
    trainer.eval_every = 1
    trainer.train(1)
    assert 1 <= trainer.evals["digits_score"][-1] <= 10 and trainer.evals["digits_fd"][-1] > 0


def test_image_options_that_do_not_apply_are_refused() -> None:
    with pytest.raises(ParameterError, match="output='sigmoid' applies to architecture='dcgan' only"):
        image_trainer("digits", architecture="resnet", output="sigmoid", **TINY_IMAGE_RUN)
    with pytest.raises(ParameterError, match="size=28: the ResNet of appendix F is 32x32"):
        image_trainer("digits", architecture="resnet", size=28, **TINY_IMAGE_RUN)
    with pytest.raises(ParameterError, match="dequantize=True is for data in"):
        image_trainer("digits", output="sigmoid", dequantize=True, **TINY_IMAGE_RUN)
    with pytest.raises(ParameterError, match="size=40.*28, 32, 48, 64"):
        image_trainer("digits", size=40, **TINY_IMAGE_RUN)
    with pytest.raises(ParameterError, match="output='softmax'"):
        image_trainer("digits", output="softmax", **TINY_IMAGE_RUN)


@pytest.mark.parametrize(
    "subset, validation, phrase",
    [
        (0, 10, "needs train_subset"),
        (1780, 10, "plus twice validation_images=10 .* at most the 1797 images"),
        (8, 16, "validation_images=16 must be at most train_subset=8"),  # crashed at evaluation before
    ],
)
def test_bad_subsets_are_refused(subset: int, validation: int, phrase: str) -> None:
    with pytest.raises(ParameterError, match=phrase):
        image_trainer("digits", train_subset=subset, validation_images=validation, **TINY_IMAGE_RUN)


def test_resnet_architecture_on_one_channel_digits() -> None:
    result = run_image(
        steps=1, dataset="digits", architecture="resnet", eval_every=1, eval_samples=20, **TINY_IMAGE_RUN
    )
    assert result.generator(torch.zeros(2, 8)).shape == (2, 1, 32, 32)
    assert isinstance(result.critic, ResNetCritic) and list(result.evals["step"]) == [0, 1]
    with pytest.raises(ParameterError, match="critic_norm='layer'"):
        image_trainer("digits", architecture="resnet", critic_norm="layer", **TINY_IMAGE_RUN)
    with pytest.raises(ParameterError, match="architecture='vgg'"):
        image_trainer("digits", architecture="vgg", **TINY_IMAGE_RUN)


def test_critic_losses_refuse_sets_of_different_sizes() -> None:
    """Each set is scored against one generated batch of its size: sets of two sizes are refused."""
    from paperlib.setups import critic_losses

    trainer = image_trainer("digits", **TINY_IMAGE_RUN)
    images = torch.zeros(4, 1, 32, 32)
    assert set(critic_losses(trainer, {"a": images, "b": images}, seed=0)) == {
        "neg_critic_loss_a",
        "neg_critic_loss_b",
    }
    with pytest.raises(ParameterError, match=r"equally large, got sizes \[3, 4\]"):
        critic_losses(trainer, {"a": images, "b": images[:3]}, seed=0)


def test_an_affine_generator_is_six_parameters_and_excludes_a_fixed_one() -> None:
    trainer = toy_trainer("8gaussians", seed=0, width=8, generator="affine")
    assert sum(p.numel() for p in trainer.generator.parameters()) == 6
    assert trainer.config()["setup"]["generator"] == "affine"
    assert "generator" not in toy_trainer("8gaussians", seed=0, width=8).config()["setup"]  # old runs resume
    with pytest.raises(ParameterError, match="fixed_generator_std=0.1 .* generator='affine'"):
        toy_trainer("8gaussians", seed=0, fixed_generator_std=0.1, generator="affine")
    with pytest.raises(ParameterError, match="generator"):
        toy_trainer("8gaussians", seed=0, generator="conv")
