"""The set of DCGAN variants of WGAN-GP Table 1 (section 5.1), and sampling architectures from it.

Table 1 varies, independently for the generator G and the critic D: the nonlinearity (ReLU,
LeakyReLU, ``softplus(2x + 2) / 2 - 1`` and tanh), the depth (4, 8, 12 or 20 layers), batch norm
(on or off; for WGAN-GP the critic's batch norm becomes layer norm, section 4) and the base filter
count (32, 64 or 128). The paper samples 200 architectures, trains each with the standard GAN and
with WGAN-GP, and counts how many succeed by Inception Score (Table 2). An :class:`Architecture`
is one draw; :func:`sample_architectures` draws them uniformly and independently per setting, from
Table 1 or from a smaller set for CPU-scale runs; :meth:`Architecture.networks` builds the pair
from :mod:`paperlib.nets.dcgan` (deeper networks by ``extra_layers``, see there).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from paperlib.config import ParameterError, check_int
from paperlib.nets.dcgan import DCGANCritic, DCGANGenerator, base_depth

TABLE1: dict[str, tuple] = {
    "activation": ("relu", "leaky_relu", "smooth_elu", "tanh"),
    "depth": (4, 8, 12, 20),
    "batch_norm": (True, False),
    "dim": (32, 64, 128),
}
"""The choices of WGAN-GP Table 1, each drawn separately for G and D."""


@dataclass(frozen=True)
class Architecture:
    """One DCGAN variant of Table 1: a setting of each row for the generator (``g_``) and critic (``d_``)."""

    g_activation: str
    d_activation: str
    g_depth: int
    d_depth: int
    g_batch_norm: bool
    d_batch_norm: bool
    g_dim: int
    d_dim: int

    @classmethod
    def from_repr(cls, text: str) -> Architecture:
        """The architecture whose ``repr`` is ``text`` (a run's setup records an architecture so);
        any other text is a :class:`~paperlib.config.ParameterError`."""
        try:
            call = ast.parse(text, mode="eval").body
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)) or call.args:
                raise ValueError("not a call with keyword arguments")
            architecture = cls(**{keyword.arg: ast.literal_eval(keyword.value) for keyword in call.keywords})
        except (SyntaxError, ValueError, TypeError):
            architecture = None
        if architecture is None or repr(architecture) != text:
            raise ParameterError(f"{text!r} is not the repr of an {cls.__name__}")
        return architecture

    def _check_depth(self, name: str, size: int) -> int:
        """The layers of ``name`` (``g_depth`` or ``d_depth``) beyond the base depth of ``size``."""
        base = base_depth(size)
        if getattr(self, name) < base:
            raise ParameterError(f"{name}={getattr(self, name)} must be at least {base} at size {size}")
        return getattr(self, name) - base

    def generator(self, *, size: int = 32, channels: int = 3, noise_dim: int = 128) -> DCGANGenerator:
        """The generator of this architecture."""
        return DCGANGenerator(
            size,
            channels,
            self.g_dim,
            noise_dim,
            batch_norm=self.g_batch_norm,
            activation=self.g_activation,
            extra_layers=self._check_depth("g_depth", size),
        )

    def critic(self, *, penalty: bool, size: int = 32, channels: int = 3) -> DCGANCritic:
        """The critic of this architecture. With ``penalty`` (WGAN-GP) its batch norm is layer norm."""
        return DCGANCritic(
            size,
            channels,
            self.d_dim,
            norm=("layer" if penalty else "batch") if self.d_batch_norm else "none",
            activation=self.d_activation,
            for_penalty=penalty,
            extra_layers=self._check_depth("d_depth", size),
        )

    def networks(
        self, *, penalty: bool, size: int = 32, channels: int = 3, noise_dim: int = 128
    ) -> tuple[DCGANGenerator, DCGANCritic]:
        """The generator and critic (:meth:`generator`, then :meth:`critic`)."""
        generator = self.generator(size=size, channels=channels, noise_dim=noise_dim)
        return generator, self.critic(penalty=penalty, size=size, channels=channels)

    def describe(self) -> str:
        """One line for a table: each network's nonlinearity, depth, normalisation and width."""
        g_norm = "BN" if self.g_batch_norm else "no norm"
        d_norm = "BN/LN" if self.d_batch_norm else "no norm"
        return (
            f"G: {self.g_activation}, {self.g_depth} layers, {g_norm}, {self.g_dim} filters; "
            f"D: {self.d_activation}, {self.d_depth} layers, {d_norm}, {self.d_dim} filters"
        )


def sample_architectures(n: int, seed: int, choices: Mapping[str, Sequence] = TABLE1) -> list[Architecture]:
    """``n`` architectures, every setting of G and of D drawn uniformly and independently from
    ``choices`` (keys ``activation``, ``depth``, ``batch_norm``, ``dim``; default Table 1) by a
    generator seeded with ``seed``."""
    check_int("n", n, 1)
    missing = set(TABLE1) - set(choices)
    if missing:
        raise ParameterError(f"choices lacks {sorted(missing)}; it needs the keys {sorted(TABLE1)}")
    rng = np.random.RandomState(check_int("seed", seed))

    def draw(key: str) -> object:
        options = list(choices[key])
        value = options[rng.randint(len(options))]
        return value.item() if isinstance(value, np.generic) else value

    return [
        Architecture(
            g_activation=draw("activation"),
            d_activation=draw("activation"),
            g_depth=draw("depth"),
            d_depth=draw("depth"),
            g_batch_norm=draw("batch_norm"),
            d_batch_norm=draw("batch_norm"),
            g_dim=draw("dim"),
            d_dim=draw("dim"),
        )
        for _ in range(n)
    ]
