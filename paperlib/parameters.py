"""A chapter's parameters at two scales, declared once each: ``"cpu"`` (the default, minutes on two
CPU cores) and ``"paper"`` (the paper's settings), with any value given to papermill overriding
the scale's.

In the notebook's cell tagged ``parameters`` every parameter is one line::

    scale: str = "cpu"  # "cpu" or "paper"
    steps: int = pl.scaled(400, 100_000, minimum=1, source="gan_toy.py ITERS")  # toy GAN iterations
    PARAMETERS = pl.declared(globals())

so that ``papermill --help-notebook`` shows, for each, both values (its default is the
:func:`scaled` expression) and what it means (its comment). papermill injects the values given
with ``-p`` in a cell after this one; the next cell calls ``globals().update(pl.resolved(PARAMETERS,
globals(), scale))`` before anything else, which gives every parameter left alone its value at
``scale``, checks every value against its declaration (type, choices, bounds), and refuses a name
that was injected but never declared (``-p stpes 500000``), naming the closest declared ones, as
well as an injected value for a name of the cell that is not a parameter (``-p pl 3``).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from paperlib.config import ParameterError, check_bool, check_choice, check_float, check_int

SCALES = ("cpu", "paper")
KINDS = (bool, int, float, str)


@dataclass(frozen=True)
class Scaled:
    """A parameter's value at each scale, where the paper's comes from, and what values it allows."""

    cpu: Any
    paper: Any
    source: str = ""
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    above: float | None = None

    def __post_init__(self) -> None:
        kinds = {type(self.cpu), type(self.paper)}
        if len(kinds) != 1 or not kinds <= set(KINDS):
            raise ParameterError(
                f"scaled({self.cpu!r}, {self.paper!r}): both values must be of one kind of "
                f"{', '.join(k.__name__ for k in KINDS)}"
            )
        bounded = self.minimum is not None or self.above is not None
        if bounded and self.kind not in (int, float):
            raise ParameterError(f"scaled({self.cpu!r}, ...): only numbers take minimum= or above=")
        if self.minimum is not None and self.above is not None:
            raise ParameterError(f"scaled({self.cpu!r}, ...): give minimum= or above=, not both")
        if self.kind is int and bounded and not float(self.minimum or self.above or 0).is_integer():
            raise ParameterError(f"scaled({self.cpu!r}, ...): an integer's bound must be an integer")
        self.check("cpu value", self.cpu)
        self.check("paper value", self.paper)

    @property
    def kind(self) -> type:
        return type(self.cpu)

    def at(self, scale: str) -> Any:
        """The value at ``scale`` (``"cpu"`` or ``"paper"``)."""
        return self.cpu if check_choice("scale", scale, SCALES) == "cpu" else self.paper

    def check(self, name: str, value: Any) -> Any:
        """``value`` as this parameter's kind, once it has the kind and meets the choices and bounds;
        else a :class:`~paperlib.config.ParameterError` naming ``name``."""
        if self.kind is bool:
            value = check_bool(name, value)
        elif self.kind is int:
            lowest = self.minimum if self.above is None else self.above + 1
            value = check_int(name, value, -(2**63) if lowest is None else int(lowest))
        elif self.kind is float:
            if self.above is not None:
                value = check_float(name, value, self.above, inclusive=False)
            else:
                value = check_float(name, value, -math.inf if self.minimum is None else self.minimum)
        elif not isinstance(value, str):
            raise ParameterError(f"{name}={value!r} must be a string")
        if self.choices is not None:
            check_choice(name, value, self.choices)
        return value


def scaled(
    cpu: Any,
    paper: Any = None,
    *,
    source: str = "",
    choices: Sequence[Any] | None = None,
    minimum: float | None = None,
    above: float | None = None,
) -> Scaled:
    """Declare a parameter: its value at CPU scale, at the paper's scale (``None``: the same) with the
    ``source`` of the paper's value (a section, an appendix, the official code's file), and the
    values it allows: ``choices``, or a ``minimum`` (inclusive) or ``above`` (exclusive) bound."""
    return Scaled(
        cpu,
        cpu if paper is None else paper,
        source,
        None if choices is None else tuple(choices),
        minimum,
        above,
    )


@dataclass(frozen=True)
class Declaration:
    """What a chapter's parameters cell declared: its scaled parameters, the names of its plain ones
    (``scale``, ``experiments``: checked by the chapter), and every other object its namespace held
    then, which papermill must not replace."""

    parameters: dict[str, Scaled]
    plain: frozenset[str]
    others: dict[str, Any]


def declared(namespace: Mapping[str, Any], plain: Sequence[str] = ("scale", "experiments")) -> Declaration:
    """The declaration of the parameters cell whose namespace is ``namespace`` (call it last there);
    ``plain`` names its parameters that are not :func:`scaled`."""
    parameters = {name: value for name, value in namespace.items() if isinstance(value, Scaled)}
    others = {n: v for n, v in namespace.items() if n not in parameters and n not in plain}
    return Declaration(parameters, frozenset(plain), others)


def resolved(declaration: Declaration, namespace: Mapping[str, Any], scale: str) -> dict[str, Any]:
    """Every declared parameter's value: the one papermill injected if any (checked against its
    declaration), else its value at ``scale``. A name that appeared in ``namespace`` since the
    declaration, is not declared and does not start with ``_`` (IPython's own) is refused: papermill
    passes a misspelled ``-p`` name on, with only a warning."""
    check_choice("scale", scale, SCALES)
    known = set(declaration.parameters) | declaration.plain
    for name in sorted(set(namespace) - known):
        if name.startswith("_") or isinstance(namespace[name], Declaration):
            continue  # IPython's own names, and the declaration itself
        if name not in declaration.others or namespace[name] is not declaration.others[name]:
            close = difflib.get_close_matches(name, sorted(known), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ParameterError(
                f"unknown parameter {name!r}{hint} (papermill --help-notebook lists the parameters)"
            )
    values = {}
    for name, spec in declaration.parameters.items():
        value = namespace[name]
        values[name] = spec.at(scale) if value is spec else spec.check(name, value)
    return values


def scale_table(declaration: Declaration) -> list[list[str]]:
    """One row per parameter, for the chapter to show what each scale means: name, CPU value, paper
    value, source of the paper's value."""
    return [
        [name, repr(spec.cpu), repr(spec.paper), spec.source] for name, spec in declaration.parameters.items()
    ]


def selected_groups(name: str, value: Any, groups: Sequence[str]) -> tuple[str, ...]:
    """The experiment groups a comma-separated ``value`` selects, in the chapter's order; ``"all"``
    selects every one. An unknown or repeated name is refused, naming the allowed ones."""
    if not isinstance(value, str):
        raise ParameterError(f"{name}={value!r} must be a string such as 'all' or {','.join(groups[:2])!r}")
    if value.strip() == "all":
        return tuple(groups)
    chosen = [part.strip() for part in value.split(",")]
    for part in chosen:
        check_choice(name, part, groups)
    if len(set(chosen)) != len(chosen):
        raise ParameterError(f"{name}={value!r} names a group twice")
    return tuple(g for g in groups if g in chosen)
