# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Local Stability of the Simple Gradient Penalty µ-WGAN (SGP µ-WGAN)
#
# Kim, Park and Kim {cite}`kim2018local` ask *where* a gradient penalty should be evaluated.
# WGAN-GP {cite}`gulrajani2017improved` penalises the critic's gradient at random points between
# real and generated samples; Mescheder et al. {cite}`mescheder2018which` penalise it on the real
# or on the generated samples only. The paper replaces WGAN-GP's $(\|\nabla_x D\| - 1)^2$ by the
# *simple gradient penalty* $\|\nabla_x D\|^2$, integrated against a *penalty measure* $\mu$, and
# proves that the training dynamics are locally stable for every finite measure $\mu$ that meets
# a few conditions (Theorem 1). Its experiments then train WGANs with five measures, two of them
# deliberately odd (the midpoint of a real and a generated sample, and points between a generated
# sample and a fixed *anchor*), and find that all five train.
#
# This chapter states the theory in our words (section 1), checks the three toy lemmas and the
# theorem numerically on models small enough to write their dynamics exactly (sections 2–5), and
# runs the experiments of section 5 of the paper: the 2-D data sets of Figure 4 (section 6),
# MNIST (Figure 5; digits at CPU scale, section 7) and CIFAR-10 with the DCGAN and the ResNet
# (Table 2, section 8).
#
# **Scale.** The dynamics of sections 2–5 are exact computations and the same at every scale. The
# experiments run by default at *CPU scale*: toy MLPs 64 wide instead of 512 and 150 generator
# iterations instead of 30,000 to 200,000; the MNIST networks 12 channels wide on scikit-learn's
# digits for 100 iterations instead of 200,000. The CIFAR-10 group (section 8) is not in the
# default selection: at CPU scale it adds thirteen runs (26 networks) on the digits, and alone it
# executes in 102 s on two cores (papermill's wall clock with `-p experiments cifar`; the default
# selection took 147 s the same day, 117–140 s in the seed record's executions), too much for the
# chapter's budget together. Every number we measured is a CPU-scale
# number unless it says otherwise. The paper's scale is one parameter away, `-p scale paper` ({ref}`sgp-wgan-scales`
# lists what it sets, with each value's source), and `-p experiments` picks the groups: `dynamics`
# (sections 2–5), `toy` (6), `mnist` (7), `cifar` (8), or `all`. The commands are in the
# reproduction table at the end. Where the text quotes a range "over seeds 0–3", the values it
# comes from are in {ref}`sgp-wgan-seed-record`.
#
# The chapter's first cell, folded below, declares every parameter once, at both scales; the table
# under it shows the ones a reader most often changes, with this execution's values.

# %% tags=["parameters", "hide-input"]
import paperlib as pl

scale: str = "cpu"  # "cpu" (minutes on two CPU cores) or "paper" (the paper's settings, for a GPU)
experiments: str = "dynamics,toy,mnist"  # groups to run, comma-separated: dynamics, toy, mnist, cifar; or all
# Each parameter below: pl.scaled(value at CPU scale, value at the paper's scale, allowed values, source)
seed: int = pl.scaled(0, 0, pl.at_least(0), "ours")  # first seed; runs use seed, seed + 1, ...
device: str = pl.scaled("auto", "auto", None, "ours")  # "auto" (a GPU if there is one), "cpu", "cuda", "cuda:1", "mps"
workers: int = pl.scaled(2, 1, pl.at_least(1), "ours: one GPU")  # processes for independent runs, one thread each
out_dir: str = pl.scaled("runs", "runs", None, "ours")  # run folders, from the repository root: <out_dir>/sgp_wgan/<run>/ (CPU scale: <out_dir>/sgp_wgan/cpu-<changed settings>/<run>/)
data_root: str = pl.scaled("", "", None, "ours")  # image data ("": $PAPERLIB_DATA, else ~/.cache/paperlib/data)
data_workers: int = pl.scaled(0, 4, pl.at_least(0), "ours")  # DataLoader processes feeding each image run
lr_scale: float = pl.scaled(10.0, 1.0, pl.above(0.0), "the paper's rates")  # factor on the image runs' learning rates
checkpoint_every: int = pl.scaled(0, 5000, pl.at_least(0), "ours")  # generator iterations between checkpoints of every run (0: none)
checkpoint_minutes: float = pl.scaled(10.0, 10.0, pl.at_least(0.0), "ours")  # wall-clock minutes between checkpoints (0: none); at CPU scale only a launch that changes a setting or an interval keeps run folders
resume: bool = pl.scaled(True, True, None, "ours")  # continue unfinished runs from their checkpoints, read finished ones back (False: refuse a run folder that holds a checkpoint)
check: bool = pl.scaled(True, False, None, "ours")  # assert the claims as measured at CPU scale (False: report the numbers only)
record: str = pl.scaled("no", "auto", ("no", "auto", "yes"), "ours")  # results to results/sgp_wgan/: auto (at the paper's settings only), yes, no
# dynamics: sections 2-5 (Lemmas 1-3, Theorem 1; exact, the same at both scales)
lam: float = pl.scaled(0.5, 0.5, pl.above(0.0), "ours (the lemmas hold for any lambda > 0)")  # penalty weight lambda of the dynamics
# toy: section 6 (Figure 4)
seeds: int = pl.scaled(2, 3, pl.at_least(1), "ours (the paper shows one run)")  # seeds of each toy configuration
steps_8gaussians: int = pl.scaled(150, 30_000, pl.at_least(1), "section 5.1")  # generator iterations on 8 gaussians
steps_25gaussians: int = pl.scaled(150, 200_000, pl.at_least(1), "section 5.1")  # generator iterations on 25 gaussians
steps_swissroll: int = pl.scaled(150, 100_000, pl.at_least(1), "section 5.1")  # generator iterations on the swiss roll
width: int = pl.scaled(64, 512, pl.at_least(1), "gan_toy.py DIM")  # hidden width of the toy MLPs
toy_lam: float = pl.scaled(0.2, 0.2, pl.above(0.0), "gan_toy.py LAMBDA 0.1, as lambda / 2")  # lambda of the simple penalty on the toy data
toy_eval_samples: int = pl.scaled(500, 1000, pl.at_least(10), "ours")  # generated and held-out points of each exact W1
# mnist: section 7 (Figure 5)
mnist_dataset: str = pl.scaled("digits", "mnist", pl.IMAGE_DATASETS, "section 5.1")  # images (digits, mnist, cifar10, stl10, celeba, lsun_bedroom, lfw)
mnist_steps: int = pl.scaled(100, 200_000, pl.at_least(1), "section 5.1")  # generator iterations of each run
mnist_dim: int = pl.scaled(12, 64, pl.at_least(1), "gan_mnist.py DIM")  # width of the networks
mnist_batch_size: int = pl.scaled(32, 50, pl.at_least(1), "gan_mnist.py BATCH_SIZE")  # batch size
mnist_eval_every: int = pl.scaled(50, 1000, pl.at_least(1), "ours")  # generator iterations between evaluations
mnist_eval_samples: int = pl.scaled(500, 5000, pl.at_least(10), "ours")  # generated images per evaluation
image_lam: float = pl.scaled(20.0, 20.0, pl.above(0.0), "gan_mnist.py / gan_cifar.py LAMBDA 10, as lambda / 2")  # lambda of the simple penalty on images
# cifar: section 8 (Table 2)
cifar_dataset: str = pl.scaled("digits", "cifar10", pl.IMAGE_DATASETS, "section 5.2")  # images (digits, mnist, cifar10, stl10, celeba, lsun_bedroom, lfw)
cifar_steps: int = pl.scaled(100, 200_000, pl.at_least(1), "section 5.2")  # generator iterations of each DCGAN run
resnet_steps: int = pl.scaled(30, 200_000, pl.at_least(1), "section 5.2")  # generator iterations of each ResNet run
cifar_dim: int = pl.scaled(8, 128, pl.at_least(1), "gan_cifar.py DIM")  # width of the DCGAN
resnet_dim: int = pl.scaled(8, 128, pl.at_least(1), "gan_cifar_resnet.py DIM_G and DIM_D")  # width of the ResNet
cifar_batch_size: int = pl.scaled(32, 64, pl.at_least(1), "gan_cifar.py BATCH_SIZE")  # batch size of both
cifar_eval_every: int = pl.scaled(25, 10_000, pl.at_least(1), "ours")  # generator iterations between evaluations
cifar_eval_samples: int = pl.scaled(500, 50_000, pl.at_least(10), "gan_cifar_resnet.py (its Inception Score)")  # generated images per evaluation
PARAMETERS: pl.Declaration = pl.declared(globals())

# %% tags=["hide-input"]
chapter = pl.Chapter("sgp_wgan", globals(), groups=("dynamics", "toy", "mnist", "cifar"))
chosen, dev = chapter.chosen, chapter.device
chapter.need_data(images=[data for group, data in (("mnist", mnist_dataset), ("cifar", cifar_dataset)) if group in chosen])

import matplotlib.pyplot as plt
import numpy as np
import torch
from myst_nb import glue

seed_list = chapter.seeds(seeds)
TOY_STEPS = {"8gaussians": steps_8gaussians, "25gaussians": steps_25gaussians, "swissroll": steps_swissroll}
chapter.overview(["seeds", "steps_8gaussians", "steps_swissroll", "width", "mnist_dataset", "mnist_steps", "cifar_dataset", "seed", "workers", "checkpoint_every"])
print(f"scale: {scale}; experiments: {', '.join(chosen)}; device: {dev}; toy seeds: {seed_list}")

# %% [markdown]
# (sgp-wgan-runs)=
# ## Runs
#
# Every training run of sections 6–8 starts in the next cell, in `workers` background processes
# of one thread each, while sections 1–5 compute their exact dynamics in this one; each later
# section waits for its runs. The cell holds the settings of every run. As the paper says, "only
# the loss function was modified" from the official WGAN-GP code {cite}`gulrajani2017improved`:
# every method of a data set shares its networks, optimiser and schedule, which are those of
# `gan_toy.py`, `gan_mnist.py`, `gan_cifar.py` and `gan_cifar_resnet.py`, and differs only in the
# regularizer of the critic. The methods are those of Table 1 of the paper:
#
# | method | critic regularizer | points $\hat x$ of the penalty |
# |---|---|---|
# | WGAN | weight clipping, $c = 0.01$ (RMSProp) | none |
# | WGAN-GP | $\lambda_{\mathrm{GP}}\, \E_{\hat x}(\|\nabla_x D(\hat x)\| - 1)^2$ | $\epsilon x_d + (1 - \epsilon) x_g$ |
# | $p_g$ | $\tfrac\lambda2 \E_{\hat x}\|\nabla_x D(\hat x)\|^2$ | $x_g$ |
# | $p_d$ | the same | $x_d$ |
# | $\mu_{\mathrm{GP}}$ | the same | $\epsilon x_d + (1 - \epsilon) x_g$ |
# | $\mu_{\mathrm{mid}}$ | the same | $\tfrac12 x_d + \tfrac12 x_g$ |
# | $\mu_{g,\mathrm{anc}}$ | the same | $\epsilon A + (1 - \epsilon) x_g$, a fixed anchor $A$ |
#
# with $x_d \sim p_d$ (the data), $x_g \sim p_\theta$ (the generator) and $\epsilon \sim U(0, 1)$
# per sample. The anchor is $(2, -1)$ on the 2-D data, an all-gray image on MNIST and the digits
# (0.5 for images in $[0, 1]$, which `gan_mnist.py`'s sigmoid generator makes) and "fixed random
# pixels" on CIFAR-10: uniform in $[-1, 1]$, drawn from the run's seed
# (`pl.AnchoredInterpolates("random", seed)`), so that a resumed run sees the same anchor. We add
# one method the paper does not run, **WGAN (no constraint)**: the critic of the same objective
# with nothing bounding it, the negative control for "the measure regularises".
#
# **The penalty weight.** There is no official code of the paper. Its section 5 says the loss was
# changed from WGAN-GP's penalty "to a simple penalty" in the WGAN-GP code, which suggests the same
# constant in front: `LAMBDA * mean(||grad||^2)` with `LAMBDA` 0.1 on the toy data and 10 on
# images. In Definition 4's notation, $\tfrac\lambda2 \E_\mu\|\nabla D\|^2$, that is $\lambda = 0.2$
# and $\lambda = 20$ (`toy_lam`, `image_lam`; `pl.simple_gradient_penalty(lam, measure)` pays
# $\tfrac\lambda2$). This is our reading, not a value the paper states.

