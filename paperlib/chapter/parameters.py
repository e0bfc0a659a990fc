"""A chapter's parameters at two scales, declared once each: ``"cpu"`` (the default, minutes on two
CPU cores) and ``"paper"`` (the paper's settings), with any value given to papermill overriding
the scale's.

In the notebook's cell tagged ``parameters`` every parameter is one line::

    import paperlib as pl

    scale: str = "cpu"  # "cpu" (minutes on a laptop) or "paper" (the paper's settings)
    steps: int = pl.scaled(400, 100_000, pl.at_least(1), "gan_toy.py ITERS")  # toy GAN iterations
    PARAMETERS: pl.Declaration = pl.declared(globals())

so that ``papermill --help-notebook`` shows, for each, both values (its default is the
:func:`scaled` expression) and what it means (its comment). The arguments are positional because
papermill's reader of the cell skips a line with more than one ``=``; for the same reason the
declaration's annotation names a class of ``pl``, which papermill does not take for a parameter.
papermill injects the values given with ``-p`` in a cell after this one; the next cell starts with
``parameters = pl.resolved(PARAMETERS, globals(), scale)`` and ``globals().update(parameters)``,
which gives every parameter left alone its value at ``scale``, checks every value against its
declaration (type, allowed values), and refuses a name that was injected but never declared
(``-p stpes 500000``), naming the declared ones it most likely meant (:func:`suggestions`), as well
as an injected value for a name of the cell that is not a parameter (``-p pl 3``).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from paperlib.config import ParameterError, check_bool, check_choice, check_float, check_int

SCALES = ("cpu", "paper")
KINDS = (bool, int, float, str)


@dataclass(frozen=True)
class Bound:
    """The lowest value a number may take: ``value`` itself (``inclusive``) or anything above it."""

    value: float
    inclusive: bool

    def __repr__(self) -> str:
        return f"{'at_least' if self.inclusive else 'above'}({self.value!r})"


def at_least(value: float) -> Bound:
    """Numbers ``>= value``, for :func:`scaled`'s ``allowed``."""
    return Bound(value, True)


def above(value: float) -> Bound:
    """Numbers ``> value``, for :func:`scaled`'s ``allowed``."""
    return Bound(value, False)


@dataclass(frozen=True)
class Scaled:
    """A parameter's value at each scale, the values it allows, and where the paper's comes from."""

    cpu: Any
    paper: Any
    allowed: tuple[Any, ...] | Bound | None = None
    source: str = ""

    def __post_init__(self) -> None:
        kinds = {type(self.cpu), type(self.paper)}
        if len(kinds) != 1 or not kinds <= set(KINDS):
            raise ParameterError(
                f"scaled({self.cpu!r}, {self.paper!r}): both values must be of one kind of "
                f"{', '.join(k.__name__ for k in KINDS)}"
            )
        if isinstance(self.allowed, Bound):
            if self.kind not in (int, float):
                raise ParameterError(f"scaled({self.cpu!r}, ...): only numbers take {self.allowed!r}")
            if self.kind is int and not float(self.allowed.value).is_integer():
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
        """``value`` as this parameter's kind, once it has the kind and is allowed; else a
        :class:`~paperlib.config.ParameterError` naming ``name``."""
        bound = self.allowed if isinstance(self.allowed, Bound) else None
        if self.kind is bool:
            value = check_bool(name, value)
        elif self.kind is int:
            lowest = None if bound is None else int(bound.value) + (0 if bound.inclusive else 1)
            value = check_int(name, value, -(2**63) if lowest is None else lowest)
        elif self.kind is float:
            lowest = -math.inf if bound is None else bound.value
            value = check_float(name, value, lowest, inclusive=bound is None or bound.inclusive)
        elif not isinstance(value, str):
            raise ParameterError(f"{name}={value!r} must be a string")
        if isinstance(self.allowed, tuple):
            check_choice(name, value, self.allowed)
        return value


def scaled(cpu: Any, paper: Any, allowed: Sequence[Any] | Bound | None = None, source: str = "") -> Scaled:
    """Declare a parameter: its value at CPU scale and at the paper's scale, the values it allows
    (``None``: any of its kind; a sequence of choices; :func:`at_least` or :func:`above` a bound),
    and the ``source`` of the paper's value (a section, an appendix, the official code's file)."""
    if allowed is not None and not isinstance(allowed, Bound):
        allowed = tuple(allowed)
    return Scaled(cpu, paper, allowed, source)


@dataclass(frozen=True)
class Declaration:
    """What a chapter's parameters cell declared: every parameter's name in the cell's order, the
    scaled ones' declarations, and every other object its namespace held then, which papermill
    must not replace. The plain parameters (``scale``, ``experiments``) are checked by the chapter."""

    names: tuple[str, ...]
    parameters: dict[str, Scaled]
    others: dict[str, Any]


def declared(namespace: Mapping[str, Any], plain: Sequence[str] = ("scale", "experiments")) -> Declaration:
    """The declaration of the parameters cell whose namespace is ``namespace`` (call it last there);
    ``plain`` names its parameters that are not :func:`scaled`."""
    missing = [name for name in plain if name not in namespace]
    if missing:
        raise ParameterError(f"the parameters cell does not assign {', '.join(missing)}")
    names = tuple(n for n, v in namespace.items() if isinstance(v, Scaled) or n in plain)
    parameters = {name: namespace[name] for name in names if name not in plain}
    others = {n: v for n, v in namespace.items() if n not in names}
    return Declaration(names, parameters, others)


