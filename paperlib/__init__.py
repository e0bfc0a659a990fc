"""paperlib: the machinery behind *Executable GAN Papers*.

The public names are re-exported here; see ``design.md`` of the project for the architecture.
"""

from paperlib.config import (
    ParameterError,
    check_bool,
    check_choice,
    check_finite,
    check_float,
    check_int,
    check_writable_folder,
    out_root,
    resolve_device,
    run_dir,
    seed_everything,
    slug,
)
from paperlib.data.images import IMAGE_DATASETS, DatasetMissingError, ImageSampler, data_root, image_dataset
from paperlib.data.text import TEXT_DATASETS, CharCorpus, text_corpus
from paperlib.data.toy import DATASETS as TOY_DATASETS
from paperlib.data.toy import DataPlusNoise, ToyDataset, ToySampler, mixture_centers, mixture_std
from paperlib.diagnostics import layer_gradient_norms, weights
from paperlib.experiments import (
    HELD_OUT_SEED,
    RunResult,
    image_size,
    image_trainer,
    run_image,
    run_text,
    run_toy,
    text_trainer,
    toy_trainer,
)
from paperlib.losses import OBJECTIVES, Objective
from paperlib.metrics.images import (
    DigitsClassifier,
    InceptionWeightsMissing,
    Uint8ImageDataset,
    class_score_from_logits,
    digits_class_score,
    digits_classifier,
    digits_features,
    digits_frechet_distance,
    digits_metrics,
    fid,
    frechet_distance,
    images_to_uint8,
    inception_metrics,
    inception_score,
    inception_weights_path,
)
from paperlib.metrics.text import NgramReference, ngram_jsd, ngram_jsds
from paperlib.metrics.toy import mmd, mode_statistics, wasserstein
from paperlib.nets.architectures import TABLE1, Architecture, sample_architectures
from paperlib.nets.dcgan import DCGANCritic, DCGANGenerator
from paperlib.nets.mlp import MLP, toy_critic, toy_generator
from paperlib.nets.resnet import ResNetCritic, ResNetGenerator
from paperlib.nets.text import TextCritic, TextGenerator
from paperlib.optimizers import OptimizerSpec, TF1RMSprop
from paperlib.parallel import run_calls, run_many, start_calls
from paperlib.penalties import GradientPenalty, WeightClipping, gradient_norm
from paperlib.plotting import plot_curves, plot_image_grid, plot_samples, plot_value_surface
from paperlib.report import (
    full_scale,
    markdown_table,
    notebook_parameters,
    outcome_counts,
    papermill_command,
    record_result,
    results_root,
)
from paperlib.seeds import record_seeds, seed_printouts
from paperlib.train import CheckpointError, DivergedError, History, Trainer, read_checkpoint

__all__ = [
    "HELD_OUT_SEED",
    "IMAGE_DATASETS",
    "MLP",
    "OBJECTIVES",
    "TABLE1",
    "TEXT_DATASETS",
    "TF1RMSprop",
    "TOY_DATASETS",
    "Architecture",
    "CharCorpus",
    "CheckpointError",
    "DCGANCritic",
    "DCGANGenerator",
    "DataPlusNoise",
    "DatasetMissingError",
    "DigitsClassifier",
    "DivergedError",
    "GradientPenalty",
    "History",
    "ImageSampler",
    "InceptionWeightsMissing",
    "NgramReference",
    "Objective",
    "OptimizerSpec",
    "ParameterError",
    "ResNetCritic",
    "ResNetGenerator",
    "RunResult",
    "ToyDataset",
    "ToySampler",
    "TextCritic",
    "TextGenerator",
    "Trainer",
    "Uint8ImageDataset",
    "WeightClipping",
    "check_bool",
    "check_choice",
    "check_finite",
    "check_float",
    "check_int",
    "check_writable_folder",
    "class_score_from_logits",
    "data_root",
    "digits_class_score",
    "digits_classifier",
    "digits_features",
    "digits_frechet_distance",
    "digits_metrics",
    "fid",
    "full_scale",
    "frechet_distance",
    "gradient_norm",
    "image_dataset",
    "image_size",
    "image_trainer",
    "images_to_uint8",
    "inception_metrics",
    "inception_score",
    "inception_weights_path",
    "layer_gradient_norms",
    "markdown_table",
    "mixture_centers",
    "mixture_std",
    "mmd",
    "mode_statistics",
    "ngram_jsd",
    "ngram_jsds",
    "notebook_parameters",
    "outcome_counts",
    "papermill_command",
    "plot_curves",
    "plot_image_grid",
    "plot_samples",
    "plot_value_surface",
    "read_checkpoint",
    "record_result",
    "out_root",
    "record_seeds",
    "results_root",
    "resolve_device",
    "run_dir",
    "run_calls",
    "run_image",
    "run_many",
    "run_text",
    "run_toy",
    "start_calls",
    "sample_architectures",
    "seed_everything",
    "seed_printouts",
    "slug",
    "text_corpus",
    "text_trainer",
    "toy_critic",
    "toy_generator",
    "toy_trainer",
    "wasserstein",
    "weights",
]