# %%
RMSPROP = pl.OptimizerSpec("rmsprop_tf1", 5e-5)
ADAM = pl.OptimizerSpec("adam", 1e-4, (0.5, 0.9))
SGP = ("p_g", "p_d", "µGP", "µmid", "µg,anc")  # Table 1's five penalty measures, in its order
MEASURE_OF = {"p_g": "fake", "p_d": "real", "µGP": "interpolates", "µmid": "midpoint"}
CONTROL = "WGAN (no constraint)"


def methods(
    lam_gp: float, lam_sgp: float, anchored: pl.AnchoredInterpolates, adam: pl.OptimizerSpec, clipping: dict
) -> dict:
    """Table 1's methods (and the control) on one data set, name -> the settings that differ: WGAN-GP
    at weight `lam_gp`, the simple penalty at `lam_sgp` on each measure (µg,anc: `anchored`)."""
    measures = MEASURE_OF | {"µg,anc": anchored}
    return (
        {"WGAN (clipping)": clipping, "WGAN-GP": dict(regularizer=pl.GradientPenalty(lam_gp), optimizer=adam)}
        | {m: dict(regularizer=pl.simple_gradient_penalty(lam_sgp, measures[m]), optimizer=adam) for m in SGP}
        | {CONTROL: dict(optimizer=adam)}
    )


