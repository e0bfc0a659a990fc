"""Run parameters: validation with clear errors, device selection, seeding, run folders.

Every notebook validates its papermill parameters here right after the ``parameters`` cell, so a
bad value fails at once with a message that names the parameter and what it may be.
"""

from __future__ import annotations

import math
import os
import random
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import torch


class ParameterError(ValueError):
    """A run parameter has a value it may not take; the message names it and the allowed values."""


def check_choice(name: str, value: Any, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``, else raise naming the parameter and the choices."""
    allowed = list(allowed)
    if value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise ParameterError(f"{name}={value!r} is not allowed; choose one of: {choices}")
    return value


def check_int(name: str, value: Any, minimum: int = 0) -> int:
    """Return ``value`` if it is an integer ``>= minimum`` (booleans are refused), else raise."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ParameterError(f"{name}={value!r} must be an integer >= {minimum}")
    if value < minimum:
        raise ParameterError(f"{name}={value!r} must be an integer >= {minimum}")
    return int(value)


def check_float(name: str, value: Any, minimum: float = 0.0, inclusive: bool = True) -> float:
    """Return ``value`` as a float if it is a finite real number above ``minimum``, else raise
    (``inf`` and ``nan`` are refused: a penalty weight or learning rate of ``inf`` trains nothing)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ParameterError(f"{name}={value!r} must be a number")
    if not math.isfinite(value):
        raise ParameterError(f"{name}={value!r} must be a finite number")
    ok = value >= minimum if inclusive else value > minimum
    if not ok:
        op = ">=" if inclusive else ">"
        raise ParameterError(f"{name}={value!r} must be a number {op} {minimum}")
    return float(value)


def check_finite(name: str, values: torch.Tensor | np.ndarray) -> None:
    """Raise ``ValueError`` naming ``name`` if ``values`` hold a NaN or an infinity: a metric of a
    diverged run is never a number (POT, for one, returns 0.0 for NaN samples)."""
    finite = torch.isfinite(values).all() if isinstance(values, torch.Tensor) else np.isfinite(values).all()
    if not finite:
        raise ValueError(f"{name} contain NaN or infinite values: the run that produced them diverged")


def check_bool(name: str, value: Any) -> bool:
    """Return ``value`` if it is a real boolean.

    papermill passes ``-p resume false`` as the *string* ``"false"``, which Python treats as true;
    refusing it here avoids a silent misreading (use ``-p resume False``).
    """
    if not isinstance(value, bool):
        raise ParameterError(
            f"{name}={value!r} must be True or False (with papermill write -p {name} True, capitalised)"
        )
    return value


DEVICES = ("auto", "cpu", "cuda", "mps")


def resolve_device(device: str) -> torch.device:
    """Map the ``device`` parameter to a ``torch.device``; ``"auto"`` picks CUDA when present.

    Asking for an accelerator that this machine lacks is an error, never a silent fall-back to CPU.
    """
    check_choice("device", device.split(":")[0] if isinstance(device, str) else device, DEVICES)
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ParameterError(
            f"device={device!r} but this machine has no CUDA device; use device='cpu' or device='auto'"
        )
    if device.startswith("mps") and not torch.backends.mps.is_available():
        raise ParameterError("device='mps' but MPS is not available here; use device='cpu' or 'auto'")
    return torch.device(device)


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (all devices) from one integer parameter."""
    check_int("seed", seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def project_root() -> Path:
    """The repository root when paperlib is installed from a checkout (``pip install -e .``), else cwd.

    Notebooks run with their own folder as working directory (Jupyter Book) or with the caller's
    (papermill), so relative run folders are resolved against this one place.
    """
    here = Path(__file__).resolve().parent.parent
    return here if (here / "pyproject.toml").exists() else Path.cwd()


def out_root(out_dir: str | os.PathLike) -> Path:
    """The folder ``out_dir`` of the run folders; a relative one is taken relative to
    :func:`project_root`, wherever the notebook runs."""
    base = Path(out_dir).expanduser()
    return base if base.is_absolute() else project_root() / base


def check_writable_folder(name: str, folder: str | os.PathLike) -> Path:
    """``folder`` (created if missing), once a file could be written there; else a
    :class:`ParameterError` naming the setting ``name`` that chose it, before any work is done."""
    path = Path(folder).expanduser()
    probe = path / f".paperlib-write-test-{os.getpid()}"
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise ParameterError(
            f"{name}: cannot write to {path} ({type(error).__name__}: {error.strerror or error}); "
            "choose a folder this user can write to"
        ) from None
    return path


def slug(name: str) -> str:
    """A file-name form of a method's or experiment's name: lower case, "µ" written "mu", runs of
    anything else but letters and digits made one hyphen (``"WGAN-GP, lambda = 10"`` ->
    ``"wgan-gp-lambda-10"``, ``"µGP"`` -> ``"mugp"``)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("µ", "mu")).strip("-")
