"""Chapter parameters at two scales (paperlib.chapter.parameters): one declaration each, overrides, typos."""

from __future__ import annotations

import math
import re

import pytest

import paperlib as pl
from paperlib.chapter.parameters import (
    above,
    at_least,
    declared,
    resolved,
    scale_table,
    scaled,
    selected_groups,
    suggestions,
)
from paperlib.config import ParameterError

# not re-run on PyTorch's portable kernels by .ci/run: floats compared only by exact equality of the
# same operations in the same order, never with a tolerance or a threshold (pyproject.toml's marker)
pytestmark = pytest.mark.kernel_independent


def _cell() -> dict:
    """A parameters cell's namespace: plain names, IPython's, and scaled declarations."""
    namespace = {
        "pl": object(),
        "In": [],
        "scale": "cpu",
        "steps": scaled(400, 100_000, at_least(1), "gan_toy.py ITERS"),
        "lam": scaled(0.1, 10.0, above(0.0), "section 4"),
        "dataset": scaled("digits", "cifar10", ("digits", "cifar10", "mnist")),
        "check": scaled(True, False),
        "device": scaled("auto", "auto"),
        "experiments": "all",
    }
    return namespace


def test_values_follow_the_scale_and_explicit_values_win() -> None:
    namespace = _cell()
    declaration = declared(namespace)
    values = resolved(declaration, namespace, "cpu")
    assert values == {
        "scale": "cpu", "steps": 400, "lam": 0.1, "dataset": "digits", "check": True, "device": "auto",
        "experiments": "all",
    }  # fmt: skip
    assert list(values) == list(declaration.names)  # the cell's order, plain parameters included
    assert resolved(declaration, namespace, "paper")["steps"] == 100_000
    namespace |= {"steps": 1000, "lam": 1, "_i3": "x = 1"}  # what papermill injects, and IPython's own
    paper = resolved(declaration, namespace, "paper")
    assert paper["steps"] == 1000 and paper["lam"] == 1.0 and isinstance(paper["lam"], float)
    assert paper["dataset"] == "cifar10" and paper["check"] is False  # untouched: the paper's


@pytest.mark.parametrize(
    ("injected", "phrase"),
    [
        ({"stpes": 500_000}, "unknown parameter 'stpes'; did you mean steps?"),
        ({"steps": 0}, "steps=0 must be an integer >= 1"),
        ({"steps": 2.5}, "steps=2.5 must be an integer"),
        ({"lam": math.inf}, "lam=inf must be a finite number"),
        ({"lam": 0.0}, "lam=0.0 must be a number > 0.0"),
        ({"dataset": "cifar11"}, "dataset='cifar11' is not allowed; choose one of: 'digits', 'cifar10'"),
        ({"check": "false"}, "check='false' must be True or False"),
        ({"device": 3}, "device=3 must be a string"),
    ],
)
def test_bad_or_unknown_values_are_refused_naming_them(injected: dict, phrase: str) -> None:
    namespace = _cell()
    declaration = declared(namespace)
    with pytest.raises(ParameterError) as error:
        resolved(declaration, namespace | injected, "cpu")
    assert phrase in str(error.value)


@pytest.mark.parametrize(
    ("typed", "names", "expected"),
    [
        # FOGAN has no lam but two penalty weights; spelled alike as a whole, neither was suggested
        ("lam", ("text_lam", "image_lam", "steps"), ["text_lam", "image_lam"]),
        # SGP has no steps but one per toy data set; the closest whole name was seeds
        ("stpes", ("seeds", "steps_8gaussians", "steps_swissroll"), ["steps_swissroll", "steps_8gaussians"]),
        ("stpes", ("seeds", "steps"), ["steps"]),
        ("datset", ("seed", "dataset", "toy_dataset"), ["dataset", "toy_dataset"]),
        ("pl", ("eval_samples", "image_eval_samples"), []),  # -p pl 3: inside a word is no match
    ],
)
def test_an_unknown_name_suggests_the_parameters_it_is_part_or_a_misspelling_of(
    typed: str, names: tuple[str, ...], expected: list[str]
) -> None:
    assert suggestions(typed, names) == expected
    namespace = {"scale": "cpu", "experiments": "all"} | {name: scaled(1, 1) for name in names}
    hint = f"; did you mean {', '.join(expected)}?" if expected else " (papermill"
    with pytest.raises(ParameterError, match=re.escape(f"unknown parameter '{typed}'{hint}")):
        resolved(declared(namespace), namespace | {typed: 1}, "cpu")


def test_a_name_far_from_every_parameter_gets_no_suggestion() -> None:
    namespace = _cell()
    declaration = declared(namespace)
    with pytest.raises(ParameterError, match=r"unknown parameter 'zzz' \(papermill"):
        resolved(declaration, namespace | {"zzz": 1}, "cpu")


def test_declarations_are_checked_themselves() -> None:
    with pytest.raises(ParameterError, match="both values must be of one kind"):
        scaled(10.0, 1)  # a float at CPU scale, an int at the paper's
    with pytest.raises(ParameterError, match="paper value=0 must be an integer >= 1"):
        scaled(5, 0, at_least(1))
    with pytest.raises(ParameterError, match="scale='gpu'"):
        resolved(declared(_cell()), _cell(), "gpu")


def test_the_scale_table_shows_both_values_and_the_source() -> None:
    rows = scale_table(declared(_cell()))
    assert rows[0] == ["steps", "400", "100000", "gan_toy.py ITERS"]
    assert [r[0] for r in rows] == ["steps", "lam", "dataset", "check", "device"]


