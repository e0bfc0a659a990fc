"""The papers' experimental set-ups, ready to train (run side by side with :mod:`paperlib.training.parallel`).

* :func:`toy_trainer` / :func:`run_toy`: the toy experiment of the official WGAN-GP code (MLPs on
  8 gaussians, 25 gaussians or the swiss roll), evaluated by the exact W1 to held-out data.
* :func:`image_trainer` / :func:`run_image`: a DCGAN pair (WGAN-GP section 5.3, ``gan_cifar.py``) on
  an image data set, evaluated by Inception Score and FID (TF-Inception, through torch-fidelity) on
  the papers' data sets, and by the digits-classifier Fréchet distance and class score on ``digits``,
  the CPU-scale default.
* :func:`text_trainer` / :func:`run_text`: the character-level language GAN (WGAN-GP section 5.5,
  ``gan_language.py``) on a :mod:`~paperlib.data.text` corpus, evaluated by the n-gram JSD of
  argmax-decoded samples to the corpus.

A set-up picks the networks, the data and the evaluation; the method (objective, regularizer,
optimiser, critic steps, ...) is passed through to :class:`~paperlib.training.trainer.Trainer` unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import Dataset, Subset

from paperlib.config import ParameterError, check_bool, check_choice, check_finite, check_int, seed_everything
from paperlib.data.catalog import IMAGE_DATASETS, IMAGE_SHAPES
from paperlib.data.sampler import DatasetSampler
from paperlib.data.text import text_corpus
from paperlib.data.toy import DataPlusNoise, ToySampler
from paperlib.methods.penalized_wasserstein import FirstOrderPenalty, LipschitzPenalty
from paperlib.methods.penalties import GradientPenalty
from paperlib.metrics.text import NgramReference
from paperlib.metrics.toy import wasserstein
from paperlib.nets.architectures import Architecture
from paperlib.nets.dcgan import OUTPUTS, SIZES, DCGANCritic, DCGANGenerator
from paperlib.nets.mlp import toy_critic, toy_generator
from paperlib.nets.resnet import ResNetCritic, ResNetGenerator
from paperlib.nets.text import TextCritic, TextGenerator
from paperlib.training.trainer import History, Trainer

HELD_OUT_SEED = 2**31 - 1  # seed of the held-out real set of toy evaluations (never a training seed)
TOY_GENERATORS = ("mlp", "affine", "line")


def toy_trainer(
    dataset: str,
    *,
    seed: int,
    width: int = 512,
    depth: int = 4,
    eval_samples: int = 1000,
    fixed_generator_std: float | None = None,
    generator: str = "mlp",
    device: torch.device | str = "cpu",
    **trainer_kwargs: Any,
) -> Trainer:
    """The toy experiment of the official WGAN-GP code (``gan_toy.py``), seeded by ``seed``.

    ReLU MLPs of ``depth`` layers and width ``width`` (official: 4 and 512) for both networks,
    2-D Gaussian noise, data from :class:`~paperlib.data.toy.ToySampler`. With
    ``fixed_generator_std`` the generator is held at real data plus Gaussian noise of that std
    (WGAN-GP Figure 1a) and only the critic is trained. ``generator="affine"`` replaces the
    generator by one linear map ``z -> A z + b`` of the noise (six parameters: a generator small
    enough to differentiate the divergence in each parameter by finite differences);
    ``generator="line"`` by ``z -> a z + b`` of one-dimensional noise (four parameters), whose
    samples lie on a line: a measure-zero support, as the First Order GAN paper's generated
    submanifolds, on which a critic's values do not fix its gradient across the line. Every
    evaluation is the exact W1 between ``eval_samples`` generated points (fixed noise) and as many
    held-out real points, recorded as ``trainer.evals["w1"]``. Other keywords go to
    :class:`~paperlib.training.trainer.Trainer`.
    """
    noise_dim = _toy_noise_dim(generator)
    seed_everything(seed)
    held_out = ToySampler(dataset, HELD_OUT_SEED)(eval_samples).to(device)
    fixed_noise = torch.randn(eval_samples, noise_dim, generator=torch.Generator().manual_seed(seed)).to(
        device
    )

    def evaluate(trainer: Trainer) -> dict[str, float]:
        with torch.no_grad():
            return {"w1": wasserstein(trainer.generator(fixed_noise), held_out)}

    network = toy_generator_network(
        dataset,
        seed=seed,
        width=width,
        depth=depth,
        fixed_generator_std=fixed_generator_std,
        generator=generator,
        device=device,
    )
    if fixed_generator_std is not None:
        trainer_kwargs["generator_steps"] = 0
    setup = dict(
        experiment="toy",
        dataset=dataset,
        seed=seed,
        width=width,
        depth=depth,
        eval_samples=eval_samples,
        fixed_generator_std=fixed_generator_std,
    ) | ({"generator": generator} if generator != "mlp" else {})  # older checkpoints name no generator
    return Trainer(
        network,
        toy_critic(depth, width),
        ToySampler(dataset, seed, device),
        noise_shape=(noise_dim,),
        evaluate=evaluate,
        device=device,
        setup=setup,
        **trainer_kwargs,
    )


def _toy_noise_dim(generator: str) -> int:
    """The dimension of the noise of a toy ``generator`` (one of ``TOY_GENERATORS``): 1 for ``"line"``,
    2 for the others."""
    return 1 if check_choice("generator", generator, TOY_GENERATORS) == "line" else 2


def toy_generator_network(
    dataset: str,
    *,
    seed: int,
    width: int,
    depth: int,
    fixed_generator_std: float | None = None,
    generator: str = "mlp",
    device: torch.device | str = "cpu",
) -> nn.Module:
    """The generator :func:`toy_trainer` builds with these settings (see there), its weights drawn from
    torch's global random stream: the MLP ``toy_generator(depth, width)``, the map of ``"affine"``
    or ``"line"``, or with ``fixed_generator_std`` the fixed data-plus-noise generator, whose data
    stream is seeded by ``seed + 1``."""
    noise_dim = _toy_noise_dim(generator)
    if fixed_generator_std is not None:
        if generator != "mlp":
            raise ParameterError(
                f"fixed_generator_std={fixed_generator_std} holds the generator at data plus noise; "
                f"generator={generator!r} asks for a trained one: give one of the two"
            )
        return DataPlusNoise(ToySampler(dataset, seed + 1, device), fixed_generator_std)
    if generator != "mlp":
        return nn.Linear(noise_dim, 2)
    return toy_generator(depth, width)


@dataclass
class RunResult:
    """What a finished run hands back across processes: histories, networks (on CPU), wall clock."""

    log: History
    evals: History
    generator: nn.Module
    critic: nn.Module
    wall: float


def _result(trainer: Trainer) -> RunResult:
    return RunResult(trainer.log, trainer.evals, trainer.generator.cpu(), trainer.critic.cpu(), trainer.wall)


def run_toy(steps: int, *, resume: bool = False, **kwargs: Any) -> RunResult:
    """Build :func:`toy_trainer` from ``kwargs``, train it for ``steps`` iterations, return the result."""
    return _result(toy_trainer(**kwargs).train(steps, resume=resume))


ARCHITECTURES = ("dcgan", "resnet")


IMAGE_METRIC_LABELS = {
    "digits_fd": "classifier Fréchet distance",
    "digits_score": "classifier class score",
    "fid": "FID",
    "inception_score": "Inception Score",
}
"""The words for each column an image run's evaluation writes (:func:`image_trainer`)."""


