"""The package layout of design.md ("Package layout", by role): every module imports only from its
own folder or from folders below it, read from the source's import statements (those inside
functions and ``TYPE_CHECKING`` blocks included), so that the layering stays true as chapters add
modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

# not re-run on PyTorch's portable kernels by .ci/run: floats compared only by exact equality of the
# same operations in the same order, never with a tolerance or a threshold (pyproject.toml's marker)
pytestmark = pytest.mark.kernel_independent

PACKAGE = Path(__file__).resolve().parent.parent / "paperlib"

LAYERS = [
    "config",
    "methods",
    "nets",
    "data",
    "metrics",
    "training",
    "setups",
    "analysis",
    "chapter",
    "samples",
    "__main__",
]
"""design.md's list read bottom-up, then the samples of a run (they draw with ``chapter``'s plots)
and the command line above them: a module may import from its own layer and the ones before it."""


def layer_of(module: str) -> int:
    """The position in LAYERS of a ``paperlib.x[.y]`` module (a folder's modules share its layer)."""
    parts = module.split(".")
    assert parts[0] == "paperlib" and len(parts) >= 2, module
    return LAYERS.index(parts[1])


def imported_modules(source: str) -> list[str]:
    """Every ``paperlib`` module the source imports; a relative import is refused (it hides the layer)."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                raise ValueError(f"relative import at line {node.lineno}: write paperlib.<module>")
            names.append(node.module or "")
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return [name for name in names if name == "paperlib" or name.startswith("paperlib.")]


def upward_imports(module: str, source: str) -> list[str]:
    """The imports of ``module`` (dotted name) that reach a layer above its own, or the package root."""
    own = layer_of(module)
    return [name for name in imported_modules(source) if name == "paperlib" or layer_of(name) > own]


def package_modules() -> dict[str, str]:
    """Dotted module name -> source, for every module of paperlib but the lazy re-exports."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        if relative.parts == ("paperlib", "__init__"):
            continue
        parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
        modules[".".join(parts)] = path.read_text()
    return modules


def test_every_module_belongs_to_a_layer_of_the_design() -> None:
    top_level = {name.split(".")[1] for name in package_modules()}
    assert top_level == set(LAYERS)


@pytest.mark.parametrize("module", sorted(package_modules()))
def test_no_module_imports_from_a_layer_above_it(module: str) -> None:
    assert upward_imports(module, package_modules()[module]) == []


def test_the_check_sees_imports_upward_inside_functions_and_type_checking() -> None:
    # Negative controls: the same check rejects what the layering forbids, wherever it is written.
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from paperlib.setups import RunResult\n"
        "def f():\n    import paperlib.chapter.report\n"
        "from paperlib.config import check_int\n"
    )
    assert upward_imports("paperlib.training.trainer", source) == [
        "paperlib.setups",
        "paperlib.chapter.report",
    ]
    assert upward_imports("paperlib.methods.losses", "import paperlib") == ["paperlib"]
    assert upward_imports("paperlib.analysis.dynamics", "from paperlib.training.trainer import History") == []


def test_relative_imports_are_refused() -> None:
    with pytest.raises(ValueError, match="relative import at line 1"):
        imported_modules("from .penalties import gradient_norm")
