"""The notebooks as documents: listed in the book, paired with their sources, parameters documented.

Executing them is nbval's job (``make test``); here only cheap properties, plus the parameter
validation, which papermill reaches within the first two cells.
"""

from __future__ import annotations

import ast
import json
import math
import shlex
import textwrap
from pathlib import Path
from typing import Any

import jupytext
import nbformat
import papermill
import pytest
import torch
import yaml
from fakes import save_random_inception_weights, write_cifar, write_mnist
from jupytext.compare import compare_notebooks
from papermill.cli import _resolve_type

from paperlib.data.text import BILLION_WORD_FOLDER, SHARD_FOLDER, shard_name
from paperlib.train import read_checkpoint

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "nbs").glob("*.ipynb"))
SOURCES = sorted((ROOT / "nbs").glob("*.py"))


def _toc_files(entries: list[dict]) -> set[str]:
    files = set()
    for entry in entries:
        if "file" in entry:
            files.add(entry["file"])
        files |= _toc_files(entry.get("chapters", []) + entry.get("sections", []))
        for part in entry.get("parts", []):
            files |= _toc_files(part.get("chapters", []))
    return files


def test_there_are_notebooks_and_each_source_has_its_pair() -> None:
    assert NOTEBOOKS, "no notebooks found in nbs/"
    assert [p.stem for p in SOURCES] == [p.stem for p in NOTEBOOKS]