# Section 6: gan_toy.py (4-layer ReLU MLPs, batch 256, 5 critic steps, Adam 1e-4 or RMSProp 5e-5)
TOY = methods(0.1, toy_lam, pl.AnchoredInterpolates((2.0, -1.0)), ADAM, dict(regularizer=pl.WeightClipping(0.01), optimizer=RMSPROP))
toy_jobs = {
    ("toy", ds, m, s): (
        pl.run_toy,
        dict(
            steps=n,
            dataset=ds,
            seed=s,
            width=width,
            eval_every=max(n // 4, 1),
            eval_samples=toy_eval_samples,
            log_every=10,
            device=dev,
            **chapter.checkpoints(f"toy-{ds}-{m}-seed{s}"),
            **TOY[m],
        ),
    )
    for m in TOY
    for ds, n in TOY_STEPS.items()
    for s in seed_list
}


def image_job(name: str, n_steps: int, data: str, batch_size: int, eval_every: int, eval_samples: int,
              **settings: object) -> tuple:  # fmt: skip
    """One image run of sections 7-8 on `data`, in run folder `<name>-<data>-seed<seed>`."""
    return pl.run_image, dict(
        steps=n_steps,
        dataset=data,
        seed=seed,
        batch_size=batch_size,
        eval_every=eval_every,
        eval_samples=eval_samples,
        root=data_root or None,
        num_workers=data_workers,
        grid_samples=64,
        n_critic=5,
        device=dev,
        **chapter.checkpoints(f"{name}-{data}-seed{seed}"),
        **settings,
    )


def image_adam(lr: float, beta1: float) -> pl.OptimizerSpec:
    return pl.OptimizerSpec("adam", lr * lr_scale, (beta1, 0.9))


# Section 7: gan_mnist.py (28x28 networks, sigmoid generator on [0, 1] images; batch norm in both
# networks with clipping only, as there)
MNIST = methods(
    10.0,
    image_lam,
    pl.AnchoredInterpolates(0.5),
    image_adam(1e-4, 0.5),
    dict(regularizer=pl.WeightClipping(0.01), optimizer=pl.OptimizerSpec("rmsprop_tf1", 5e-5 * lr_scale),
         critic_norm="batch", generator_batch_norm=True),  # fmt: skip
)
mnist_jobs = {
    ("mnist", m): image_job(
        f"mnist-{m}",
        mnist_steps,
        mnist_dataset,
        mnist_batch_size,
        mnist_eval_every,
        mnist_eval_samples,
        dim=mnist_dim,
        size=28,
        output="sigmoid",
        **({"generator_batch_norm": False} | settings),
    )
    for m, settings in MNIST.items()
}
# Section 8: gan_cifar.py's DCGAN (clipping with batch norm in the critic, as there) and
# gan_cifar_resnet.py's ResNet (WGAN-GP only there; the paper reports no WGAN run of it)
CIFAR_ANCHOR = pl.AnchoredInterpolates("random", seed=seed)
DCGAN = methods(
    10.0,
    image_lam,
    CIFAR_ANCHOR,
    image_adam(1e-4, 0.5),
    dict(regularizer=pl.WeightClipping(0.01), optimizer=pl.OptimizerSpec("rmsprop_tf1", 5e-5 * lr_scale),
         critic_norm="batch"),  # fmt: skip
)
RESNET = methods(10.0, image_lam, CIFAR_ANCHOR, image_adam(2e-4, 0.0), {})
del RESNET["WGAN (clipping)"]
cifar_jobs = {
    ("dcgan", m): image_job(
        f"dcgan-{m}", cifar_steps, cifar_dataset, cifar_batch_size, cifar_eval_every, cifar_eval_samples,
        dim=cifar_dim, **settings,
    )  # fmt: skip
    for m, settings in DCGAN.items()
    if m != CONTROL
} | {
    ("resnet", m): image_job(
        f"resnet-{m}", resnet_steps, cifar_dataset, cifar_batch_size, cifar_eval_every, cifar_eval_samples,
        architecture="resnet", dim=resnet_dim, lr_decay_steps=resnet_steps, generator_batch_multiple=2,
        dequantize=True, **settings,
    )  # fmt: skip
    for m, settings in RESNET.items()
    if m != CONTROL
}
jobs = {}
if "toy" in chosen:
    jobs |= toy_jobs
if "mnist" in chosen:
    jobs |= mnist_jobs
if "cifar" in chosen:
    jobs |= cifar_jobs
chapter.start(jobs)
LABELS = pl.IMAGE_METRIC_LABELS
noise = torch.randn(64, 128, generator=torch.Generator().manual_seed(seed))  # of the image grids


# %% [markdown]
# ## 1. The simple gradient penalty as a dynamic system
#
# **The problem (Definition 4).** A critic $D(x; \psi)$ with parameters $\psi$ and a generator
# with parameters $\theta$, whose samples have the distribution $p_\theta$, play the WGAN game
# against the data distribution $p_d$, with a penalty that enters the critic's objective only:
#
# $$
# \max_\psi \; \E_{p_d}[D(x; \psi)] - \E_{p_\theta}[D(x; \psi)] - \frac\lambda2 \E_{\mu}\big[\|\nabla_x D(x; \psi)\|^2\big],
# \qquad
# \min_\theta \; \E_{p_d}[D(x; \psi)] - \E_{p_\theta}[D(x; \psi)].
# $$
#
# The *penalty measure* $\mu$ says where the gradient is penalised. It need not be a probability:
# any finite measure will do, and it may depend on the parameters ($\mu_{\psi, \theta}$), as the
# generated samples $p_\theta$ do. Trained by simultaneous gradient steps with a small step size,
# the parameters follow the ordinary differential equation
#
# $$
# \dot\psi = \nabla_\psi \Big(\E_{p_d}[D] - \E_{p_\theta}[D] - \frac\lambda2 \E_{\mu}\big[\|\nabla_x D\|^2\big]\Big),
# \qquad
# \dot\theta = \nabla_\theta \E_{p_\theta}[D],
# $$
#
# and the question of Nagarajan and Kolter {cite}`nagarajan2017gradient` becomes the paper's: is
# an equilibrium $(\psi^*, \theta^*)$ with $p_{\theta^*} = p_d$ *locally stable*, so that
# trajectories started near it stay near it (and converge to the set of equilibria)? For a
# differentiable system this is read from the Jacobian of the right-hand side at the equilibrium:
# eigenvalues with negative real part attract, a purely imaginary pair makes the trajectories
# circle, and a positive real part repels.
#
# **Why the square of the norm.** WGAN-GP pays $(\|\nabla_x D\| - 1)^2$. Its derivative in $\psi$
# contains $\nabla_x D / \|\nabla_x D\|$, which is undefined where $\nabla_x D = 0$, and at an
# equilibrium the critic is constant near the data ($D(x; \psi^*) = 0$, Assumption 1), so exactly
# there. The system then has no Jacobian at its equilibrium, and linear stability says nothing.
# $\|\nabla_x D\|^2 = \nabla_x D^\top \nabla_x D$ is smooth, and so is the system. (This is the
# regulariser of Mescheder et al. {cite}`mescheder2018which` and, with $\mu = p_d$, their $R_1$;
# Roth et al. {cite}`roth2017stabilizing` read it as a smoothness prior.)
#
# **Measures that move.** $\E_{p_\theta}[D]$ and $\E_\mu[\|\nabla_x D\|^2]$ are integrals against
# measures that depend on $\theta$ (and $\mu$ possibly on $\psi$). Differentiating them needs two
# notions the paper recalls. A bounded family of finite measures $\mu_n$ *converges weakly* to
# $\mu$ when $\int f \, d\mu_n \to \int f \, d\mu$ for every bounded continuous $f$ (Definitions
# 1–2, the portmanteau theorem): this makes the integrals continuous in the parameters. A
# probability measure $P_\theta$ is *weakly differentiable* at $\theta$ (Definition 3,
# {cite}`heidergott2008measure`) when a finite signed measure $P'_\theta$ exists with
# $\frac{d}{d\theta} \int f \, dP_\theta = \int f \, dP'_\theta$ for every bounded continuous $f$;
# for a generator that moves points, $x = G_\theta(z)$, this is the familiar
# $\frac{d}{d\theta} \E_z[f(G_\theta(z))]$. `paperlib.analysis.dynamics` represents every distribution of
# a small model as *weighted points* $(x_i(\psi, \theta), w_i(\psi, \theta))$, so that an integral
# is $\sum_i w_i f(x_i)$ and its derivative, through the points and the weights alike, is what
# autograd computes: the weak derivative for measures of this form.
#
# **The assumptions, in words.** Theorem 1 holds at a *realizable* equilibrium, one where the
# generator matches the data exactly, under six assumptions.
#
# 1. At the equilibrium, $p_{\theta^*} = p_d$ and the critic is zero on the data's support and a
#    small neighbourhood of it.
# 2. The two functions $g(\theta) = \|\E_{p_d}[\nabla_\psi D(x; \psi)] - \E_{p_\theta}[\nabla_\psi D(x; \psi)]\|^2$
#    (our reading of damaged text: the gradients are lost in our copy, and the proof uses the
#    null space of $R^\top R$, the Hessian of this $g$, as Nagarajan and Kolter do) and
#    $h(\psi) = \E_{\mu}[\|\nabla_x D(x; \psi)\|^2]$ are locally constant along the null space of
#    their Hessians, so that higher-order terms cannot decide stability where the second-order
#    terms vanish.
# 3. Near $\theta^*$ the equilibrium critic is also zero on the support of every nearby
#    $p_\theta$ (so that discrete distributions, as in the Dirac GAN, are covered).
# 4. No other, "bad", equilibria lie near the good one, except the ones forming a smooth set of
#    equally good equilibria through it.
# 5. (Strong form.) The penalty measure does not depend on $\psi$, covers the data's support, and
#    near $\theta^*$ lies inside the neighbourhood of the data where the critic is zero.
# 6. (Weak form, the one Theorem 1 uses.) The measure may depend on $\psi$ and $\theta$ (its
#    support on $\theta$ only), is twice weakly differentiable in $(\psi, \theta)$ with a bounded,
#    twice differentiable mass (the variable is lost in our copy of the text; the proof
#    differentiates the measure in both, and Lemma 1's basin uses $\partial_\psi M$); either
#    $\E_{\mu}[\nabla_\psi \nabla_x D^\top \nabla_\psi \nabla_x D]$ is positive definite or
#    $\mu$'s support contains the data's; and near the equilibrium $\mu$ lies where the critic's
#    gradient is zero.
#
# WGAN-GP's interpolates $\mu_{\mathrm{GP}}$ break Assumption 5 (their support reaches from the
# generated samples to the data) but can meet Assumption 6 at a realizable equilibrium. $p_d$ and
# $p_g$ lie on the data there and meet it outright. $\mu_{\mathrm{GP}}$ and $\mu_{\mathrm{mid}}$
# join independent real and generated points, that is, *different* data points (two modes of a
# mixture), so they meet 6c only if the critic's gradient is zero between the data points too;
# the anchored $\mu_{g, \mathrm{anc}}$ only if it is zero on the segments from the anchor to the
# data. The paper says of its two test measures ($\mu_{\mathrm{mid}}$ and $\mu_{g,\mathrm{anc}}$)
# that they "are unintuitive but they still satisfy the assumptions"; it does not show that the
# critic is flat there, and we do not verify the claim: section 5 shows a critic with which the
# anchored measure meets Assumption 6c and one with which it does not.
#
# **Theorem 1.** Under Assumptions 1–4 and 6, the SGP µ-WGAN dynamics are locally stable at the
# equilibrium. The sketch: at the equilibrium every term of the Jacobian that carries
# $\nabla_x D$ or $D$ itself on the support of $p_d$, $p_\theta$ or $\mu$ vanishes, which leaves
#
# $$
# J = \begin{pmatrix} -Q & -R \\ R^\top & 0 \end{pmatrix}, \qquad
# Q = \lambda \, \E_{\mu}\big[(\nabla_\psi \nabla_x D)^\top (\nabla_\psi \nabla_x D)\big], \qquad
# R = \nabla_\theta \nabla_\psi \E_{p_\theta}[D],
# $$
#
# with $Q$ symmetric positive semi-definite. The generator block is zero: $\nabla_\theta^2
# \E_{p_\theta}[D] = 0$ where the critic vanishes near every $p_\theta$ (Assumption 3). For a
# matrix of this form every eigenvalue has non-positive real part, and the real part is negative
# off the null spaces of $Q$ and $R$ ({cite}`nagarajan2017gradient`, Lemma C.3). Assumptions 2 and
# 4 show that those null directions are directions along the set of equilibria, which the
# dynamics cannot leave anyway, and stability follows by projecting them out.
#
# `pl.SGPDynamics(critic, real, fake, penalty, lam, n_psi, n_theta)` builds this system for a
# critic given as a function $D(x, \psi)$ and the three measures as weighted point sets; its
# `field`, `jacobian` (autograd through the field's own gradients), `eigenvalues` and
# `trajectory` (`scipy.integrate.solve_ivp`) are what sections 2–5 use, all in float64.


# %% [markdown]
# ## 2. The Dirac GAN with a finite penalty measure (Lemma 1)
#
# The Dirac GAN {cite}`mescheder2018which` (Definition 5) is the smallest GAN there is: a linear
# critic $D(x; \psi) = \psi x$, the data a point mass at zero, $p_d = \delta_0$, and a generator
# that is a point mass at its parameter, $p_\theta = \delta_\theta$. Its one equilibrium is the
# origin. The critic's gradient is $\psi$ everywhere, so for a penalty measure $\mu_{\psi,\theta}$
# of mass $M(\psi, \theta)$ the penalty is $\psi^2 M(\psi, \theta)$ wherever the measure lies, and
#
# $$
# \dot\psi = -\theta - \frac\lambda2 \psi\,\big(2M + \psi\, \partial_\psi M\big), \qquad \dot\theta = \psi .
# $$
#
# Without a penalty this is a rotation: the Jacobian at the origin has eigenvalues $\pm i$ and the
# unregularised WGAN circles for ever. **Lemma 1** says that with a mass $M > 0$ near the origin
# (or $M(0, 0) = 0$ and $M \ge 0$ near it) the origin is locally stable, with a basin containing
# the open ball of radius
#
# $$
# R = \max\{r \ge 0 : 2M(\psi, \theta) + \psi\, \partial_\psi M(\psi, \theta) \ge 0 \text{ for all } \psi^2 + \theta^2 \le r^2\},
# $$
#
# since $\frac{d}{dt}\frac{\psi^2 + \theta^2}{2} = -\frac\lambda2 \psi^2 (2M + \psi\,\partial_\psi M)$
# is non-positive there. We check four measures (with $\lambda$ = `lam`): the generated point,
# $\mu = p_\theta = \delta_\theta$ ($M = 1$), the same with mass 3, a mass vanishing at the origin,
# $M = \psi^2 + \theta^2$ (the lemma's second case), and a mass that depends on the critic,
# $M = e^{-\psi^2}$, for which the condition reads $2 e^{-\psi^2}(1 - \psi^2) \ge 0$: $R = 1$.

# %%
if chosen.runs("dynamics"):
    ZERO = torch.zeros(1, dtype=torch.float64)

    def linear(x: torch.Tensor, psi: torch.Tensor) -> torch.Tensor:
        return psi[0] * x[:, 0]  # D(x; psi) = psi x

    dirac_data = pl.atom(lambda psi, theta: ZERO)  # p_d = delta_0
    dirac_fake = pl.atom(lambda psi, theta: theta)  # p_theta = delta_theta

    def dirac(penalty: object, critic: object = linear) -> pl.SGPDynamics:
        return pl.SGPDynamics(critic, dirac_data, dirac_fake, penalty, lam, 1, 1)

    def mass_at_generated(mass: object) -> object:
        """The point mass at the generated point theta with mass `mass(psi, theta)`."""
        return lambda psi, theta: (theta[None], mass(psi, theta).reshape(1))

    LEMMA1 = {
        "WGAN (no penalty)": None,
        "M = 1": pl.atom(lambda psi, theta: theta),
        "M = 3": pl.atom(lambda psi, theta: theta, 3.0),
        "M = ψ² + θ²": mass_at_generated(lambda psi, theta: psi**2 + theta**2),
        "M = exp(-ψ²)": mass_at_generated(lambda psi, theta: torch.exp(-(psi**2))),
    }
    lemma1 = {name: dirac(mu) for name, mu in LEMMA1.items()}
    rows = []
    for name, system in lemma1.items():
        eig = system.eigenvalues([0.0, 0.0])
        rows.append([name, ", ".join(f"{e.real:+.4f}{e.imag:+.4f}i" for e in eig)])
    chapter.table(["penalty measure", "eigenvalues of the Jacobian at (0, 0)"], rows)

    # the closed form for a constant mass M: -lam M / 2 +- sqrt(lam^2 M^2 / 4 - 1)
    for name, M in (("M = 1", 1.0), ("M = 3", 3.0)):
        root = np.emath.sqrt(lam**2 * M**2 / 4 - 1)
        closed = np.sort_complex(np.array([-lam * M / 2 - root, -lam * M / 2 + root]))
        assert np.allclose(np.sort_complex(lemma1[name].eigenvalues([0.0, 0.0])), closed, atol=1e-12), name
        assert lemma1[name].eigenvalues([0.0, 0.0]).real.max() < 0, name
    assert np.allclose(lemma1["WGAN (no penalty)"].eigenvalues([0.0, 0.0]), [-1j, 1j], atol=1e-12)

    def radius(path: np.ndarray) -> np.ndarray:
        return np.hypot(path[:, 0], path[:, 1])

    circle = radius(lemma1["WGAN (no penalty)"].trajectory([1.0, 0.0], 30.0, rtol=1e-8, atol=1e-10))
    vanishing = radius(lemma1["M = ψ² + θ²"].trajectory([1.0, 0.0], 60.0, rtol=1e-7, atol=1e-10))
    # the basin of M = exp(-psi^2): R from the lemma's condition on a polar grid, then starts inside and outside
    def mass(psi: torch.Tensor) -> torch.Tensor:
        return torch.exp(-(psi**2))

    grid_r, grid_a = np.meshgrid(np.linspace(0, 3, 3001), np.linspace(0, 2 * np.pi, 181))
    psi_grid = torch.tensor(grid_r * np.cos(grid_a), requires_grad=True)
    (d_mass,) = torch.autograd.grad(mass(psi_grid).sum(), psi_grid)
    condition = (2 * mass(psi_grid) + psi_grid * d_mass).detach().numpy()
    R = grid_r[0][np.argmax((condition < 0).any(axis=0))] - grid_r[0][1]  # the last radius where it holds
    starts_in = [(0.95 * R * np.cos(a), 0.95 * R * np.sin(a)) for a in np.linspace(0.3, 2 * np.pi + 0.3, 3, endpoint=False)]
    starts_out = [(1.5 * R * np.cos(a), 1.5 * R * np.sin(a)) for a in (0.3, 0.3 + np.pi / 2)]
    ends_in = [radius(lemma1["M = exp(-ψ²)"].trajectory(s, 60.0, rtol=1e-6, atol=1e-9))[-1] for s in starts_in]
    ends_out = [radius(lemma1["M = exp(-ψ²)"].trajectory(s, 60.0, rtol=1e-6, atol=1e-9))[-1] for s in starts_out]
    print(
        f"WGAN: radius {circle.min():.6f}-{circle.max():.6f} over t in [0, 30] from radius 1; "
        f"M = psi^2 + theta^2: radius {vanishing[-1]:.3f} at t = 60 (monotone: {bool(np.all(np.diff(vanishing) <= 1e-7))}); "
        f"M = exp(-psi^2): R = {R:.3f}, final radius from 0.95 R: {max(ends_in):.1e} at most, "
        f"from 1.5 R: {', '.join(f'{e:.2f}' for e in ends_out)}"
    )
    assert abs(R - 1.0) < 2e-3  # the lemma's radius, 1 in closed form (grid step 1e-3)
    assert np.ptp(circle) < 1e-6  # the WGAN circles: its radius is conserved
    assert np.all(np.diff(vanishing) <= 1e-7) and vanishing[-1] < 0.5  # linearly a centre, yet it converges
    assert max(ends_in) < 1e-5  # every start inside the ball converges to the origin
    assert min(ends_out) > 1.0  # control: starts outside it do not (they spiral slowly outward)

# %% tags=["hide-input"]
if chosen.runs("dynamics"):
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.2))
    for ax, name, starts in (
        (axes[0], "WGAN (no penalty)", [(1.0, 0.0), (0.5, 0.0)]),
        (axes[1], "M = 1", [(1.5, 0.0), (-1.0, 1.0)]),
        (axes[2], "M = exp(-ψ²)", starts_in[:2] + starts_out[:1]),
    ):
        pl.plot_phase_portrait(ax, lemma1[name], (-2.5, 2.5), (-2.5, 2.5), starts=starts, t_end=30.0, points=20)
        ax.set_title(name)
    axes[2].add_patch(plt.Circle((0, 0), R, fill=False, ls=":", color="k"))
    fig.tight_layout()
    glue("sgp-fig-lemma1", fig, display=False)
    plt.close(fig)