def image_metric_names(dataset: str) -> tuple[str, str]:
    """The two evaluation columns of an image run on ``dataset``: a distance to the data (lower is
    better; FID, or on ``digits`` the digits classifier's Fréchet distance) and a score (higher is
    better; Inception Score, or the classifier's class score)."""
    return ("digits_fd", "digits_score") if dataset == "digits" else ("fid", "inception_score")


def image_size(dataset: str) -> int:
    """Side of ``dataset``'s images, at which :func:`image_trainer` builds its DCGAN: every data set's
    native side is a DCGAN size (MNIST's 28 that of ``gan_mnist.py``, which neither pads nor resizes)."""
    return IMAGE_SHAPES[check_choice("dataset", dataset, IMAGE_DATASETS)][1]


class _UnitRange(Dataset):
    """Images of a data set in [-1, 1] mapped to [0, 1], for the sigmoid generator of ``gan_mnist.py``."""

    def __init__(self, base: Dataset) -> None:
        self.base = base

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        image, label = self.base[index]
        return (image + 1) / 2, label

    def __len__(self) -> int:
        return len(self.base)  # type: ignore[arg-type]


class _SignedImages(nn.Module):
    """A generator as the image metrics read it: [0, 1] images of a sigmoid generator mapped to
    [-1, 1] (``unit``), resized bilinearly to ``size`` where that differs."""

    def __init__(self, generator: nn.Module, unit: bool, size: int) -> None:
        super().__init__()
        self.generator, self.unit, self.size = generator, unit, size

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        images = self.generator(z)
        images = 2 * images - 1 if self.unit else images
        if images.shape[-1] != self.size:
            images = F.interpolate(images, size=self.size, mode="bilinear", align_corners=False)
        return images