def test_every_notebook_is_in_the_table_of_contents() -> None:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    listed = _toc_files([toc] + toc.get("parts", []))
    missing = [f"nbs/{p.stem}" for p in NOTEBOOKS if f"nbs/{p.stem}" not in listed]
    assert not missing, f"notebooks missing from _toc.yml: {missing}"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_pair_is_in_sync(source: Path) -> None:
    """The .ipynb holds exactly the cells (sources, types, tags) of its jupytext percent source."""
    from_py = jupytext.read(source)
    from_ipynb = jupytext.read(source.with_suffix(".ipynb"))
    compare_notebooks(from_ipynb, from_py, fmt="py:percent")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs_and_with_the_standard_kernel(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_holds_documented_parameters(path: Path) -> None:
    """The parameters cell comes first, and every parameter has a type and a help text for papermill."""
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in first.metadata.get("tags", [])
    params = papermill.inspect_notebook(str(path))
    for name in ("steps", "seed", "device", "dataset", "out_dir", "resume"):
        assert name in params, f"{path.name} has no parameter {name}"
    for name, info in params.items():
        assert info["inferred_type_name"] != "None" and info["help"], f"{name} is not annotated"


BAD_PARAMETERS = [
    ({"steps": -5}, ["steps=-5", ">= 1"]),
    ({"lam": math.inf}, ["lam=inf", "finite"]),
    ({"out_dir": "/proc/forbidden"}, ["out_dir: cannot write to /proc/forbidden/wgan_gp"]),
    ({"toy_dataset": "cifar10"}, ["toy_dataset='cifar10'", "'8gaussians'", "'all'"]),
    ({"dataset": "cifar11"}, ["dataset='cifar11'", "'digits'", "'cifar10'"]),
    ({"record": "yes"}, ["record='yes'", "'none'", "'images'"]),
    ({"resume": "false"}, ["resume='false'", "True or False"]),
]
if not torch.cuda.is_available():
    BAD_PARAMETERS.append(({"device": "cuda"}, ["device='cuda'", "no CUDA"]))


@pytest.mark.parametrize("parameters, phrases", BAD_PARAMETERS, ids=lambda v: str(v))
def test_bad_parameter_fails_fast_with_a_clear_message(
    parameters: dict, phrases: list[str], tmp_path: Path
) -> None:
    """papermill with a bad value stops at the validation cell, naming the parameter and what it may be."""
    path = ROOT / "nbs" / "wgan_gp.ipynb"
    with pytest.raises(papermill.PapermillExecutionError) as error:
        papermill.execute_notebook(
            str(path),
            str(tmp_path / "out.ipynb"),
            parameters=parameters,
            progress_bar=False,
            kernel_name="python3",
        )
    assert error.value.ename == "ParameterError"
    for phrase in phrases:
        assert phrase in error.value.evalue


@pytest.mark.parametrize(
    ("parameters", "environment", "error", "phrases"),
    [
        (
            {"dataset": "lsun_bedroom"},
            {},
            "DatasetMissingError",
            ["dataset='lsun_bedroom'", "the notebook parameter data_root", "bedroom_train_lmdb"],
        ),
        (
            {"record": "toy"},
            {"PAPERLIB_RESULTS": "/proc/forbidden"},
            "ParameterError",
            ["record='toy' (the results folder, $PAPERLIB_RESULTS): cannot write to /proc/forbidden"],
        ),
    ],
    ids=["missing-data", "unwritable-results"],
)
def test_what_a_run_needs_is_checked_before_any_run_starts(
    parameters: dict,
    environment: dict,
    error: str,
    phrases: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A missing data set or a results folder that cannot be written stops the validation cell, before
    the toy sections run (the issue's probe found them after twenty minutes), naming the setting."""
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    out = tmp_path / "out.ipynb"
    with pytest.raises(papermill.PapermillExecutionError) as raised:
        papermill.execute_notebook(
            str(ROOT / "nbs" / "wgan_gp.ipynb"),
            str(out),
            parameters=parameters | {"data_root": str(tmp_path / "data"), "out_dir": str(tmp_path / "runs")},
            progress_bar=False,
            kernel_name="python3",
        )
    assert raised.value.ename == error
    for phrase in phrases:
        assert phrase in raised.value.evalue
    assert not (tmp_path / "runs" / "wgan_gp" / "fit-8gaussians-penalty-seed0").exists()
    cells = json.loads(out.read_text())["cells"]
    failed = next(
        i for i, c in enumerate(cells) if any(o.get("output_type") == "error" for o in c.get("outputs", []))
    )
    first_code = next(
        i
        for i, c in enumerate(cells)
        if c["cell_type"] == "code"
        and "parameters" not in c["metadata"].get("tags", [])
        and "injected-parameters" not in c["metadata"].get("tags", [])
    )
    assert failed == first_code  # the validation cell


def _command(name: str) -> str:
    """The string assigned to ``name`` in nbs/wgan_gp.py (a full-scale command of its reproduction table)."""
    tree = ast.parse((ROOT / "nbs" / "wgan_gp.py").read_text())
    [command] = [
        ast.literal_eval(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == name
    ]
    return command


def _command_parameters(name: str) -> dict[str, Any]:
    """The ``-p`` options, typed as papermill types them, of the command string ``name`` in nbs/wgan_gp.py."""
    words = shlex.split(_command(name))
    assert words[:2] == ["papermill", "nbs/wgan_gp.ipynb"] and words[3::3] == ["-p"] * len(words[3::3])
    return {key: _resolve_type(value) for key, value in zip(words[4::3], words[5::3], strict=True)}


SITECUSTOMIZE = textwrap.dedent(
    """
    import os, pathlib, sys
    sys.path.insert(0, os.environ["PAPERLIB_TEST_FAKES"])
    import fakes
    fakes.accept_fake_cifar(pathlib.Path(os.environ["PAPERLIB_FAKE_CIFAR"]))
    """
)


DRY_RUN = dict(  # every experiment of the chapter for a few iterations on the CPU, asserts off
    device="cpu",
    check=False,
    steps=10,
    seeds=1,
    critic_steps=100,
    deep_steps=10,
    toy_dataset="8gaussians",
    image_steps=2,
    image_eval_every=2,
    image_eval_samples=10,
    text_steps=2,
    text_eval_every=2,
    text_eval_samples=20,
    arch_steps=2,
    resnet_steps=2,
    overfit_steps=2,
)


def _dry_run(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **extra: Any) -> Path:
    """Execute the chapter with the parameters of its full-scale command ``name``, overridden by
    :data:`DRY_RUN` and ``extra``; run folders, result files and caches stay in ``tmp_path``.
    Returns the folder of the run folders."""
    monkeypatch.setenv("PAPERLIB_RESULTS", str(tmp_path / "results"))
    monkeypatch.setenv("HOME", str(tmp_path))  # caches (e.g. FID statistics of fake sets) stay in tmp_path
    runs = tmp_path / "runs"
    papermill.execute_notebook(
        str(ROOT / "nbs" / "wgan_gp.ipynb"),
        str(tmp_path / "out.ipynb"),
        parameters=_command_parameters(name) | DRY_RUN | {"out_dir": str(runs)} | extra,
        progress_bar=False,
        kernel_name="python3",
    )
    return runs / "wgan_gp"


def _fake_cifar_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Fake CIFAR-10 files that the notebook kernel accepts, and random TF-Inception weights.

    The kernel is another process; a ``sitecustomize`` module on its ``PYTHONPATH`` makes torchvision
    accept the fake files there (as ``accept_fake_cifar`` does in-process elsewhere). Returns the
    data folder."""
    data = tmp_path / "data"
    write_cifar(data, per_batch=13, identical=True)  # 65 images >= batch 64; one image keeps FID cheap
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    monkeypatch.setenv("PYTHONPATH", str(site))
    monkeypatch.setenv("PAPERLIB_TEST_FAKES", str(ROOT / "tests"))
    monkeypatch.setenv("PAPERLIB_FAKE_CIFAR", str(data))
    monkeypatch.setenv("PAPERLIB_INCEPTION_WEIGHTS", str(save_random_inception_weights(tmp_path / "w.pth")))
    return data


def test_full_scale_image_command_reaches_cifar10_and_fid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chapter's CIFAR-10 command, on the CPU for 2 iterations, on fake CIFAR-10 files and random
    TF-Inception weights: the real loader, the IS/FID evaluation, checkpoints and the result files."""
    parameters = _command_parameters("image_command")
    assert parameters["dataset"] == "cifar10" and parameters["device"] == "cuda"
    assert parameters["image_steps"] == 200000 and parameters["record"] == "images"
    data = _fake_cifar_kernel(tmp_path, monkeypatch)
    # width 16 instead of 128 for the five models: the plumbing is the same, the CPU time a fifth
    runs = _dry_run("image_command", tmp_path, monkeypatch, data_root=str(data), image_dim=16)
    models = ["wgan-gp-adam", "wgan-gp-rmsprop", "wgan-clipping", "dcgan", "wgan-gp-adam-one-sided"]
    for model in models:
        result = json.loads((tmp_path / "results" / "wgan_gp" / f"fig3-{model}-cifar10.json").read_text())
        expected = {"inception_score", "inception_score_std", "fid"}
        expected |= {"neg_critic_loss_last"} if model == "wgan-gp-adam" else set()  # Figure 5a
        assert set(result["metrics"]) == expected, model
        assert result["parameters"]["dataset"] == "cifar10" and result["parameters"]["image_steps"] == 2
    run = runs / "fig3-wgan-gp-adam-cifar10-seed0"
    assert read_checkpoint(run / "checkpoint.pt")["step"] == 2
    header = (run / "metrics.csv").read_text().splitlines()[0]
    assert header == "step,wall,inception_score,inception_score_std,fid"
    assert sorted(p.name for p in run.glob("samples_*.png")) == ["samples_0000000.png", "samples_0000002.png"]
    assert sorted(p.name for p in runs.glob("fig3-*")) == sorted(f"fig3-{m}-cifar10-seed0" for m in models)
    assert not list((ROOT / "results").glob("wgan_gp/fig3-*-cifar10.json"))


def test_full_scale_text_command_reaches_the_billion_word_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chapter's One Billion Word command, on the CPU for 2 iterations of narrower networks, on a
    fake first shard in the official format (one tokenized sentence per line): loader, JSD
    evaluation, checkpoint and result file."""
    parameters = _command_parameters("text_command")
    assert parameters["text_dataset"] == "billion_word" and parameters["text_dim"] == 512
    assert parameters["text_steps"] == 200000 and parameters["record"] == "text"
    shards = tmp_path / "data" / BILLION_WORD_FOLDER / SHARD_FOLDER
    shards.mkdir(parents=True)
    lines = [f"Sentence number {i} of the fake shard , with words ." for i in range(100)]
    (shards / shard_name(1)).write_text("".join(line + "\n" for line in lines))
    # width 32 instead of 512: at 512 the ten critic updates of one iteration take a minute on a CPU
    data_root = str(tmp_path / "data")
    runs = _dry_run(
        "text_command", tmp_path, monkeypatch, data_root=data_root, text_max_lines=100, text_dim=32
    )
    result = json.loads((tmp_path / "results" / "wgan_gp" / "language-billion_word.json").read_text())
    assert set(result["metrics"]) == {"jsd1", "jsd2", "jsd3", "jsd4"}
    assert all(0 <= v <= 1 for v in result["metrics"].values())
    run = runs / "language-billion_word-seed0"
    assert read_checkpoint(run / "checkpoint.pt")["step"] == 2
    assert (run / "metrics.csv").read_text().splitlines()[0] == "step,wall,jsd1,jsd2,jsd3,jsd4"


def test_full_scale_toy_command_records_its_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The chapter's toy command for a few iterations of narrower networks on the CPU: every toy result
    file is written (NumPy scalars included)."""
    parameters = _command_parameters("toy_command")
    assert parameters["steps"] == 100000 and parameters["width"] == 512 and parameters["record"] == "toy"
    runs = _dry_run("toy_command", tmp_path, monkeypatch, width=32)  # 512 wide is slow on a busy CPU
    results = tmp_path / "results" / "wgan_gp"
    assert sorted(p.stem for p in results.glob("*.json")) == ["fig1a", "fig1b", "prop1", "toy"]
    toy = json.loads((results / "toy.json").read_text())
    assert set(toy["metrics"]) == {"w1_penalty", "w1_clipping"} and toy["parameters"]["steps"] == 10
    assert json.loads((results / "fig1b.json").read_text())["metrics"]["penalty_band"] > 0
    assert (runs / "toy-8gaussians-wgan-gp-seed0" / "checkpoint.pt").exists()


def test_full_scale_architectures_command_samples_table1_and_counts_outcomes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chapter's command for Tables 1-2, for 2 iterations of 2 architectures drawn from Table 1 on
    fake CIFAR-10 files: both objectives per architecture, and the outcome counts in the result file."""
    parameters = _command_parameters("archs_command")
    assert parameters["arch_set"] == "table1" and parameters["arch_count"] == 200
    assert parameters["arch_steps"] == 100000 and parameters["record"] == "archs"
    data = _fake_cifar_kernel(tmp_path, monkeypatch)
    runs = _dry_run("archs_command", tmp_path, monkeypatch, data_root=str(data), arch_count=2)
    result = json.loads((tmp_path / "results" / "wgan_gp" / "architectures-cifar10.json").read_text())
    for t in (1, 3, 5, 7, 9):
        counts = [result["metrics"][f"{k}_{t}"] for k in ("only_gan", "only_wgan_gp", "both", "neither")]
        assert sum(counts) == 2 and all(c >= 0 for c in counts)
    assert {f"inception_score_{m}_{i}" for m in ("gan", "wgan-gp") for i in (0, 1)} <= set(result["metrics"])
    expected = {f"arch{i}-{m}-cifar10-seed0" for m in ("gan", "wgan-gp") for i in (0, 1)}
    assert {p.name for p in runs.glob("arch*")} == expected
    assert read_checkpoint(runs / "arch1-gan-cifar10-seed0" / "checkpoint.pt")["step"] == 2


def test_full_scale_resnet_command_trains_the_resnet_on_cifar10(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chapter's command for Table 3, for 2 iterations of a narrower ResNet on fake CIFAR-10 files:
    the learning-rate decay over the run, the Inception Score, and the result file."""
    parameters = _command_parameters("resnet_command")
    assert parameters["resnet_dataset"] == "cifar10" and parameters["resnet_dim"] == 128
    assert parameters["resnet_steps"] == 100000 and parameters["record"] == "resnet"
    data = _fake_cifar_kernel(tmp_path, monkeypatch)
    runs = _dry_run("resnet_command", tmp_path, monkeypatch, data_root=str(data), resnet_dim=16)
    result = json.loads((tmp_path / "results" / "wgan_gp" / "resnet-cifar10.json").read_text())
    assert set(result["metrics"]) == {"inception_score", "inception_score_std", "fid"}
    checkpoint = read_checkpoint(runs / "resnet-cifar10-seed0" / "checkpoint.pt")
    assert checkpoint["step"] == 2 and checkpoint["config"]["lr_decay_steps"] == 2


def test_full_scale_overfitting_command_reads_mnist_and_holds_images_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chapter's command for Figure 5b, for 2 iterations on a fake MNIST (150 training images: 50
    to train on, one batch, 50 held out, 50 more held out for the null): the negative critic losses on the
    three sets reach the result file."""
    parameters = _command_parameters("overfit_command")
    assert parameters["overfit_dataset"] == "mnist" and parameters["overfit_subset"] == 1000
    assert parameters["overfit_steps"] == 200000 and parameters["record"] == "overfit"
    write_mnist(tmp_path / "data", train=150)
    monkeypatch.setenv("PAPERLIB_INCEPTION_WEIGHTS", str(save_random_inception_weights(tmp_path / "w.pth")))
    runs = _dry_run(
        "overfit_command",
        tmp_path,
        monkeypatch,
        data_root=str(tmp_path / "data"),
        overfit_subset=50,
        overfit_dim=16,
    )
    metrics = json.loads((tmp_path / "results" / "wgan_gp" / "overfit-mnist.json").read_text())["metrics"]
    for m in ("wgan-gp", "wgan-clipping"):
        splits = ("train", "validation", "unseen")
        assert {f"neg_critic_loss_{s}_{m}" for s in splits} | {f"gap_{m}"} <= set(metrics)
        assert metrics[f"gap_{m}"] == pytest.approx(
            metrics[f"neg_critic_loss_train_{m}"] - metrics[f"neg_critic_loss_validation_{m}"]
        )
    assert (runs / "overfit-wgan-gp-mnist-seed0" / "checkpoint.pt").exists()


@pytest.mark.parametrize(
    "name",
    ["toy_command", "image_command", "archs_command", "resnet_command", "text_command", "overfit_command"],
)
def test_reproduce_page_lists_the_chapters_full_scale_commands(name: str) -> None:
    assert f"`{_command(name)}`" in (ROOT / "book" / "reproduce.md").read_text()
