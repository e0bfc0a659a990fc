"""paperlib: the machinery behind *Executable GAN Papers*.

The public names are re-exported here; see ``design.md`` of the project for the architecture.
They are imported on first use (a module-level ``__getattr__``), so that ``import paperlib`` is
quick and a process that only trains toy models never imports the image stack (torchvision's
data sets, torch-fidelity).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, tuple[str, str]] = {
    "ParameterError": ("paperlib.config", "ParameterError"),
    "check_bool": ("paperlib.config", "check_bool"),
    "check_choice": ("paperlib.config", "check_choice"),
    "check_finite": ("paperlib.config", "check_finite"),
    "check_float": ("paperlib.config", "check_float"),
    "check_int": ("paperlib.config", "check_int"),
    "check_writable_folder": ("paperlib.config", "check_writable_folder"),
    "checkpoint_options": ("paperlib.config", "checkpoint_options"),
    "out_root": ("paperlib.config", "out_root"),
    "resolve_device": ("paperlib.config", "resolve_device"),
    "run_dir": ("paperlib.config", "run_dir"),
    "seed_everything": ("paperlib.config", "seed_everything"),
    "slug": ("paperlib.config", "slug"),
    "DatasetMissingError": ("paperlib.data.catalog", "DatasetMissingError"),
    "IMAGE_DATASETS": ("paperlib.data.catalog", "IMAGE_DATASETS"),
    "data_root": ("paperlib.data.catalog", "data_root"),
    "image_dataset": ("paperlib.data.images", "image_dataset"),
    "DatasetSampler": ("paperlib.data.sampler", "DatasetSampler"),
    "CharCorpus": ("paperlib.data.text", "CharCorpus"),
    "TEXT_DATASETS": ("paperlib.data.text", "TEXT_DATASETS"),
    "text_corpus": ("paperlib.data.text", "text_corpus"),
    "DataPlusNoise": ("paperlib.data.toy", "DataPlusNoise"),
    "TOY_DATASETS": ("paperlib.data.toy", "DATASETS"),
    "ToyDataset": ("paperlib.data.toy", "ToyDataset"),
    "ToySampler": ("paperlib.data.toy", "ToySampler"),
    "TOY_DISTRIBUTIONS": ("paperlib.data.toy", "DISTRIBUTIONS"),
    "mixture_centers": ("paperlib.data.toy", "mixture_centers"),
    "mixture_std": ("paperlib.data.toy", "mixture_std"),
    "layer_gradient_norms": ("paperlib.diagnostics", "layer_gradient_norms"),
    "update_and_descent": ("paperlib.update_direction", "update_and_descent"),
    "weights": ("paperlib.diagnostics", "weights"),
    "HELD_OUT_SEED": ("paperlib.experiments", "HELD_OUT_SEED"),
    "RunResult": ("paperlib.experiments", "RunResult"),
    "divergence_between_points": ("paperlib.update_direction", "divergence_between_points"),
    "image_size": ("paperlib.experiments", "image_size"),
    "image_trainer": ("paperlib.experiments", "image_trainer"),
    "run_image": ("paperlib.experiments", "run_image"),
    "run_text": ("paperlib.experiments", "run_text"),
    "run_toy": ("paperlib.experiments", "run_toy"),
    "update_alignment": ("paperlib.update_direction", "update_alignment"),
    "text_trainer": ("paperlib.experiments", "text_trainer"),
    "toy_trainer": ("paperlib.experiments", "toy_trainer"),
    "OBJECTIVES": ("paperlib.losses", "OBJECTIVES"),
    "Objective": ("paperlib.losses", "Objective"),
    "DigitsClassifier": ("paperlib.metrics.images", "DigitsClassifier"),
    "InceptionWeightsMissing": ("paperlib.metrics.images", "InceptionWeightsMissing"),
    "Uint8ImageDataset": ("paperlib.metrics.images", "Uint8ImageDataset"),
    "class_score_from_logits": ("paperlib.metrics.images", "class_score_from_logits"),
    "digits_class_score": ("paperlib.metrics.images", "digits_class_score"),
    "digits_classifier": ("paperlib.metrics.images", "digits_classifier"),
    "digits_features": ("paperlib.metrics.images", "digits_features"),
    "digits_frechet_distance": ("paperlib.metrics.images", "digits_frechet_distance"),
    "digits_metrics": ("paperlib.metrics.images", "digits_metrics"),
    "fid": ("paperlib.metrics.images", "fid"),
    "frechet_distance": ("paperlib.metrics.images", "frechet_distance"),
    "images_to_uint8": ("paperlib.metrics.images", "images_to_uint8"),
    "inception_metrics": ("paperlib.metrics.images", "inception_metrics"),
    "inception_score": ("paperlib.metrics.images", "inception_score"),
    "inception_weights_path": ("paperlib.metrics.images", "inception_weights_path"),
    "NgramReference": ("paperlib.metrics.text", "NgramReference"),
    "ngram_jsd": ("paperlib.metrics.text", "ngram_jsd"),
    "ngram_jsds": ("paperlib.metrics.text", "ngram_jsds"),
    "mmd": ("paperlib.metrics.toy", "mmd"),
    "mode_statistics": ("paperlib.metrics.toy", "mode_statistics"),
    "wasserstein": ("paperlib.metrics.toy", "wasserstein"),
    "Architecture": ("paperlib.nets.architectures", "Architecture"),
    "TABLE1": ("paperlib.nets.architectures", "TABLE1"),
    "sample_architectures": ("paperlib.nets.architectures", "sample_architectures"),
    "DCGANCritic": ("paperlib.nets.dcgan", "DCGANCritic"),
    "DCGANGenerator": ("paperlib.nets.dcgan", "DCGANGenerator"),
    "MLP": ("paperlib.nets.mlp", "MLP"),
    "toy_critic": ("paperlib.nets.mlp", "toy_critic"),
    "toy_generator": ("paperlib.nets.mlp", "toy_generator"),
    "ResNetCritic": ("paperlib.nets.resnet", "ResNetCritic"),
    "ResNetGenerator": ("paperlib.nets.resnet", "ResNetGenerator"),
    "TextCritic": ("paperlib.nets.text", "TextCritic"),
    "TextGenerator": ("paperlib.nets.text", "TextGenerator"),
    "SGPDynamics": ("paperlib.dynamics", "SGPDynamics"),
    "atom": ("paperlib.dynamics", "atom"),
    "gauss_legendre": ("paperlib.dynamics", "gauss_legendre"),
    "OptimizerSpec": ("paperlib.optimizers", "OptimizerSpec"),
    "TF1RMSprop": ("paperlib.optimizers", "TF1RMSprop"),
    "run_calls": ("paperlib.parallel", "run_calls"),
    "Declaration": ("paperlib.parameters", "Declaration"),
    "above": ("paperlib.parameters", "above"),
    "at_least": ("paperlib.parameters", "at_least"),
    "declared": ("paperlib.parameters", "declared"),
    "paper_deviations": ("paperlib.parameters", "paper_deviations"),
    "resolved": ("paperlib.parameters", "resolved"),
    "scale_table": ("paperlib.parameters", "scale_table"),
    "scaled": ("paperlib.parameters", "scaled"),
    "selected_groups": ("paperlib.parameters", "selected_groups"),
    "run_many": ("paperlib.parallel", "run_many"),
    "start_calls": ("paperlib.parallel", "start_calls"),
    "FirstOrderPenalty": ("paperlib.penalized_wasserstein", "FirstOrderPenalty"),
    "LipschitzPenalty": ("paperlib.penalized_wasserstein", "LipschitzPenalty"),
    "gradient_targets": ("paperlib.penalized_wasserstein", "gradient_targets"),
    "lipschitz_terms": ("paperlib.penalized_wasserstein", "lipschitz_terms"),
    "AnchoredInterpolates": ("paperlib.penalties", "AnchoredInterpolates"),
    "GradientPenalty": ("paperlib.penalties", "GradientPenalty"),
    "NearFake": ("paperlib.penalties", "NearFake"),
    "WeightClipping": ("paperlib.penalties", "WeightClipping"),
    "gradient_norm": ("paperlib.penalties", "gradient_norm"),
    "simple_gradient_penalty": ("paperlib.penalties", "simple_gradient_penalty"),
    "plot_curves": ("paperlib.plotting", "plot_curves"),
    "plot_image_grid": ("paperlib.plotting", "plot_image_grid"),
    "plot_message": ("paperlib.plotting", "plot_message"),
    "plot_phase_portrait": ("paperlib.plotting", "plot_phase_portrait"),
    "plot_samples": ("paperlib.plotting", "plot_samples"),
    "plot_value_surface": ("paperlib.plotting", "plot_value_surface"),
    "full_scale": ("paperlib.report", "full_scale"),
    "markdown_table": ("paperlib.report", "markdown_table"),
    "outcome_counts": ("paperlib.report", "outcome_counts"),
    "papermill_command": ("paperlib.report", "papermill_command"),
    "record_result": ("paperlib.report", "record_result"),
    "results_root": ("paperlib.report", "results_root"),
    "will_record": ("paperlib.report", "will_record"),
    "record_seeds": ("paperlib.seeds", "record_seeds"),
    "seed_printouts": ("paperlib.seeds", "seed_printouts"),
    "CheckpointError": ("paperlib.train", "CheckpointError"),
    "DivergedError": ("paperlib.train", "DivergedError"),
    "History": ("paperlib.train", "History"),
    "Trainer": ("paperlib.train", "Trainer"),
    "read_checkpoint": ("paperlib.train", "read_checkpoint"),
}
"""Public name -> (module, name there)."""

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'paperlib' has no attribute {name!r}")
    module, attribute = _EXPORTS[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # later lookups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