def image_trainer(
    dataset: str = "digits",
    *,
    seed: int,
    architecture: str | Architecture = "dcgan",
    dim: int = 128,
    noise_dim: int = 128,
    batch_size: int = 64,
    critic_norm: str = "none",
    size: int | None = None,
    generator_batch_norm: bool = True,
    output: str = "tanh",
    eval_samples: int = 1000,
    train_subset: int = 0,
    validation_images: int = 0,
    dequantize: bool = False,
    root: str | None = None,
    download: bool = True,
    num_workers: int = 0,
    weights_path: str | None = None,
    device: torch.device | str = "cpu",
    **trainer_kwargs: Any,
) -> Trainer:
    """The image experiments of WGAN-GP sections 5.3-5.4 (official ``gan_cifar.py`` and
    ``gan_cifar_resnet.py``), seeded by ``seed``.

    ``architecture="dcgan"``: :class:`~paperlib.nets.dcgan.DCGANGenerator` and
    :class:`~paperlib.nets.dcgan.DCGANCritic` of width ``dim`` (official: 128 on CIFAR-10, 64 on
    MNIST) at ``size`` (default :func:`image_size` of ``dataset``; the data are resized to it), the
    critic normalised by ``critic_norm`` (``"batch"`` is refused with a gradient penalty), the
    generator with batch norm unless ``generator_batch_norm=False`` and ending in ``output``:
    ``"tanh"`` on data in [-1, 1] or ``"sigmoid"`` on data mapped to [0, 1], as ``gan_mnist.py``
    (whose clipping run has batch norm in both networks and whose WGAN-GP run in neither: Figure 5b).
    The metrics see every generator's images in [-1, 1]. ``architecture="resnet"``: the 32x32
    :class:`~paperlib.nets.resnet.ResNetGenerator` and :class:`~paperlib.nets.resnet.ResNetCritic`
    of appendix F (official width 128), without critic normalisation. An
    :class:`~paperlib.nets.architectures.Architecture` (a random variant of Table 1) builds its own
    networks, ignoring ``dim`` and ``critic_norm`` (its critic gets layer norm with a penalty). All with
    ``noise_dim``-dimensional Gaussian noise, trained on the training split of ``dataset`` (read by
    :func:`~paperlib.data.images.image_dataset` from ``root``) in batches of ``batch_size``,
    dequantized as in ``gan_cifar_resnet.py`` with ``dequantize`` (see
    :class:`~paperlib.data.sampler.DatasetSampler`).

    Every evaluation draws ``eval_samples`` images from fixed noise (the generator in training mode,
    so batch norm uses batch statistics as in the official code). On ``digits`` it records the
    digits-classifier Fréchet distance ``digits_fd`` and class score ``digits_score`` (CPU-scale
    stand-ins, never FID or IS; the classifier reads 32x32 digits, so images of another ``size`` are
    resized bilinearly for it); on every other data set the Inception Score ``inception_score``
    (with ``inception_score_std``) and the FID ``fid`` against the whole training split, with the
    TF-Inception weights of ``weights_path`` (see
    :func:`~paperlib.metrics.images.inception_weights_path`).

    Overfitting (WGAN-GP section 5.6, Figure 5b): with ``train_subset`` > 0 the networks train on
    that many images of the split only (a seeded random choice; the paper: 1,000 MNIST digits),
    and with ``validation_images`` > 0 every evaluation also records the negative critic loss
    (objective plus penalty, as the official ``gan_mnist.py`` reports it) on that many training
    images, ``neg_critic_loss_train``, on as many held-out images of the same split,
    ``neg_critic_loss_validation``, and on as many other held-out images, ``neg_critic_loss_unseen``,
    all against the same generated batch. The last is the null comparison: validation minus unseen
    is the difference two sets the critic never saw show by chance, against which train minus
    validation (overfitting) is read. Other keywords go to
    :class:`~paperlib.training.trainer.Trainer`.
    """
    # the image stack (torchvision's data sets, torch-fidelity) is imported by image runs only
    from paperlib.data.images import image_dataset
    from paperlib.metrics.images import (
        DIGITS_SIZE,
        digits_classifier,
        digits_features,
        digits_metrics,
        inception_metrics,
    )

    if not isinstance(architecture, Architecture):
        check_choice("architecture", architecture, ARCHITECTURES)
    check_int("eval_samples", eval_samples, 10)
    check_int("train_subset", train_subset)
    check_int("validation_images", validation_images)
    check_bool("generator_batch_norm", generator_batch_norm)
    check_choice("output", output, OUTPUTS)
    if architecture != "dcgan":
        for name, value, default in (
            ("critic_norm", critic_norm, "none"),
            ("generator_batch_norm", generator_batch_norm, True),
            ("output", output, "tanh"),
        ):
            if value != default and not (name == "critic_norm" and isinstance(architecture, Architecture)):
                raise ParameterError(f"{name}={value!r} applies to architecture='dcgan' only")
    if architecture == "resnet":
        if size not in (None, 32):
            raise ParameterError(f"size={size!r}: the ResNet of appendix F is 32x32")
        size = 32
    size = image_size(dataset) if size is None else check_choice("size", size, SIZES)
    if output == "sigmoid" and dequantize:
        raise ParameterError("dequantize=True is for data in [-1, 1]; output='sigmoid' trains on [0, 1]")
    channels = IMAGE_SHAPES[dataset][0]
    real = image_dataset(dataset, root=root, download=download, size=size)
    if output == "sigmoid":
        real = _UnitRange(real)
    train_set: Dataset = real
    if train_subset:
        if train_subset + 2 * validation_images > len(real):
            raise ParameterError(
                f"train_subset={train_subset} plus twice validation_images={validation_images} (two "
                f"held-out sets) must be at most the {len(real)} images of {dataset!r}"
            )
        if validation_images > train_subset:
            raise ParameterError(
                f"validation_images={validation_images} must be at most train_subset={train_subset}: the "
                "critic loss is compared on as many training images as held-out ones"
            )
        order = np.random.RandomState(seed).permutation(len(real))
        train_set = Subset(real, order[:train_subset].tolist())
        held_out = order[train_subset:]
        splits = {
            "train": [train_set[i][0] for i in range(validation_images)],
            "validation": [real[i][0] for i in held_out[:validation_images]],
            "unseen": [real[i][0] for i in held_out[validation_images : 2 * validation_images]],
        }
        compared = {name: torch.stack(images) for name, images in splits.items()}
    elif validation_images:
        raise ParameterError(
            "validation_images > 0 needs train_subset > 0 (held-out images come from the rest)"
        )
    seed_everything(seed)
    quality: Callable[[Trainer], dict[str, float]]
    if dataset == "digits":
        classifier = digits_classifier()
        real_features = digits_features(classifier=classifier)

        def quality(trainer: Trainer) -> dict[str, float]:
            return digits_metrics(
                _SignedImages(trainer.generator, output == "sigmoid", DIGITS_SIZE),
                real_features,
                n=eval_samples,
                noise_shape=noise_dim,
                classifier=classifier,
                seed=seed,
            )

    else:
        real_key = f"{dataset}-train-{size}"
        signed_real = real.base if isinstance(real, _UnitRange) else real

        def quality(trainer: Trainer) -> dict[str, float]:
            return inception_metrics(
                _SignedImages(trainer.generator, output == "sigmoid", size),
                signed_real,
                real_key,
                noise_shape=noise_dim,
                num_samples=eval_samples,
                weights_path=weights_path,
                seed=seed,
            )

    def evaluate(trainer: Trainer) -> dict[str, float]:
        if not validation_images:
            return quality(trainer)
        return quality(trainer) | critic_losses(trainer, compared, seed)

    # a penalty paid per sample (at x^, or over pairs of samples) forbids batch statistics in the critic
    penalty = isinstance(
        trainer_kwargs.get("regularizer"), GradientPenalty | LipschitzPenalty | FirstOrderPenalty
    )
    generator = image_generator_network(
        architecture,
        size=size,
        channels=channels,
        dim=dim,
        noise_dim=noise_dim,
        batch_norm=generator_batch_norm,
        output=output,
    )
    critic: nn.Module
    if isinstance(architecture, Architecture):
        critic = architecture.critic(penalty=penalty, size=size, channels=channels)
    elif architecture == "dcgan":
        critic = DCGANCritic(size=size, channels=channels, dim=dim, norm=critic_norm, for_penalty=penalty)
    else:
        critic = ResNetCritic(dim=dim, channels=channels)
    setup = dict(
        experiment="image",
        dataset=dataset,
        seed=seed,
        architecture=architecture if isinstance(architecture, str) else repr(architecture),
        dim=dim,
        noise_dim=noise_dim,
        critic_norm=critic_norm,
        size=size,
        generator_batch_norm=generator_batch_norm,
        output=output,
        eval_samples=eval_samples,
        train_subset=train_subset,
        validation_images=validation_images,
        dequantize=dequantize,
    )
    return Trainer(
        generator,
        critic,
        DatasetSampler(
            train_set, batch_size, seed=seed, device=device, num_workers=num_workers, dequantize=dequantize
        ),
        batch_size=batch_size,
        noise_shape=(noise_dim,),
        evaluate=evaluate,
        device=device,
        setup=setup,
        **trainer_kwargs,
    )