else:
    chapter.glue_not_run("sgp-fig-lemma1")

# %% [markdown]
# ```{glue:figure} sgp-fig-lemma1
# :name: sgp-fig-lemma1
#
# The Dirac GAN's vector field (gray streamlines), its nullclines $\dot\psi = 0$ (solid) and
# $\dot\theta = 0$ (dashed), and trajectories from the dots, to $t = 30$. Left: without a penalty
# the trajectories are circles. Middle: the generated point as penalty measure ($M = 1$) makes
# them spiral into the origin. Right: a mass $e^{-\psi^2}$ that fades with the critic's parameter;
# the dotted circle is Lemma 1's radius $R = 1$. Starts inside it converge; the start at $1.5R$
# is pushed out, where the penalty no longer damps.
# ```
#
# The table and the line above it give what we measured. With a constant mass the eigenvalues at
# the origin are $-\lambda M/2 \pm \sqrt{\lambda^2 M^2/4 - 1}$: with $\lambda$ = `lam` = 0.5 a complex
# pair with real part $-0.25$ for $M = 1$ and $-0.75$ for $M = 3$ (a mass above $2/\lambda = 4$ would
# make both real; asserted against the closed form to $10^{-12}$); without a penalty they are $\pm i$ and the radius of a trajectory is conserved to
# $10^{-6}$ over $t \in [0, 30]$. For $M = \psi^2 + \theta^2$ the Jacobian at the origin is that of
# the WGAN, $\pm i$, so linearisation decides nothing, yet the trajectory's radius falls
# monotonically (asserted): this is the case of the lemma that the energy argument covers and the
# eigenvalues do not. For $M = e^{-\psi^2}$ the radius computed from the lemma's condition on a
# grid is 1, as in closed form; every start at $0.95R$ ends within $10^{-5}$ of the origin, and the
# two starts at $1.5R$ spiral slowly outward (radius 2.9 at $t = 60$; the negative control of the
# same check): far out the penalty, averaged over a turn, pumps energy in. Lemma 1's radius is a
# sufficient condition, not the exact basin, which lies somewhere between $R$ and $1.5R$ here.

# %% [markdown]
# ## 3. A quadratic critic against uniform data (Lemma 2)
#
# Nagarajan and Kolter's example {cite}`nagarajan2017gradient` on which the WGAN fails to converge:
# the critic $D(x; \psi) = \psi x^2$, data $p_d = U(-1, 1)$ and a generator
# $p_\theta = U(-|\theta|, |\theta|)$, with equilibria $(\psi, \theta) = (0, \pm 1)$. With
# $\E_{p_d}[x^2] = \frac13$ and $\E_{p_\theta}[x^2] = \frac{\theta^2}3$, and the penalty
# $\frac\lambda2 \E_\mu[(2\psi x)^2] = 2\lambda\psi^2 \E_\mu[x^2]$,
#
# $$
# \dot\psi = \frac{1 - \theta^2}{3} - 4\lambda\psi\, \E_\mu[x^2], \qquad \dot\theta = \frac{2\psi\theta}{3},
# \qquad
# J(0, \pm 1) = \begin{pmatrix} -4\lambda \E_\mu[x^2] & \mp\frac23 \\ \pm\frac23 & 0 \end{pmatrix}
# $$
#
# (a term in $\partial_\theta \E_\mu[x^2]$, for a measure that moves with $\theta$, is multiplied
# by $\psi = 0$). **Lemma 2**: the eigenvalues are
# $-2\lambda\E_\mu[x^2] \pm \sqrt{4\lambda^2\E_\mu[x^2]^2 - \frac49}$, with negative real part
# whenever the measure puts mass away from $x = 0$, where the critic's gradient $2\psi x$ is not
# zero. (The lemma's condition on $\mu$ is damaged in our copy of the text; we read it as
# $\mu \ne C\delta_0$ for every $C \ge 0$, which is what the closed form needs.) We write $U(-1, 1)$ and $U(-|\theta|, |\theta|)$ as 4-point Gauss–Legendre rules (exact
# for these polynomial integrands), and $\mu_{\mathrm{GP}}$ as the product rule over
# $(x_d, x_g, \epsilon)$, for which $\E[x^2] = \frac13 \E[\epsilon^2 + (1-\epsilon)^2] = \frac29$
# at $\theta = 1$; the controls are a point mass at zero ($\E_\mu[x^2] = 0$) and the WGAN.

