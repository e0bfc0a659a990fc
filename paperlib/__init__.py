"""paperlib: the machinery behind *Executable GAN Papers*.

The public names are re-exported here; see ``design.md`` of the project for the architecture.
"""

from paperlib.config import (
    ParameterError,
    check_bool,
    check_choice,
    check_float,
    check_int,
    resolve_device,
    run_dir,
    seed_everything,
)
from paperlib.data.toy import DATASETS as TOY_DATASETS
from paperlib.data.toy import DataPlusNoise, ToyDataset, ToySampler, mixture_centers, mixture_std
from paperlib.diagnostics import layer_gradient_norms, weights
from paperlib.losses import OBJECTIVES, Objective
from paperlib.metrics.toy import mmd, mode_statistics, wasserstein
from paperlib.nets.mlp import MLP, toy_critic, toy_generator
from paperlib.penalties import GradientPenalty, WeightClipping, gradient_norm
from paperlib.plotting import plot_curves, plot_samples, plot_value_surface
from paperlib.train import (
    HELD_OUT_SEED,
    History,
    OptimizerSpec,
    RunResult,
    Trainer,
    run_many,
    run_toy,
    toy_trainer,
)

__all__ = [
    "HELD_OUT_SEED",
    "RunResult",
    "plot_curves",
    "plot_samples",
    "plot_value_surface",
    "run_many",
    "run_toy",
    "toy_trainer",
    "MLP",
    "OBJECTIVES",
    "TOY_DATASETS",
    "DataPlusNoise",
    "GradientPenalty",
    "History",
    "Objective",
    "OptimizerSpec",
    "ParameterError",
    "ToyDataset",
    "ToySampler",
    "Trainer",
    "WeightClipping",
    "check_bool",
    "check_choice",
    "check_float",
    "check_int",
    "gradient_norm",
    "layer_gradient_norms",
    "mixture_centers",
    "mixture_std",
    "mmd",
    "mode_statistics",
    "resolve_device",
    "run_dir",
    "seed_everything",
    "toy_critic",
    "toy_generator",
    "wasserstein",
    "weights",
]