def image_generator_network(
    architecture: str | Architecture,
    *,
    size: int,
    channels: int,
    dim: int,
    noise_dim: int,
    batch_norm: bool,
    output: str,
) -> nn.Module:
    """The generator :func:`image_trainer` builds with these settings (see there; ``batch_norm`` is
    its ``generator_batch_norm``), its weights drawn from torch's global random stream: the DCGAN
    generator, the ResNet one, or that of an :class:`~paperlib.nets.architectures.Architecture`."""
    if isinstance(architecture, Architecture):
        return architecture.generator(size=size, channels=channels, noise_dim=noise_dim)
    if check_choice("architecture", architecture, ARCHITECTURES) == "dcgan":
        return DCGANGenerator(size, channels, dim, noise_dim, batch_norm=batch_norm, output=output)
    return ResNetGenerator(dim=dim, noise_dim=noise_dim, channels=channels)


def critic_losses(trainer: Trainer, images: Mapping[str, torch.Tensor], seed: int) -> dict[str, float]:
    """Negative critic loss (objective plus penalty) on each named set of ``images``, all of one size
    ``n``, each against the same ``n`` generated images from noise seeded by ``seed``
    (``neg_critic_loss_<name>``; WGAN-GP Figure 5b). The penalty's random interpolation is seeded
    too, so every set sees the same draws."""
    sizes = {len(batch) for batch in images.values()}
    if len(sizes) != 1:
        raise ParameterError(f"the image sets must be equally large, got sizes {sorted(sizes)}")
    noise = torch.randn(sizes.pop(), *trainer.noise_shape, generator=torch.Generator().manual_seed(seed))
    with torch.no_grad():
        fake = trainer.generator(noise.to(trainer.device))
    losses = {}
    for name, batch in images.items():
        torch.manual_seed(seed)
        loss = trainer.critic_loss(batch.to(trainer.device), fake)[0]
        losses[f"neg_critic_loss_{name}"] = -loss.item()
    return losses


