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
    "layer_gradient_norms": ("paperlib.analysis.diagnostics", "layer_gradient_norms"),
    "update_and_descent": ("paperlib.analysis.update_direction", "update_and_descent"),
    "weights": ("paperlib.analysis.diagnostics", "weights"),
    "HELD_OUT_SEED": ("paperlib.setups", "HELD_OUT_SEED"),
    "RunResult": ("paperlib.setups", "RunResult"),
    "divergence_between_points": ("paperlib.analysis.update_direction", "divergence_between_points"),
    "image_size": ("paperlib.setups", "image_size"),
    "image_trainer": ("paperlib.setups", "image_trainer"),
    "run_image": ("paperlib.setups", "run_image"),
    "run_text": ("paperlib.setups", "run_text"),
    "run_toy": ("paperlib.setups", "run_toy"),
    "update_alignment": ("paperlib.analysis.update_direction", "update_alignment"),
    "text_trainer": ("paperlib.setups", "text_trainer"),
    "toy_trainer": ("paperlib.setups", "toy_trainer"),
    "OBJECTIVES": ("paperlib.methods.losses", "OBJECTIVES"),
    "Objective": ("paperlib.methods.losses", "Objective"),
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
    "SGPDynamics": ("paperlib.analysis.dynamics", "SGPDynamics"),
    "atom": ("paperlib.analysis.dynamics", "atom"),
    "gauss_legendre": ("paperlib.analysis.dynamics", "gauss_legendre"),
    "OptimizerSpec": ("paperlib.training.optimizers", "OptimizerSpec"),
    "TF1RMSprop": ("paperlib.training.optimizers", "TF1RMSprop"),
    "run_calls": ("paperlib.training.parallel", "run_calls"),
    "Declaration": ("paperlib.chapter.parameters", "Declaration"),
    "above": ("paperlib.chapter.parameters", "above"),
    "at_least": ("paperlib.chapter.parameters", "at_least"),
    "declared": ("paperlib.chapter.parameters", "declared"),
    "paper_deviations": ("paperlib.chapter.parameters", "paper_deviations"),
    "resolved": ("paperlib.chapter.parameters", "resolved"),
    "scale_table": ("paperlib.chapter.parameters", "scale_table"),
    "scaled": ("paperlib.chapter.parameters", "scaled"),
    "selected_groups": ("paperlib.chapter.parameters", "selected_groups"),
    "run_many": ("paperlib.training.parallel", "run_many"),
    "start_calls": ("paperlib.training.parallel", "start_calls"),
    "FirstOrderPenalty": ("paperlib.methods.penalized_wasserstein", "FirstOrderPenalty"),
    "LipschitzPenalty": ("paperlib.methods.penalized_wasserstein", "LipschitzPenalty"),
    "gradient_targets": ("paperlib.methods.penalized_wasserstein", "gradient_targets"),
    "lipschitz_terms": ("paperlib.methods.penalized_wasserstein", "lipschitz_terms"),
    "AnchoredInterpolates": ("paperlib.methods.penalties", "AnchoredInterpolates"),
    "GradientPenalty": ("paperlib.methods.penalties", "GradientPenalty"),
    "NearFake": ("paperlib.methods.penalties", "NearFake"),
    "WeightClipping": ("paperlib.methods.penalties", "WeightClipping"),
    "gradient_norm": ("paperlib.methods.penalties", "gradient_norm"),
    "simple_gradient_penalty": ("paperlib.methods.penalties", "simple_gradient_penalty"),
    "plot_curves": ("paperlib.chapter.plotting", "plot_curves"),
    "plot_image_grid": ("paperlib.chapter.plotting", "plot_image_grid"),
    "plot_message": ("paperlib.chapter.plotting", "plot_message"),
    "plot_phase_portrait": ("paperlib.chapter.plotting", "plot_phase_portrait"),
    "plot_samples": ("paperlib.chapter.plotting", "plot_samples"),
    "plot_value_surface": ("paperlib.chapter.plotting", "plot_value_surface"),
    "full_scale": ("paperlib.chapter.report", "full_scale"),
    "markdown_table": ("paperlib.chapter.report", "markdown_table"),
    "outcome_counts": ("paperlib.chapter.report", "outcome_counts"),
    "papermill_command": ("paperlib.chapter.report", "papermill_command"),
    "record_result": ("paperlib.chapter.report", "record_result"),
    "results_root": ("paperlib.chapter.report", "results_root"),
    "will_record": ("paperlib.chapter.report", "will_record"),
    "record_seeds": ("paperlib.chapter.seeds", "record_seeds"),
    "seed_printouts": ("paperlib.chapter.seeds", "seed_printouts"),
    "CheckpointError": ("paperlib.training.trainer", "CheckpointError"),
    "DivergedError": ("paperlib.training.trainer", "DivergedError"),
    "History": ("paperlib.training.trainer", "History"),
    "Trainer": ("paperlib.training.trainer", "Trainer"),
    "read_checkpoint": ("paperlib.training.trainer", "read_checkpoint"),
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