def test_deviations_from_the_papers_settings() -> None:
    namespace = _cell()
    declaration = declared(namespace)
    assert pl.deviations(declaration, resolved(declaration, namespace, "paper")) == {}
    injected = namespace | {"steps": 1000, "device": "cpu"}
    values = resolved(declaration, injected, "paper")
    assert pl.deviations(declaration, values, ignore=("device",)) == {"steps": (1000, 100_000)}
    assert pl.deviations(declaration, values) == {"steps": (1000, 100_000), "device": ("cpu", "auto")}
    assert set(pl.deviations(declaration, resolved(declaration, namespace, "cpu"), ignore=("device",))) == {
        "steps", "lam", "dataset", "check"
    }  # fmt: skip
    with pytest.raises(ParameterError, match="ignore names no scaled parameter: stpes"):
        pl.deviations(declaration, values, ignore=("stpes",))


def test_experiment_groups(capsys: pytest.CaptureFixture[str]) -> None:
    groups = ("toy", "images", "text")
    assert selected_groups("experiments", "all", groups).chosen == groups
    selection = selected_groups("experiments", "text, toy", groups)
    assert selection.chosen == ("toy", "text")  # the chapter's order
    assert list(selection) == ["toy", "text"] and "toy" in selection and "images" not in selection
    assert selection.runs("text") and capsys.readouterr().out == ""
    assert selection.runs("images", "toy")  # one of them runs
    assert not selection.runs("images")
    skipped = "skipped: experiment group images not selected (experiments='text, toy')\n"
    assert capsys.readouterr().out == skipped
    with pytest.raises(ParameterError, match="'imgs' is not an experiment group of this chapter: toy, imag"):
        "imgs" in selection  # noqa: B015 - a typo in the chapter's own cells
    with pytest.raises(ParameterError, match="experiments='imgs' is not allowed; choose one of: 'toy'"):
        selected_groups("experiments", "toy,imgs", groups)
    with pytest.raises(ParameterError, match="names a group twice"):
        selected_groups("experiments", "toy,toy", groups)


CELL = """
import paperlib as pl

scale: str = "cpu"
experiments: str = "all"
steps: int = pl.scaled(400, 100_000, pl.at_least(1))
PARAMETERS: pl.Declaration = pl.declared(globals())
"""


@pytest.mark.parametrize(
    ("injected", "expected"),
    [
        ("", {"scale": "cpu", "experiments": "all", "steps": 400}),
        ("scale = 'paper'\n", {"scale": "paper", "experiments": "all", "steps": 100_000}),
        ("steps = 7\n", {"scale": "cpu", "experiments": "all", "steps": 7}),
        ("stpes = 500000\n", "unknown parameter 'stpes'; did you mean steps?"),
        ("pl = 3\n", "unknown parameter 'pl'"),
    ],
)
def test_the_documented_notebook_pattern(injected: str, expected: object) -> None:
    """The parameters cell, papermill's injected cell, then the resolution first in the next cell."""
    namespace: dict = {}
    exec(CELL, namespace)  # noqa: S102 - the cells of a notebook, as its kernel runs them
    exec(injected, namespace)  # noqa: S102
    if isinstance(expected, str):
        with pytest.raises(ParameterError, match=expected):
            resolved(namespace["PARAMETERS"], namespace, namespace["scale"])
    else:
        assert resolved(namespace["PARAMETERS"], namespace, namespace["scale"]) == expected
    assert pl.scaled is scaled and pl.declared is declared


def test_the_declaration_cannot_be_replaced() -> None:
    """``-p PARAMETERS 3``: the declaration is not a parameter."""
    namespace: dict = {}
    exec(CELL, namespace)  # noqa: S102
    with pytest.raises(ParameterError, match="declaration of the parameters cell was replaced by 3"):
        resolved(3, namespace, "cpu")  # type: ignore[arg-type]


def test_papermill_reads_every_parameter_of_the_documented_cell(caplog: pytest.LogCaptureFixture) -> None:
    """papermill's reader of the cell (``--help-notebook``) sees each parameter with both values and
    nothing else: not the declaration, and no line it could not parse (it skips a line with two
    ``=``, which keyword arguments would make)."""
    from nbformat.v4 import new_code_cell
    from papermill.translators import PythonTranslator

    lam = 'lam: float = pl.scaled(0.1, 10.0, pl.above(0.0), "section 4")  # penalty weight\n'
    cell = CELL.replace("PARAMETERS", lam + "PARAMETERS")
    found = PythonTranslator.inspect(new_code_cell(cell))
    assert [p.name for p in found] == ["scale", "experiments", "steps", "lam"]
    assert found[3].default == 'pl.scaled(0.1, 10.0, pl.above(0.0), "section 4")'
    assert found[3].help == "penalty weight"
    assert "Unable to parse" not in caplog.text


@pytest.mark.parametrize(
    ("make", "phrase"),
    [
        (lambda: scaled("a", "b", at_least(3)), r"only numbers take at_least\(3\)"),
        (lambda: scaled(True, False, above(0)), r"only numbers take above\(0\)"),
        (lambda: scaled(5, 6, at_least(0.5)), "an integer's bound must be an integer"),
    ],
)
def test_bounds_that_do_not_fit_the_kind_are_refused(make, phrase: str) -> None:  # noqa: ANN001
    with pytest.raises(ParameterError, match=phrase):
        make()


def test_an_integer_above_bound_is_enforced() -> None:
    spec = scaled(5, 10, above(0))
    assert spec.check("n", 1) == 1
    with pytest.raises(ParameterError, match="n=0 must be an integer >= 1"):
        spec.check("n", 0)