# %%
if chosen.runs("dynamics"):
    nodes, node_weights = pl.gauss_legendre(4)  # U(-1, 1)
    eps_nodes = (nodes + 1) / 2  # U(0, 1), same weights

    def quadratic(x: torch.Tensor, psi: torch.Tensor) -> torch.Tensor:
        return psi[0] * x[:, 0] ** 2  # D(x; psi) = psi x^2

    def uniform_data(psi: torch.Tensor, theta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return nodes[:, None], node_weights  # U(-1, 1)

    def uniform_fake(psi: torch.Tensor, theta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return theta.abs() * nodes[:, None], node_weights  # U(-|theta|, |theta|)

    def uniform_interpolates(psi: torch.Tensor, theta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """mu_GP of the uniform pair: eps x_d + (1 - eps) x_g over the product of the three rules."""
        xd, xg, eps = torch.meshgrid(nodes, theta.abs() * nodes, eps_nodes, indexing="ij")
        wd, wg, we = torch.meshgrid(node_weights, node_weights, node_weights, indexing="ij")
        return (eps * xd + (1 - eps) * xg).reshape(-1, 1), (wd * wg * we).reshape(-1)

    LEMMA2 = {  # measure -> (weighted points, E_mu[x^2] at theta = 1)
        "p_d = U(-1, 1)": (uniform_data, 1 / 3),
        "p_g = U(-|θ|, |θ|)": (uniform_fake, 1 / 3),
        "µGP": (uniform_interpolates, 2 / 9),
        "δ₀ (control)": (pl.atom(lambda psi, theta: ZERO), 0.0),
        "WGAN (control)": (None, 0.0),
    }
    rows = []
    for name, (mu, second_moment) in LEMMA2.items():
        system = pl.SGPDynamics(quadratic, uniform_data, uniform_fake, mu, lam, 1, 1)
        root = np.emath.sqrt(4 * lam**2 * second_moment**2 - 4 / 9)
        closed = np.sort_complex(np.array([-2 * lam * second_moment - root, -2 * lam * second_moment + root]))
        for theta_star in (1.0, -1.0):
            eig = np.sort_complex(system.eigenvalues([0.0, theta_star]))
            assert np.abs(system.numpy_field(np.array([0.0, theta_star]))).max() < 1e-12  # an equilibrium
            assert np.allclose(eig, closed, atol=1e-9), (name, theta_star)  # Lemma 2's closed form
            if second_moment > 0:
                assert eig.real.max() < 0, name  # locally stable
            else:
                assert np.abs(eig.real).max() < 1e-12 and np.allclose(np.abs(eig.imag), 2 / 3), name  # a centre
        rows.append([name, f"{second_moment:.4f}", ", ".join(f"{e.real:+.4f}{e.imag:+.4f}i" for e in eig)])
    chapter.table(["penalty measure", "E_µ[x²]", "eigenvalues at (0, ±1)"], rows)

# %% [markdown]
# All five spectra equal the closed form to $10^{-9}$ at both equilibria (asserted). With $\lambda$ =
# `lam` = 0.5, $p_d$ and $p_g$ give $-\frac13 \pm 0.58i$ and $\mu_{\mathrm{GP}}$, which puts less
# mass far from zero, the slower $-\frac29 \pm 0.63i$; the point mass at zero penalises where the
# gradient is zero anyway and leaves the WGAN's $\pm\frac23 i$. This is Lemma 2's condition in
# action: what matters is not whether a measure is a probability but whether it weighs the
# places where the critic's gradient can grow.

# %% [markdown]
# ## 4. When the critic breaks Assumption 2 (Lemma 3, Figure 3)
#
# Change only the critic of the Dirac GAN to $D_2(x; \psi) = \psi x^2$ and penalise on
# $\mu_{\mathrm{GP}}$, the points $(1 - \epsilon)\theta$ between the data point 0 and the
# generated point $\theta$ ($\E_\mu[x^2] = \theta^2/3$):
#
# $$
# \dot\psi = -\theta^2 \Big(1 + \frac{4\lambda}{3}\psi\Big), \qquad \dot\theta = 2\psi\theta .
# $$
#
# Every point $(\psi, 0)$ is an equilibrium, and the Jacobian at the origin is the zero matrix:
# the second-order terms vanish in every direction, so Assumption 2 fails, and the theorem says
# nothing. **Lemma 3**: the system does not converge to $(0, 0)$; started off the $\psi$-axis it
# ends at some $(b, 0)$ with $b < 0$. Along a trajectory $\psi$ falls as long as $\theta \ne 0$
# (above $\psi = -3/(4\lambda)$), $\theta$ grows while $\psi > 0$ and decays once $\psi < 0$, and the
# decay stops the fall only after $\psi$ has passed below zero. The control is the linear critic
# of section 2 with the same measure, which converges to the origin from the same starts.

# %%
if chosen.runs("dynamics"):

    def on_segment(psi: torch.Tensor, theta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return (1 - eps_nodes)[:, None] * theta, node_weights  # mu_GP for p_d = delta_0: (1 - eps) theta

    lemma3 = dirac(on_segment, critic=quadratic)
    lemma3_control = dirac(on_segment)
    starts = [(0.5, 1.0), (-0.5, 0.5), (1.0, -0.5), (1.5, 0.2)]
    ends = np.array([lemma3.trajectory(s, 60.0, rtol=1e-6, atol=1e-9)[-1] for s in starts])
    control_ends = np.array([lemma3_control.trajectory(s, 60.0, rtol=1e-6, atol=1e-9)[-1] for s in starts])
    print(
        "D2 = psi x^2 ends at psi = " + ", ".join(f"{p:.3f}" for p in ends[:, 0])
        + f" (|theta| <= {np.abs(ends[:, 1]).max():.1e}); the linear critic at distance <= "
        f"{np.hypot(*control_ends.T).max():.1e} from the origin"
    )  # fmt: skip
    # every term carries a factor theta or psi that is exactly 0 here; 1e-15 leaves room for rounding
    assert np.abs(lemma3.jacobian([0.0, 0.0]).numpy()).max() < 1e-15  # all second-order terms vanish
    assert all(np.abs(lemma3.numpy_field(np.array([p, 0.0]))).max() < 1e-15 for p in (-2.0, -0.3, 0.0, 0.7))
    assert np.abs(ends[:, 1]).max() < 1e-4 and ends[:, 0].max() < -0.1  # on the psi-axis, never at the origin
    assert np.hypot(*control_ends.T).max() < 1e-4  # control: the linear critic converges to (0, 0)

# %% tags=["hide-input"]
if chosen.runs("dynamics"):
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
    pl.plot_phase_portrait(axes[0], lemma3, (-2.0, 2.0), (-1.5, 1.5), starts=starts, t_end=30.0, points=20)
    axes[0].set_title(r"$D_2 = \psi x^2$, $\mu_{GP}$ (Lemma 3)")
    pl.plot_phase_portrait(axes[1], lemma3_control, (-2.0, 2.0), (-1.5, 1.5), starts=starts, t_end=30.0, points=20)
    axes[1].set_title(r"$D = \psi x$, $\mu_{GP}$ (control)")
    fig.tight_layout()
    glue("sgp-fig-lemma3", fig, display=False)
    plt.close(fig)
else:
    chapter.glue_not_run("sgp-fig-lemma3")

# %% [markdown]
# ```{glue:figure} sgp-fig-lemma3
# :name: sgp-fig-lemma3
#
# Figure 3 of the paper and its control: streamlines, nullclines ($\dot\psi = 0$ solid, drawn at
# $\psi = -3/(4\lambda)$; it also holds on the $\psi$-axis, where $\dot\psi$ does not change sign and
# no contour shows; $\dot\theta = 0$ dashed, on both axes) and
# trajectories to $t = 30$. With the quadratic critic (left) every trajectory lands on the line of
# equilibria $\theta = 0$ at a negative $\psi$; with the linear critic (right) they all spiral into
# the origin.
# ```
#
# From the four starts the quadratic critic ends at the $\psi$ values printed above, all below
# $-0.1$ with $|\theta| < 10^{-4}$ (asserted), while the linear critic ends within $10^{-4}$ of the
# origin (asserted). The generator does reach the data here ($\theta \to 0$); what fails is the
# critic, which is left at a non-zero $\psi$, a critic that is not constant and would push a
# perturbed generator again: the equilibrium reached is not the desired $(0, 0)$, as the lemma
# says.

# %% [markdown]
# ## 5. Theorem 1 on a realizable model
#
# To see the block structure of the theorem's Jacobian on something larger than a scalar, take
# three data points on the line, $p_d = \frac13(\delta_{-1} + \delta_{0.5} + \delta_{2})$, a
# generator that shifts them, $p_\theta = \frac13 \sum_i \delta_{x_i + \theta}$ (realizable at
# $\theta^* = 0$), and a critic with three tanh units,
# $D(x; \psi) = \sum_{j=1}^3 a_j \tanh(w_j x + b_j)$, $\psi = (a, w, b) \in \R^9$. At $a = 0$ the
# critic is zero everywhere, whatever $(w, b)$: every such $\psi$ with $\theta = 0$ is an
# equilibrium, and the six directions of $(w, b)$ are the null directions the theorem predicts.
# We fix $(w, b) = (1, -1.5, 0.7;\ 0.5, 0, -0.8)$, three units of distinct slopes and offsets (with
# $(w, b)$ drawn at random the three units' features on three data points can be nearly dependent,
# and a rate of $10^{-7}$ would blur the count of zeros), and evaluate the $10 \times 10$ Jacobian for the five measures of
# Table 1, each written exactly on this discrete data ($\mu_{\mathrm{GP}}$ over all pairs and a
# 4-point rule in $\epsilon$, $\mu_{\mathrm{mid}}$ over all pairs, $\mu_{g,\mathrm{anc}}$ with the
# anchor $A = 3$), and for two controls: a point mass at $x = 0.2$, and the WGAN.
#
# Assumption 6b asks that $Q$ be definite or that the measure's support contain the data's. The
# second branch holds for $p_d$, $p_g$, $\mu_{\mathrm{GP}}$ and $\mu_{\mathrm{mid}}$ (each pair of
# a data point with its own generated copy puts mass on it), but not for $\mu_{g,\mathrm{anc}}$,
# whose 4-point rule puts no node on a data point, nor for the point mass at $0.2$, which covers
# none either. Taken literally, the first branch fails for every measure too: on all ten
# parameters $Q$ has six zero eigenvalues, along $(w, b)$ and $\theta$. We read it on the three
# output weights $a$, the directions off the set of equilibria, because that is what the theorem's
# proof uses (its step $N(Q) \subseteq N(R^\top)$, with $R$ nonzero only on $a$): our reading, not
# the paper's words. Read so, what separates the anchored measure from the point mass is the
# *rank* of $Q$ on $a$: every measure of the table gives rank 3, the point mass rank 1, the WGAN
# rank 0.
#
# The checks come in two kinds. The first hold for every measure and both controls alike, by
# construction, since the critic is zero everywhere at $a = 0$: the field is zero at the point,
# the generator block $K_{GG}$ is zero, $K_{DG} = -K_{GD}^\top$, $Q = -K_{DD}$ is symmetric positive
# semi-definite, no eigenvalue has a positive real part and the $(w, b)$ columns of $J$ are zero.
# They check the computation. The second tell the measures apart: $Q$ has rank 3, and exactly six
# eigenvalues are zero, so that the null space is the set of predicted directions and every other
# eigenvalue has a negative real part. The two controls fail both.

# %%
if chosen.runs("dynamics"):
    points = torch.tensor([[-1.0], [0.5], [2.0]], dtype=torch.float64)
    n, units = len(points), 3
    third = torch.full((n,), 1 / n, dtype=torch.float64)
    eps_weights = node_weights  # the 4-point rule on U(0, 1) of section 3

    def tanh_critic(x: torch.Tensor, psi: torch.Tensor) -> torch.Tensor:
        a, w, b = psi[:units], psi[units : 2 * units], psi[2 * units :]
        return torch.tanh(x * w + b) @ a

    def shifted(psi: torch.Tensor, theta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return points + theta, third  # p_theta: the data shifted by theta

    def data_points(psi: torch.Tensor, theta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return points, third


    def between(left: torch.Tensor, right: torch.Tensor, eps: torch.Tensor, weights: torch.Tensor) -> tuple:
        """eps * l + (1 - eps) * r over all pairs (l, r) and the nodes eps, uniform over the pairs."""
        mixed = eps[None, None, :, None] * left[:, None, None, :] + (1 - eps[None, None, :, None]) * right[None, :, None, :]
        pair = 1 / (len(left) * len(right))
        return mixed.reshape(-1, 1), (pair * weights).repeat(len(left) * len(right))

    anchor = torch.tensor([[3.0]], dtype=torch.float64)
    HALF = (torch.tensor([0.5], dtype=torch.float64), torch.ones(1, dtype=torch.float64))
    THEOREM = {
        "p_g": shifted,
        "p_d": data_points,
        "µGP": lambda psi, theta: between(points, points + theta, eps_nodes, eps_weights),
        "µmid": lambda psi, theta: between(points, points + theta, *HALF),
        "µg,anc": lambda psi, theta: between(anchor, points + theta, eps_nodes, eps_weights),
        "δ₀.₂ (control)": pl.atom(lambda psi, theta: torch.tensor([0.2], dtype=torch.float64)),
        "WGAN (control)": None,
    }
    wb = torch.tensor([1.0, -1.5, 0.7, 0.5, 0.0, -0.8], dtype=torch.float64)  # (w, b), fixed
    equilibrium = torch.cat([torch.zeros(units, dtype=torch.float64), wb, torch.zeros(1, dtype=torch.float64)])
    P = 3 * units  # critic parameters; the generator's one follows
    rows, null_counts, q_ranks, spectra = [], {}, {}, {}
    for name, mu in THEOREM.items():
        system = pl.SGPDynamics(tanh_critic, data_points, shifted, mu, lam, P, 1)
        J = system.jacobian(equilibrium).numpy()
        eig = spectra[name] = np.linalg.eigvals(J)
        Q = -J[:P, :P]
        zero = np.abs(eig) < 1e-10  # the threshold between the zeros (printed) and the others (|Re| printed)
        null_counts[name] = int(zero.sum())
        q_ranks[name] = int(np.linalg.matrix_rank(Q, tol=1e-10))  # Q's nonzero eigenvalues are printed
        rest = eig[~zero]
        # The structure of J: these hold for every measure and both controls alike, since the critic
        # is zero everywhere at a = 0 (checks of the computation, not of the theorem's conditions)
        assert np.abs(system.numpy_field(equilibrium.numpy())).max() < 1e-14, name
        assert np.abs(J[P:, P:]).max() < 1e-14, name  # K_GG = 0
        assert np.abs(J[:P, P:] + J[P:, :P].T).max() < 1e-14, name  # K_DG = -K_GD^T
        assert np.abs(Q - Q.T).max() < 1e-14 and np.linalg.eigvalsh(Q).min() > -1e-12, name  # Q PSD
        assert eig.real.max() < 1e-12, name  # no eigenvalue with a positive real part
        assert np.abs(J[:, units:P]).max() < 1e-15, name  # the (w, b) directions are null directions (a = 0)
        # What tells the measures apart: Q's rank on the output weights a, and with it the null count
        if "control" not in name:
            assert q_ranks[name] == units, name  # Assumption 6b's first branch as we read it: Q definite on a
            assert null_counts[name] == 2 * units and rest.real.max() < -1e-3, name  # only the predicted zeros
        rows.append([
            name, q_ranks[name], null_counts[name], f"{np.abs(eig[zero]).max():.0e}", f"{rest.real.max():.4f}",
            f"{rest.real.min():.4f}", f"{np.linalg.eigvalsh(Q).max():.4f}", f"{np.abs(rest.imag).max():.4f}",
        ])  # fmt: skip
    # controls of the same two checks: the point mass (rank one) and the WGAN (Q = 0)
    assert q_ranks["δ₀.₂ (control)"] == 1 and null_counts["δ₀.₂ (control)"] == 2 * units + 1  # an unpredicted zero
    assert q_ranks["WGAN (control)"] == 0 and null_counts["WGAN (control)"] == P + 1 - 2
    assert np.abs(spectra["WGAN (control)"].real).max() < 1e-12  # a centre: Q = 0
    header = ["penalty measure", "rank of Q", "zero eigenvalues", "largest |zero|", "max Re (others)",
              "min Re (others)", "largest eig. of Q", "max |Im|"]  # fmt: skip
    chapter.table(header, rows)

    # the point mass's seventh null direction: output weights v with zero critic slope at 0.2 and
    # zero mean slope on the data
    def slopes(x: torch.Tensor) -> torch.Tensor:
        return wb[:units] * (1 - torch.tanh(x * wb[:units] + wb[units:]) ** 2)  # d/dx of each unit

    v = torch.linalg.svd(torch.stack([slopes(torch.tensor(0.2, dtype=torch.float64)), slopes(points).mean(0)])).Vh[-1]
    bad = torch.cat([0.1 * v, wb, torch.zeros(1, dtype=torch.float64)])
    atom_system = pl.SGPDynamics(tanh_critic, data_points, shifted, THEOREM["δ₀.₂ (control)"], lam, P, 1)
    bad_field = np.abs(atom_system.numpy_field(bad.numpy())).max()
    bad_critic = tanh_critic(points, bad[:P]).abs()
    print(
        f"δ₀.₂: at (0.1 v, w, b, θ = 0) the field is {bad_field:.1e} and |D| on the data points is "
        + ", ".join(f"{d:.4f}" for d in bad_critic)
    )
    assert bad_field < 1e-14 and bad_critic.min() > 1e-3  # a bad equilibrium

# %% [markdown]
# The table shows that all five measures meet the theorem's predictions exactly (asserted): $Q$ of
# rank 3, six zero eigenvalues (the largest in modulus is printed; the test is $|\lambda| <
# 10^{-10}$), those of the $(w, b)$ directions, and four with negative real part, two real and a
# complex pair. The slowest rate differs between measures, from $-0.016$
# ($\mu_{g,\mathrm{anc}}$, whose points lie mostly away from the data) to $-0.041$
# ($\mu_{\mathrm{GP}}$); $p_d$ and $p_g$ coincide, as they must at a realizable equilibrium. The
# theorem is about the sign, not the rate. The point
# mass at $0.2$ breaks Assumption 6b in both branches: $Q$ has rank one, and a seventh zero
# eigenvalue appears (asserted), along output weights $v$ that give the critic zero slope at $0.2$
# and zero mean slope on the data. ($\mu_{g,\mathrm{anc}}$ covers no data point either; on our
# reading of 6b, its $Q$ of rank 3 on $a$ is what keeps it inside the theorem.) Along $v$ the failure is exact, not only linear:
# $(\epsilon v, w, b, \theta = 0)$ is an equilibrium for every $\epsilon$ (asserted for
# $\epsilon = 0.1$: the field printed below the table, under $10^{-14}$) whose critic is not zero
# on the data (the $|D|$ printed, at least 0.026 at each data point; asserted above $10^{-3}$), a bad
# equilibrium beside the good one of the kind Assumption 4 excludes, and which $Q$ of full rank
# on $a$ rules out (the penalty's gradient $\lambda Q a$ is then not zero). Without a penalty $Q = 0$ and only a purely imaginary pair is
# left, the rotation of sections 2–3 in ten dimensions.
#
# WGAN-GP's own penalty $(\|\nabla_x D\| - 1)^2$ cannot be checked this way: at these equilibria
# $\nabla_x D = 0$, where its derivative does not exist (section 1). `pl.SGPDynamics` takes the
# squared form only.

# %% [markdown]
# **Where the measure leaves the critic's zero set (Assumption 6c).** The tanh critic above is zero
# *everywhere* at $a = 0$, so every measure lies where $\nabla_x D = 0$, the anchored one too, and
# the check cannot tell whether the assumption matters. Assumption 1 asks less: a critic zero on a
# neighbourhood of the data. Add a fixed term that is zero up to $x = 2.5$ (half a unit past the
# largest data point) and grows beyond it,
# $D(x; \psi) = \sum_j a_j \tanh(w_j x + b_j) + \max(x - 2.5, 0)^3$, twice differentiable. Every
# measure of the table still lies in $[-1, 2]$ near $\theta^* = 0$, where the new term and its
# derivatives vanish. The anchored measure with $A = 3$ does not: its segments from the anchor to
# the data cross $(2.5, 3]$. With the anchor at $A = 2.4$, inside the zero set, it does again. The
# checks: with $A = 2.4$ the point is an equilibrium and the Jacobian is the tanh critic's to
# rounding ($10^{-13}$: the two graphs add their terms in different orders); with $A = 3$ the
# field is not zero there, so the point is no equilibrium of these dynamics and Theorem 1 has
# nothing to say about it. Where do the dynamics go instead? We follow
# the trajectory from the point to $t = 1000$ and report the penalty integral
# $\E_\mu\|\nabla_x D\|^2$, the generator's largest displacement and how far $(w, b)$ moved.

# %%
if chosen.runs("dynamics"):

    def bumped_critic(x: torch.Tensor, psi: torch.Tensor) -> torch.Tensor:
        return tanh_critic(x, psi) + torch.relu(x[:, 0] - 2.5) ** 3  # zero up to x = 2.5

    rows = []
    times = np.linspace(0.0, 1000.0, 2001)  # every 0.5: the generator's first swing peaks near t = 5
    for A in (2.4, 3.0):
        anchored = (lambda at: lambda psi, theta: between(at, points + theta, eps_nodes, eps_weights))(
            torch.tensor([[A]], dtype=torch.float64)
        )
        system = pl.SGPDynamics(bumped_critic, data_points, shifted, anchored, lam, P, 1)
        plain = pl.SGPDynamics(tanh_critic, data_points, shifted, anchored, lam, P, 1)
        start_field = system.numpy_field(equilibrium.numpy())
        field = np.abs(start_field).max()
        path = system.trajectory(equilibrium.numpy(), times[-1], len(times), rtol=1e-6, atol=1e-9)
        penalty = [system.penalty_integral(torch.from_numpy(x[:P]), torch.from_numpy(x[P:])).detach().item() for x in path[[0, -1]]]
        theta_path = np.abs(path[:, -1])
        shift, wb_moved = theta_path.max(), np.linalg.norm(path[-1, units:P] - path[0, units:P])
        if A < 2.5:  # the segments stay where the critic is zero: nothing changes
            assert field < 1e-14 and np.abs(system.jacobian(equilibrium).numpy() - plain.jacobian(equilibrium).numpy()).max() < 1e-13
            assert shift < 1e-12 and penalty[0] < 1e-15
        else:  # they leave it: no equilibrium; the critic flattens the segments, the generator is pushed off
            largest = int(np.abs(start_field).argmax())
            print(
                f"A = {A}: largest entry of the field at the point {start_field[largest]:+.2e} (coordinate "
                f"{largest}: output weight a_{largest + 1}); penalty integral at t = 1000 {penalty[-1] / penalty[0]:.2f} "
                f"of its start; max |θ| {shift:.4f} at t = {times[theta_path.argmax()]:.1f}; |θ| at t = 1000 "
                f"{theta_path[-1]:.4f}, its largest over t in [500, 1000] {theta_path[times >= times[-1] / 2].max():.4f}; "
                f"max |field| at t = 1000 {np.abs(system.numpy_field(path[-1])).max():.1e}"
            )
            assert field > 1e-3 and penalty[-1] < 0.6 * penalty[0]  # no equilibrium; the critic flattens the segments
            late = theta_path[times >= times[-1] / 2].max()  # |theta| swings slowly through zero: a window, not one time
            assert 1e-3 < shift < 1e-1 and late > 1e-3  # the generator is displaced (order 1e-2), and again later
        rows.append([f"µg,anc, A = {A}", f"{field:.1e}", f"{penalty[0]:.4f} → {penalty[-1]:.4f}", f"{shift:.4f}", f"{wb_moved:.2f}"])
    header = ["measure (critic zero up to 2.5)", "max |field| at the point", "penalty integral, t = 0 → 1000",
              "max |θ| up to t = 1000", "‖Δ(w, b)‖ at t = 1000"]  # fmt: skip
    chapter.table(header, rows)

# %% [markdown]
# With the anchor outside the critic's zero set the penalty's own gradient, $\lambda
# \E_\mu[\nabla_x D \, \nabla_\psi \nabla_x D]$, is not zero at the point (asserted above
# $10^{-3}$; its largest entry, printed above, is about $-7.5 \times 10^{-3}$, along the output
# weight $a_3$): the realizable point is no equilibrium, since the term that the theorem's proof
# sets to zero with Assumption 6c is not zero. The dynamics then move both players. The critic
# reshapes itself to flatten the anchored segments: by $t = 1000$ the penalty integral has fallen
# to half its start (the printed ratio, 0.50; asserted below 0.6) and $(w, b)$ have moved by about
# 1.1 (the table). The generator is pushed off the data: $|\theta|$ peaks at about $0.010$ near
# $t = 5$, then swings slowly through zero and back, and at $t = 1000$ it is about $0.004$ from the
# data, with the field at about
# $10^{-3}$ (printed; asserted: the largest $|\theta|$ between $10^{-3}$ and $10^{-1}$, and again
# above $10^{-3}$ somewhere in the run's second half, a window rather than one time, since a
# single time could fall on a crossing; with $A = 2.4$, the control, $|\theta|$ stays below
# $10^{-12}$ and the penalty at zero). The displacement is small against the data's spacing
# (1.5), but this execution does not show that it dies out: the failure of 6c costs the guarantee,
# and what it costs training is left open by a model this small. An anchor far from the data meets
# Assumption 6c only if the critic is flat along the whole way to it. The same holds, less
# visibly, for $\mu_{\mathrm{GP}}$ and $\mu_{\mathrm{mid}}$, whose segments and midpoints join
# *different* data points: they too need the critic flat between the data, not only on it. The
# paper says its two test measures "are unintuitive but they still satisfy the assumptions"; it
# does not show that a trained critic is flat between the modes or along the anchor's segments,
# and this chapter does not verify that claim either: on our tanh critic the anchored measure
# meets the assumptions with one critic and breaks them with another.

# %% [markdown]
# ## 6. The 2-D data (section 5.1, Figure 4)
#
# The paper's section 5.1 trains the simple penalty with its five measures on the three 2-D data
# sets of WGAN-GP's toy code (8 gaussians, 25 gaussians, the swiss roll; for 30,000, 200,000 and
# 100,000 iterations) with the settings of `gan_toy.py`, and shows their final samples (Figure 4).
# It shows no run of the clipped WGAN or WGAN-GP on these data and reports no number, only that
# $p_\theta$ converged for every measure. We add the two baselines of Table 1 and the
# unconstrained WGAN, with the same settings. We measure how close each
# generator is to the data by the exact $W_1$ distance (POT) between `toy_eval_samples`
# generated points from fixed noise and as many held-out real points (500 at CPU scale, 1,000 at
# the paper's), every quarter of the run, over `seeds` seeds, and run the unconstrained WGAN for
# comparison (below: it is no control of the penalty at this length). At CPU scale the MLPs are 64 wide and every run lasts 150 iterations.

# %% tags=["hide-input"]
if chosen.runs("toy"):
    toy = {key[1:]: chapter.result(*key) for key in toy_jobs}  # (data, method, seed) -> run
    final = {(ds, m): np.array([toy[(ds, m, s)].evals["w1"][-1] for s in seed_list]) for ds in TOY_STEPS for m in TOY}
    first = {ds: np.mean([toy[(ds, m, s)].evals["w1"][0] for m in TOY for s in seed_list]) for ds in TOY_STEPS}
    rows = [
        [m] + [f"{final[(ds, m)].mean():.3f} ({final[(ds, m)].min():.3f}–{final[(ds, m)].max():.3f})" for ds in TOY_STEPS]
        for m in TOY
    ]
    chapter.table(["method"] + [f"final W1, {ds}" for ds in TOY_STEPS], rows)
    print(
        "untrained generators: W1 "
        + ", ".join(f"{ds} {first[ds]:.2f}" for ds in TOY_STEPS)
        + "; final W1 per seed: "
        + "; ".join(f"{ds} {m} " + " ".join(f"{v:.3f}" for v in final[(ds, m)]) for ds in TOY_STEPS for m in TOY)
    )

    fig, axes = plt.subplots(2, len(TOY_STEPS), figsize=(4.2 * len(TOY_STEPS), 6.5), squeeze=False)
    for j, ds in enumerate(TOY_STEPS):
        for k, m in enumerate(TOY):
            rs = [toy[(ds, m, s)] for s in seed_list]
            style = dict(color=f"C{k}")
            pl.plot_curves(axes[0, j], rs[0].evals["step"], [r.evals["w1"] for r in rs], m, **style)
            pl.plot_curves(axes[1, j], np.mean([r.evals["wall"] for r in rs], axis=0), [r.evals["w1"] for r in rs], m, **style)
        axes[0, j].set_title(ds)
        axes[0, j].set_xlabel("generator iterations")
        axes[1, j].set_xlabel("training wall-clock time (s)")
        for row in (0, 1):
            axes[row, j].set_ylabel("exact W1")
            axes[row, j].set_yscale("log")
    axes[0, 0].legend(fontsize=7)
    fig.tight_layout()
    glue("sgp-fig-toy-curves", fig, display=False)
    plt.close(fig)

    fig, axes = plt.subplots(len(TOY_STEPS), len(TOY), figsize=(2.2 * len(TOY), 2.4 * len(TOY_STEPS)), squeeze=False)
    z = torch.randn(1000, 2, generator=torch.Generator().manual_seed(seed))
    for i, ds in enumerate(TOY_STEPS):
        real = pl.ToySampler(ds, seed + 6000)(1000)
        for j, m in enumerate(TOY):
            with torch.no_grad():
                fake = toy[(ds, m, seed)].generator(z)
            pl.plot_samples(axes[i, j], real, fake, lim=2.5, title=f"{ds}\n{m}")
    fig.tight_layout()
    glue("sgp-fig-toy-samples", fig, display=False)
    plt.close(fig)
else:
    chapter.glue_not_run("sgp-fig-toy-curves", "sgp-fig-toy-samples")

# %% [markdown]
# ```{glue:figure} sgp-fig-toy-curves
# :name: sgp-fig-toy-curves
#
# Exact $W_1$ between generated and held-out real samples during training, over generator
# iterations (top) and training wall-clock time (bottom), the mean over this execution's seeds
# with a band from the best to the worst.
# ```
#
# ```{glue:figure} sgp-fig-toy-samples
# :name: sgp-fig-toy-samples
#
# Figure 4 of the paper with the baselines and the unconstrained WGAN: real (orange) and generated (green)
# samples after training, first seed.
# ```
#
# Over seeds 0–4 (the executions with `seed` 0–3 of the seed record, two seeds each) we measured,
# as the ratio of each run's final $W_1$ to its first (the untrained generator, whose $W_1$ averages
# 1.25–1.57 per data set and execution):
#
# * **Clipping has not started**: 0.93–0.98 on every data set. TF1's RMSProp at $5 \cdot 10^{-5}$,
#   the official setting, takes its first steps at about the learning rate times the gradient
#   (its mean square starts at 1; see the WGAN-GP chapter), and 150 iterations are not enough.
# * **The penalised runs move toward the data**: WGAN-GP and the simple penalty on each of the
#   five measures end at 0.42–0.71 of their start on the 8 gaussians, 0.27–0.51 on the 25 gaussians
#   and 0.28–0.49 on the swiss roll (final $W_1$ 0.67–0.91, 0.41–0.74 and 0.40–0.73). Within one
#   seed the measures and WGAN-GP end up to 0.27 apart (0.16 without $\mu_{g,\mathrm{anc}}$), with
#   no measure consistently best; among the five measures $\mu_{g,\mathrm{anc}}$ is the worst on
#   the 25 gaussians in 4 of 5 seeds and on the swiss roll in 3 (up to 0.74 and 0.73, where the
#   other four end at most 0.52 and 0.59). Not in every run, though: over seeds 0–8 (the record's
#   executions with `seed` 0–7, its check seeds included) 3 of the 162 penalised runs end at or
#   above 0.8 of their start, all on the 8 gaussians at seed 6, where every method is slow (WGAN-GP
#   0.90, $p_g$ 0.89, $\mu_{g,\mathrm{anc}}$ 0.81; the best there, $p_d$, 0.75). Asserted therefore
#   over the runs of this execution, not run by run: each method's mean ratio over its six runs
#   (three data sets, two seeds, pooled: the 25 gaussians and the swiss roll, near 0.3, pull the
#   mean down, so a method stuck on the 8 gaussians alone would still pass; printed below with the
#   count of its runs at or above 0.8) is below 0.8, between the penalised methods' worst mean in the record's executions 0–3 (about
#   0.5) and clipping's best (0.94).
# * **What that check shows, and what it does not.** It shows that with Adam the penalised
#   generators move toward the data within 150 iterations. Clipping fails it because TF1's RMSProp
#   has not yet moved its generator, not because of its constraint: a control that the check can
#   fail, not a control of the penalty. The control the penalty would need, the unconstrained WGAN
#   (the same Adam and the same 150 iterations without a penalty), passes it in 2 of the record's 4
#   executions 0–3 (means 0.54 and 0.70; 0.80 and 1.04 in the other two, the first just above the
#   bound before rounding): its single runs end at
#   0.46–1.30 of their start over seeds 0–4, 7 of the 15 below 0.8, in some seeds as close to the
#   data as the penalised runs (0.50 of its start on the 8 gaussians in seed 2), in others further
#   away than where they started. Its critic has not grown far enough in 150 iterations to wreck
#   training reliably, so the toy data at CPU scale do not show that the penalty is what makes
#   these runs train; section 7 does, where the unconstrained WGAN fails the same kind of check in
#   every seed of the record.
#
# The paper's Figure 4 shows the five measures' samples after 30,000 to 200,000 iterations; at
# CPU scale the generators have found the rough shape of each data set, as the samples above show,
# and no more.

# %%
if chosen.runs("toy"):
    progress = {key: r.evals["w1"][-1] / r.evals["w1"][0] for key, r in toy.items()}  # final / untrained
    print(
        "final W1 / first W1 per seed: "
        + "; ".join(
            f"{ds} {m} " + " ".join(f"{progress[(ds, m, s)]:.2f}" for s in seed_list) for ds in TOY_STEPS for m in TOY
        )
    )  # fmt: skip
    runs_of = {m: [progress[(ds, m, s)] for ds in TOY_STEPS for s in seed_list] for m in TOY}
    mean_progress = {m: float(np.mean(v)) for m, v in runs_of.items()}
    print(
        f"mean final / first W1 over the {len(seed_list) * len(TOY_STEPS)} runs of each method "
        "(runs at or above 0.8 of their start): "
        + ", ".join(f"{m} {mean_progress[m]:.2f} ({sum(v >= 0.8 for v in runs_of[m])})" for m, v in runs_of.items())
    )
    if check:
        for m in ("WGAN-GP", *SGP):
            assert mean_progress[m] < 0.8, m  # with Adam and a penalty the generator moves toward the data
        # control: a generator that has not moved (clipping's RMSProp at 5e-5); not a control of the
        # penalty, which the unconstrained WGAN would be but is not at this length (see above)
        assert not mean_progress["WGAN (clipping)"] < 0.8

# %% [markdown]
# ## 7. MNIST (section 5.1, Figure 5)
#
# On MNIST the paper trains the five measures for 200,000 iterations with the anchor "784 gray
# pixels" and shows their samples (Figure 1: $\mu_{\mathrm{mid}}$ and $\mu_{g,\mathrm{anc}}$;
# Figure 5: all five), again without a number; the clipped WGAN, WGAN-GP and the unconstrained
# WGAN are ours, as on the 2-D data. We run the networks of
# `gan_mnist.py` (a sigmoid generator on images in $[0, 1]$, critic and generator without batch
# normalisation except the clipped WGAN's, 5 critic steps, Adam $10^{-4}$, $\beta = (0.5, 0.9)$),
# so that gray is 0.5. **At CPU scale the data are not MNIST** but scikit-learn's 8x8 digits,
# upsampled to 28x28, the networks are 12 channels wide instead of 64, the runs last 100
# iterations with the learning rates multiplied by `lr_scale` = 10, and the quality of the samples
# is measured with the digits classifier of the WGAN-GP chapter: the Fréchet distance between its
# features of generated and real digits (the formula of FID, *not* FID) and the Inception-Score
# formula on its class probabilities (*not* IS).

# %% tags=["hide-input"]
if chosen.runs("mnist"):
    mnist = {m: chapter.result("mnist", m) for m in MNIST}
    quality, score = pl.image_metric_names(mnist_dataset)
    rows = [
        [m, f"{r.evals[quality][0]:.0f}", f"{r.evals[quality][-1]:.1f}", f"{r.evals[score][-1]:.2f}", f"{r.wall:.1f}"]
        for m, r in mnist.items()
    ]
    header = ["method", f"first {LABELS[quality]}", f"final {LABELS[quality]}", f"final {LABELS[score]}", "training time (s)"]
    chapter.table(header, rows)
    fig, axes = plt.subplots(2, 4, figsize=(12, 6.4))
    for ax, (m, r) in zip(axes.flat, mnist.items(), strict=True):
        with torch.no_grad():
            pl.plot_image_grid(ax, 2 * r.generator(noise) - 1, m)  # the sigmoid generator's [0, 1] shown in [-1, 1]
    fig.tight_layout()
    glue("sgp-fig-mnist-samples", fig, display=False)
    plt.close(fig)
else:
    chapter.glue_not_run("sgp-fig-mnist-samples")

# %% [markdown]
# ```{glue:figure} sgp-fig-mnist-samples
# :name: sgp-fig-mnist-samples
#
# Figure 5 of the paper with the baselines and the unconstrained WGAN: 64 samples of each method from the
# same fixed noise after training (at CPU scale: digits, 100 iterations, width 12).
# ```
#
# Over seeds 0–3 we measured the classifier Fréchet distance after 100 iterations (the untrained
# generators start at 3,496–3,581; clipping's, with batch norm, at 2,934–3,173):
#
# * WGAN-GP 83–143; the simple penalty on $p_g$ 94–183, $\mu_{\mathrm{GP}}$ 109–157,
#   $\mu_{\mathrm{mid}}$ 104–195, $p_d$ 146–405 and $\mu_{g,\mathrm{anc}}$ 146–334, with class scores
#   of 3.7–5.8 (500 real digits score 8.4, as measured in the WGAN-GP chapter).
# * The unconstrained WGAN 1,132–2,137 (class score 1.0–1.7): with nothing to bound its critic, the
#   generator learns far less in the same 100 iterations than with any of the five measures.
#   **This is the paper's claim at CPU scale: every measure regularises.** Asserted in this
#   execution: each penalised run ends below 0.2 of its start (the worst measured, 0.11, against
#   0.32 for the best unconstrained run), and both controls, the unconstrained WGAN and clipping
#   (which has not started, 1.00 of its start, as on the toy data), fail the same check.
# * The measures are not equally good: $p_d$ (penalising on real digits only) and the gray anchor
#   are the two furthest from the data in every seed, and WGAN-GP is the closest in every seed. The paper shows MNIST samples for every
#   measure and no number, so there is nothing to compare this ranking with. Its CIFAR-10 numbers
#   rank the anchored measure differently: Table 2 gives $\mu_{g,\mathrm{anc}}$ the best FID of all
#   with the DCGAN (33.7, against 33.9–38.9 for the other measures and 35.0 for WGAN-GP) and the
#   worst of the measures with the ResNet (22.4); our short runs, on digits with a gray anchor and
#   on the 2-D data with the anchor $(2, -1)$, cannot say whether the length, the data or the anchor makes the difference.

# %%
if chosen.runs("mnist"):
    progress = {m: r.evals[quality][-1] / r.evals[quality][0] for m, r in mnist.items()}  # final / first
    print("final / first " + LABELS[quality] + ": " + ", ".join(f"{m} {v:.3f}" for m, v in progress.items()))
    if check and mnist_dataset == "digits":
        for m in ("WGAN-GP", *SGP):
            assert progress[m] < 0.2, m  # every measure regularises: the generator keeps learning
        for m in (CONTROL, "WGAN (clipping)"):
            assert not progress[m] < 0.2, m  # controls: without a constraint, and with clipping

# %% [markdown]
# ## 8. CIFAR-10 (section 5.2, Table 2)
#
# Table 2 of the paper scores every method on CIFAR-10 with the DCGAN of `gan_cifar.py` and the
# ResNet of `gan_cifar_resnet.py`, each trained for 200,000 generator iterations, by the Inception
# Score and FID. The anchor of $\mu_{g,\mathrm{anc}}$ is "fixed random pixels", here uniform in
# $[-1, 1]$ from the run's seed. The ResNet has no clipped WGAN: the paper reports that it "failed
# to generate images" (its Figure 7a shows such images, and Table 2 no number), and the official
# ResNet code has only the penalty. Neither does the table
# have the unconstrained control; we leave it out here too, to keep the group's cost down.
#
# This group is not in the default selection (`experiments`). At CPU scale
# (`-p experiments cifar`) it trains on the digits, upsampled to 32x32, with networks 8 channels
# wide, the DCGAN for 100 iterations and the ResNet for 30; these are tests of the code path, not
# of the paper's claims, and no claim is asserted on them. At full scale it records the Inception
# Score and FID of every run in `results/sgp_wgan/`, which the reproduction table reads.

# %% tags=["hide-input"]
if chosen.runs("cifar"):
    cifar = {key: chapter.result(*key) for key in cifar_jobs}
    quality, score = pl.image_metric_names(cifar_dataset)
    rows = [
        [arch, m, f"{r.evals[score][-1]:.2f}", f"{r.evals[quality][-1]:.1f}", f"{r.wall:.1f}"]
        for (arch, m), r in cifar.items()
    ]
    header = ["network", "method", f"final {LABELS[score]}", f"final {LABELS[quality]}", "training time (s)"]
    chapter.table(header, rows)
    fig, axes = plt.subplots(2, 7, figsize=(21, 6.6))
    for ax in axes.flat:
        ax.set_axis_off()
    for (arch, m), r in cifar.items():
        row = 0 if arch == "dcgan" else 1
        column = list(DCGAN if arch == "dcgan" else ["WGAN (clipping)", *RESNET]).index(m)
        with torch.no_grad():
            pl.plot_image_grid(axes[row, column], r.generator(noise), f"{arch}: {m}")
    fig.tight_layout()
    glue("sgp-fig-cifar-samples", fig, display=False)
    plt.close(fig)
else:
    chapter.glue_not_run("sgp-fig-cifar-samples")

# %% [markdown]
# ```{glue:figure} sgp-fig-cifar-samples
# :name: sgp-fig-cifar-samples
#
# Figures 2, 6 and 7 of the paper: 64 samples of each CIFAR-10 run (DCGAN top, ResNet bottom) from
# the same fixed noise, when this execution ran the `cifar` group (at CPU scale: digits).
# ```

# %% [markdown]
# ## Reproduction
#
# One row per result of the paper. The theory rows are exact computations, the same at every
# scale. The paper gives numbers only for CIFAR-10 (Table 2, 26 numbers: Inception Score and FID
# for seven methods and two networks, the ResNet without the clipped WGAN); for the 2-D data and
# MNIST it shows samples, against which we put the distances we measured. "Ours, CPU scale"
# names its data; "ours, full scale" is read from `results/sgp_wgan/`, written by the command of
# the row at the paper's settings (`record="auto"`), or says "not yet run". Where the paper's
# setting is unknown we chose: the penalty weights $\lambda = 0.2$ (toy) and 20 (images) are our
# reading of "only the loss function was modified" (see {ref}`sgp-wgan-runs`); the CIFAR-10
# anchor is uniform in $[-1, 1]$; the paper does not say how many images its scores use (we use
# 50,000 for both networks, as `gan_cifar_resnet.py` does for its Inception Score; `gan_cifar.py`
# scores 10,240). The ResNet trains for the paper's 200,000 iterations with its learning rate
# decayed linearly over them, where `gan_cifar_resnet.py` trains 100,000, and unconditionally (that
# file defaults to the conditional AC-GAN).
#
# **What a paper-scale run costs (an estimate: no GPU has run it yet).** Days of one GPU, not
# hours, with `workers = 1`, the preset, which trains one network pair at a time:
#
# * `cifar`, the largest: the forward pass of one 32x32 image costs about 0.55 GFLOP in the ResNet's
#   generator or critic and 0.22 GFLOP in the DCGAN's (PyTorch's FLOP counter), so a generator
#   iteration (5 critic steps of batch 64 with the penalty's double backward, one generator step)
#   costs about 2.5 TFLOP for the ResNet (its generator step takes 128 images) and 0.9 TFLOP for
#   the DCGAN: 4.3 × 10¹⁸ FLOP for the 13 runs of 200,000 iterations, about a day at a sustained
#   50 TFLOPS. Their evaluations (13 runs × 21 × 50,000 images through Inception, 5.7 GFLOP each)
#   are some 55 times less work, an hour or two.
# * `toy`: 8 methods × 3 data sets × 3 seeds = 72 runs of 30,000 to 200,000 generator iterations,
#   7.9 million generator and 39.6 million critic steps through 512-wide MLPs. Networks this small
#   leave a GPU waiting on kernel launches, roughly 1–2 ms a step: 13 to 26 hours.
# * `mnist`: 8 runs × 200,000 iterations × 6 steps, also launch-bound (3–5 hours), plus 8 × 201
#   evaluations of 5,000 images (1–1.5 hours).
#
# The runs of a group are independent, so `-p workers 4` trains four at once, each in its own
# process sharing the GPU, which should help the launch-bound groups most (not measured here).

# %% tags=["hide-input"]
recorded: dict[str, tuple[dict, float]] = {}  # result file -> (metrics, wall time)
if "toy" in chosen:
    for ds in TOY_STEPS:
        recorded[f"toy-{ds}"] = (
            {f"w1_{pl.slug(m)}": final[(ds, m)].mean() for m in TOY},
            sum(toy[(ds, m, s)].wall for m in TOY for s in seed_list),
        )
if "mnist" in chosen:
    recorded[f"mnist-{mnist_dataset}"] = (
        {f"{k}_{pl.slug(m)}": float(r.evals[k][-1]) for m, r in mnist.items() for k in pl.image_metric_names(mnist_dataset)},
        sum(r.wall for r in mnist.values()),
    )
if "cifar" in chosen:
    for (arch, m), r in cifar.items():
        metrics = {k: float(r.evals[k][-1]) for k in r.evals.columns if k not in ("step", "wall")}
        recorded[f"{arch}-{pl.slug(m)}-{cifar_dataset}"] = (metrics, r.wall)
chapter.record(recorded)

# %% tags=["hide-input"]
TABLE2 = {  # (network, method) -> the paper's Inception Score and FID
    ("dcgan", "WGAN (clipping)"): "5.64 ± 0.09 / 48.7",
    ("dcgan", "WGAN-GP"): "6.48 ± 0.10 / 35.0",
    ("dcgan", "p_g"): "6.46 ± 0.09 / 38.0",
    ("dcgan", "p_d"): "6.33 ± 0.07 / 38.9",
    ("dcgan", "µGP"): "6.40 ± 0.08 / 35.4",
    ("dcgan", "µmid"): "6.60 ± 0.07 / 33.9",
    ("dcgan", "µg,anc"): "6.45 ± 0.07 / 33.7",
    ("resnet", "WGAN-GP"): "7.82 ± 0.09 / 18.1",
    ("resnet", "p_g"): "7.63 ± 0.10 / 20.9",
    ("resnet", "p_d"): "7.63 ± 0.09 / 20.3",
    ("resnet", "µGP"): "7.60 ± 0.09 / 18.3",
    ("resnet", "µmid"): "7.86 ± 0.07 / 16.4",
    ("resnet", "µg,anc"): "7.36 ± 0.09 / 22.4",
}
EXACT = "exact: the same at every scale"


rows = []
if "dynamics" in chosen:
    rows += [
        ["Lemma 1: Dirac GAN locally stable for M > 0; basin radius R", "M = 1: eigenvalues " + ", ".join(
            f"{e.real:+.3f}{e.imag:+.3f}i" for e in lemma1["M = 1"].eigenvalues([0.0, 0.0])
        ) + f"; M = exp(-ψ²): R = {R:.3f}, starts at 0.95R converge, at 1.5R not", EXACT, chapter.command("dynamics")],
        ["Lemma 2: spectrum −2λE[x²] ± √(4λ²E[x²]² − 4/9) at (0, ±1)",
         "equal to 1e-9 for p_d, p_g, µGP; δ₀ and WGAN ±2i/3", EXACT, chapter.command("dynamics")],
        ["Lemma 3, Figure 3: D₂ = ψx² does not converge to (0, 0)",
         f"ends at ψ ∈ [{ends[:, 0].min():.2f}, {ends[:, 0].max():.2f}], θ = 0; the linear critic at (0, 0)",
         EXACT, chapter.command("dynamics")],
        ["Theorem 1: locally stable for every measure meeting Assumption 6",
         "5 of 5 measures: Q of rank 3 on a (our reading of 6b), 6 zero eigenvalues, the predicted ones, the others Re < 0; δ₀.₂: "
         f"rank {q_ranks['δ₀.₂ (control)']}, {null_counts['δ₀.₂ (control)']} zero; WGAN: a centre", EXACT, chapter.command("dynamics")],
    ]  # fmt: skip
else:
    rows.append(["Lemmas 1–3, Theorem 1", chapter.not_run, EXACT, chapter.command("dynamics")])
for ds in TOY_STEPS:
    shown = (
        ", ".join(f"{m} {final[(ds, m)].mean():.3f}" for m in SGP) + f" (toy, {TOY_STEPS[ds]} iterations)"
        if "toy" in chosen
        else chapter.not_run
    )
    rows.append([
        f"Figure 4, {ds}: every measure converges (samples; W1: ours)", shown,
        chapter.full_scale(f"toy-{ds}", [f"w1_{pl.slug(m)}" for m in SGP]), chapter.command("toy"),
    ])  # fmt: skip
if "mnist" in chosen:
    quality = pl.image_metric_names(mnist_dataset)[0]
    shown = ", ".join(f"{m} {mnist[m].evals[quality][-1]:.0f}" for m in SGP)
    shown += f" ({LABELS[quality]}; {mnist_dataset}, {mnist_steps} iterations)"
else:
    shown = chapter.not_run
rows.append([
    "Figure 5, MNIST: every measure generates digits (samples; distance: ours)", shown,
    chapter.full_scale("mnist-mnist", [f"fid_{pl.slug(m)}" for m in SGP], "{:.1f}"), chapter.command("mnist"),
])  # fmt: skip
for (arch, m), paper in TABLE2.items():
    if "cifar" in chosen:
        quality, score = pl.image_metric_names(cifar_dataset)
        r = cifar[(arch, m)]
        shown = f"{r.evals[score][-1]:.2f} / {r.evals[quality][-1]:.0f} ({cifar_dataset}: {LABELS[score]} / {LABELS[quality]})"
    else:
        shown = chapter.not_run
    rows.append([
        f"Table 2, {arch}, {m}: Inception / FID", paper, shown,
        chapter.full_scale(f"{arch}-{pl.slug(m)}-cifar10", ["inception_score", "fid"], "{:.2f}"),
        chapter.command("cifar"),
    ])  # fmt: skip
for row in rows:
    if len(row) == 4:  # no number in the paper: the claim is in the first column
        row.insert(1, "(no number)")
chapter.reproduction(rows)

# %% [markdown]
# (sgp-wgan-scales)=
# ## The two scales
#
# Every parameter of the chapter (its first cell) at CPU scale, the default, and at the paper's
# scale, `-p scale paper`, with where the paper's value comes from: a section of the paper, or the
# official WGAN-GP code's file and constant where the paper is silent and builds on it ("ours"
# where neither gives one). A value given with `-p` replaces its scale's.

# %% tags=["hide-input"]
chapter.scales()

# %% [markdown]
# (sgp-wgan-seed-record)=
# ## Seed record
#
# The ranges quoted above come from executing this chapter at its defaults with `seed` 0, 1, 2 and
# 3, asserts off (`make seeds CHAPTER=sgp_wgan`, which sets the thresholds); the same command then
# executes it with `seed` 4, 5, 6 and 7 with asserts on, to test that the asserts hold at seeds
# they were not fitted to (the first lines below say whether each held). Below, section by section,
# is every line those eight executions printed or displayed as a table (the reproduction table
# aside), as recorded in
# `results/sgp_wgan/cpu-seeds.json` with the commit and machine they ran on; this execution's own
# lines are in the sections above.

# %% tags=["hide-input"]
chapter.seed_record()