def run_image(steps: int, *, resume: bool = False, progress: bool = False, **kwargs: Any) -> RunResult:
    """Build :func:`image_trainer` from ``kwargs``, train it for ``steps`` iterations, return the result."""
    return _result(image_trainer(**kwargs).train(steps, resume=resume, progress=progress))


def text_trainer(
    dataset: str = "sentences",
    *,
    seed: int,
    dim: int = 512,
    seq_len: int = 32,
    max_lines: int = 10_000_000,
    batch_size: int = 64,
    batch_norm: bool = False,
    eval_samples: int = 640,
    jsd_orders: Sequence[int] = (1, 2, 3, 4),
    root: str | None = None,
    device: torch.device | str = "cpu",
    **trainer_kwargs: Any,
) -> Trainer:
    """The language GAN of WGAN-GP section 5.5 (official ``gan_language.py``), seeded by ``seed``.

    :class:`~paperlib.nets.text.TextGenerator` (``batch_norm``: the official FOGAN generator of section
    7.2, evaluated with its moving averages as that code samples) and
    :class:`~paperlib.nets.text.TextCritic` of width ``dim`` (official: 512) on the lines of
    :func:`~paperlib.data.text.text_corpus` ``dataset`` (``seq_len`` characters, at most
    ``max_lines`` lines, shuffled by ``seed``), one-hot batches of ``batch_size`` (official: 64),
    128-d Gaussian noise. Every evaluation decodes ``eval_samples`` generated lines from fixed noise
    by argmax (official: 640 for WGAN-GP, 6,400 for FOGAN) and records their n-gram JSD to all lines
    of the corpus (counted once, at set-up), as the official code does, for each n in ``jsd_orders``
    (``jsd1``, ...). Other keywords go to :class:`~paperlib.training.trainer.Trainer`.
    """
    check_int("eval_samples", eval_samples, 1)
    corpus = text_corpus(dataset, seq_len=seq_len, max_lines=max_lines, root=root, seed=seed)
    seed_everything(seed)
    noise = torch.randn(eval_samples, 128, generator=torch.Generator().manual_seed(seed))
    reference = NgramReference(corpus.indices, corpus.vocab_size, jsd_orders)

    def evaluate(trainer: Trainer) -> dict[str, float]:
        trainer.generator.train(not batch_norm)  # the official FOGAN code samples with the moving averages
        try:
            with torch.no_grad():
                distributions = [trainer.generator(z.to(trainer.device)) for z in noise.split(640)]
        finally:
            trainer.generator.train()
        for batch in distributions:  # argmax would turn NaN into a character: refuse it instead
            check_finite("generated character distributions", batch)
        return reference.jsds(torch.cat([batch.argmax(-1).cpu() for batch in distributions]))

    setup = dict(
        experiment="text",
        dataset=dataset,
        seed=seed,
        dim=dim,
        seq_len=seq_len,
        max_lines=max_lines,
        batch_norm=batch_norm,
        eval_samples=eval_samples,
        jsd_orders=list(jsd_orders),
    )
    return Trainer(
        TextGenerator(corpus.vocab_size, dim, seq_len, batch_norm=batch_norm),
        TextCritic(corpus.vocab_size, dim, seq_len),
        DatasetSampler(corpus.one_hot(), batch_size, seed=seed, device=device),
        batch_size=batch_size,
        noise_shape=(128,),
        evaluate=evaluate,
        device=device,
        setup=setup,
        decoding={"characters": list(corpus.inv_charmap)},
        **trainer_kwargs,
    )


def run_text(steps: int, *, resume: bool = False, progress: bool = False, **kwargs: Any) -> RunResult:
    """Build :func:`text_trainer` from ``kwargs``, train it for ``steps`` iterations, return the result."""
    return _result(text_trainer(**kwargs).train(steps, resume=resume, progress=progress))