WORD_CUTOFF = 0.75
"""How alike a typed name and a word of a parameter's name must be (difflib's ratio) for
:func:`suggestions` to suggest the parameter: "stpes" and "steps" are 0.8 alike, "stpes" and "seeds" 0.6."""
SUGGESTED = 5
"""The most parameters :func:`suggestions` names."""


def suggestions(typed: str, names: Sequence[str]) -> list[str]:
    """The parameters to suggest for the unknown name ``typed``, likeliest first, at most
    :data:`SUGGESTED`: those whose name contains it as whole words (``lam``: ``text_lam``, ``image_lam``;
    not ``pl`` in ``eval_samples``), or has a word (between underscores) spelled nearly as it
    (``stpes``: ``steps_8gaussians``); failing those, the names spelled nearly as it as a whole. Ranked
    by how alike the whole names are (short names first among equally near words), then by order."""

    def alike(a: str, b: str) -> float:
        return difflib.SequenceMatcher(None, a, b).ratio()

    related = [
        name
        for name in names
        if f"_{typed}_" in f"_{name}_" or any(alike(typed, word) >= WORD_CUTOFF for word in name.split("_"))
    ]
    if not related:
        return difflib.get_close_matches(typed, names, n=SUGGESTED)
    return sorted(related, key=lambda name: -alike(typed, name))[:SUGGESTED]


def resolved(declaration: Declaration, namespace: Mapping[str, Any], scale: str) -> dict[str, Any]:
    """Every parameter's value, in the cell's order: for a scaled one, the value papermill injected
    if any (checked against its declaration), else its value at ``scale``; for a plain one, its
    value. A name that appeared in ``namespace`` since the declaration, is not declared and does
    not start with ``_`` (IPython's own) is refused: papermill passes a misspelled ``-p`` name on,
    with only a warning."""
    if not isinstance(declaration, Declaration):
        raise ParameterError(f"the declaration of the parameters cell was replaced by {declaration!r}")
    check_choice("scale", scale, SCALES)
    for name in sorted(set(namespace) - set(declaration.names)):
        if name.startswith("_") or isinstance(namespace[name], Declaration):
            continue  # IPython's own names, and the declaration itself
        if name not in declaration.others or namespace[name] is not declaration.others[name]:
            close = suggestions(name, declaration.names)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ParameterError(
                f"unknown parameter {name!r}{hint} (papermill --help-notebook lists the parameters)"
            )
    values = {}
    for name in declaration.names:
        spec, value = declaration.parameters.get(name), namespace[name]
        if spec is None:
            values[name] = value
        else:
            values[name] = spec.at(scale) if value is spec else spec.check(name, value)
    return values


def deviations(
    declaration: Declaration, values: Mapping[str, Any], scale: str = "paper", ignore: Sequence[str] = ()
) -> dict[str, tuple[Any, Any]]:
    """The scaled parameters whose value in ``values`` (:func:`resolved`'s) is not their value at
    ``scale``, as ``name -> (value, value at scale)``, but those named in ``ignore`` (settings that
    change where and how a run is done, not its result: device, folders, checkpoints). Empty at
    ``"paper"``: the execution ran at the paper's settings; at ``"cpu"``: at the CPU scale's defaults."""
    check_choice("scale", scale, SCALES)
    unknown = sorted(set(ignore) - set(declaration.parameters))
    if unknown:
        raise ParameterError(f"ignore names no scaled parameter: {', '.join(unknown)}")
    return {
        name: (values[name], spec.at(scale))
        for name, spec in declaration.parameters.items()
        if name not in ignore and values[name] != spec.at(scale)
    }


def scale_table(declaration: Declaration) -> list[list[str]]:
    """One row per scaled parameter, for the chapter to show what each scale means: name, CPU value,
    paper value, source of the paper's value."""
    return [
        [name, repr(spec.cpu), repr(spec.paper), spec.source] for name, spec in declaration.parameters.items()
    ]


@dataclass(frozen=True)
class Selection:
    """The experiment groups one execution runs (``chosen``), of a chapter's ``groups``, as its
    ``experiments`` parameter (``value``) selected them. A cell of a group runs under
    ``if selection.runs("group"):``, which says so when the group is skipped."""

    groups: tuple[str, ...]
    chosen: tuple[str, ...]
    value: str

    def __contains__(self, group: object) -> bool:
        if group not in self.groups:
            known = ", ".join(self.groups)
            raise ParameterError(f"{group!r} is not an experiment group of this chapter: {known}")
        return group in self.chosen

    def __iter__(self) -> Iterator[str]:
        return iter(self.chosen)

    def runs(self, *groups: str) -> bool:
        """Whether any of ``groups`` runs in this execution; if none does, print that the cell is
        skipped (so its section says why it shows no results)."""
        if any(group in self for group in groups):
            return True
        print(f"skipped: experiment group {' / '.join(groups)} not selected (experiments={self.value!r})")
        return False


def selected_groups(name: str, value: Any, groups: Sequence[str]) -> Selection:
    """The experiment groups a comma-separated ``value`` selects, in the chapter's order; ``"all"``
    selects every one. An unknown or repeated name is refused, naming the allowed ones."""
    if not isinstance(value, str):
        raise ParameterError(f"{name}={value!r} must be a string such as 'all' or {','.join(groups[:2])!r}")
    if value.strip() == "all":
        return Selection(tuple(groups), tuple(groups), value)
    chosen = [part.strip() for part in value.split(",")]
    for part in chosen:
        check_choice(name, part, groups)
    if len(set(chosen)) != len(chosen):
        raise ParameterError(f"{name}={value!r} names a group twice")
    return Selection(tuple(groups), tuple(g for g in groups if g in chosen), value)
