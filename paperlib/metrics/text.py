"""Jensen-Shannon divergence between the character n-gram distributions of two sets of lines.

The metric of the language experiments of WGAN-GP (section 5.5; n = 1..4 on 640 samples in the
official ``gan_language.py``) and FOGAN (section 7.2; the 6-gram JSD is its headline number). The
official ``NgramLanguageModel`` counts, in each set, every n-gram that lies inside a line (padding
included, never across lines), turns the counts into frequencies ``p`` and ``q``, and computes

    JSD(p, q) = (KL(p || m) + KL(q || m)) / 2 / log 2,   m = (p + q) / 2,

in bits, so between 0 (same frequencies) and 1 (no n-gram in common). Here the lines are integer
arrays ``(lines, length)`` of character indices; an n-gram becomes one integer (base
``vocab_size``; two where one would overflow 64 bits), so the counting is a single
``numpy.unique`` per set instead of a Python loop, fast enough for 6,400 samples and 6-grams. A run
counts its reference lines once (:class:`NgramReference`) and only the samples at each evaluation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import torch

from paperlib.config import ParameterError, check_int

ArrayLike = np.ndarray | torch.Tensor
PAIR_CODE = np.dtype([("high", np.int64), ("low", np.int64)])  # an n-gram too long for one int64 code


def ngram_codes(lines: ArrayLike, n: int, vocab_size: int) -> np.ndarray:
    """Every n-gram inside each line of ``lines`` (``(N, L)`` indices below ``vocab_size``) as one integer."""
    lines = np.asarray(lines.cpu() if isinstance(lines, torch.Tensor) else lines, dtype=np.int64)
    if lines.ndim != 2:
        raise ParameterError(f"lines must be a (lines, length) array of indices, got shape {lines.shape}")
    check_int("n", n, 1)
    check_int("vocab_size", vocab_size, 1)
    if n > lines.shape[1]:
        raise ParameterError(f"n={n} must be at most the line length {lines.shape[1]}")
    if lines.size and (lines.min() < 0 or lines.max() >= vocab_size):
        raise ParameterError(f"indices must lie in 0..{vocab_size - 1}")
    span = lines.shape[1] - n + 1  # n-grams per line

    def code(first: int, length: int) -> np.ndarray:
        """The characters ``first .. first + length - 1`` of every n-gram as one integer."""
        codes = np.zeros((lines.shape[0], span), dtype=np.int64)
        for k in range(first, first + length):  # Horner's scheme: one (N, span) array, no (N, span, n) copy
            codes *= vocab_size
            codes += lines[:, k : k + span]
        return codes.ravel()

    if vocab_size**n < 2**63:
        return code(0, n)
    # A vocabulary above 1,448 characters overflows 64 bits at n = 6 (One Billion Word keeps up to
    # 2,048): two integers then, ordered as a pair, which np.unique and np.searchsorted sort like one
    # number (about 30 times slower, and needed only where the single code cannot hold the n-gram).
    head = n // 2
    if vocab_size ** (n - head) >= 2**63:
        raise ParameterError(f"vocab_size={vocab_size} ** n={n} does not fit two 64-bit n-gram codes")
    pairs = np.empty(lines.shape[0] * span, dtype=PAIR_CODE)
    pairs["high"], pairs["low"] = code(0, head), code(head, n - head)
    return pairs


@dataclass(frozen=True)
class NgramFrequencies:
    """The n-gram distribution of a set of lines: sorted n-gram ``codes`` and their frequencies."""

    n: int
    vocab_size: int
    codes: np.ndarray
    frequencies: np.ndarray


def ngram_frequencies(lines: ArrayLike, n: int, vocab_size: int) -> NgramFrequencies:
    """The frequencies of the n-grams inside the lines of ``lines`` (the official ``NgramLanguageModel``)."""
    codes, counts = np.unique(ngram_codes(lines, n, vocab_size), return_counts=True)
    if not len(codes):
        raise ParameterError("a set of lines needs at least one line")
    return NgramFrequencies(n, vocab_size, codes, counts / counts.sum())


def frequency_jsd(p: NgramFrequencies, q: NgramFrequencies) -> float:
    """JSD in bits between two n-gram distributions of the same ``n`` and vocabulary (see the module).

    Only the n-grams of ``p`` are looked up in ``q`` (binary search in its sorted codes): an n-gram of
    one side only, with frequency f, contributes f log2(f / (f/2)) = f to its side's KL term, so the
    n-grams of ``q`` alone enter through their total mass. The cost is ``O(|p| log |q| + |q|)``, which
    keeps an evaluation of a few thousand samples fast against a reference of millions of n-grams.
    """
    if (p.n, p.vocab_size) != (q.n, q.vocab_size):
        raise ParameterError(
            f"n-gram distributions differ in (n, vocab_size): {(p.n, p.vocab_size)} and {(q.n, q.vocab_size)}"
        )
    at = np.minimum(np.searchsorted(q.codes, p.codes), len(q.codes) - 1)
    shared = q.codes[at] == p.codes
    p_shared, q_shared = p.frequencies[shared], q.frequencies[at[shared]]
    m_shared = (p_shared + q_shared) / 2
    kl_p = (p_shared * np.log2(p_shared / m_shared)).sum() + p.frequencies[~shared].sum()
    kl_q = (q_shared * np.log2(q_shared / m_shared)).sum() + (q.frequencies.sum() - q_shared.sum())
    return float(np.clip((kl_p + kl_q) / 2, 0.0, 1.0))


def ngram_jsd(samples: ArrayLike, reference: ArrayLike, n: int, vocab_size: int) -> float:
    """JSD in bits between the n-gram frequencies of ``samples`` and of ``reference`` (see the module)."""
    p, q = ngram_frequencies(samples, n, vocab_size), ngram_frequencies(reference, n, vocab_size)
    return frequency_jsd(p, q)


class NgramReference:
    """The n-gram frequencies of a reference set of lines, counted once for every n in ``ns``.

    The official code builds its reference language models once per run and compares each
    evaluation's samples with them; counting the reference again at every evaluation would cost,
    at One Billion Word's 10 million lines, about 36 s per evaluation instead of 20 ms
    (``tests/benchmarks/ngram_reference.py``).
    """

    def __init__(self, lines: ArrayLike, vocab_size: int, ns: Iterable[int] = range(1, 7)) -> None:
        self.vocab_size = vocab_size
        self.frequencies = {n: ngram_frequencies(lines, n, vocab_size) for n in ns}

    def jsds(self, samples: ArrayLike) -> dict[str, float]:
        """``{"jsd1": ..., }``: the JSD of the n-grams of ``samples`` to the reference, for each n."""
        return {
            f"jsd{n}": frequency_jsd(ngram_frequencies(samples, n, self.vocab_size), reference)
            for n, reference in self.frequencies.items()
        }


def ngram_jsds(
    samples: ArrayLike, reference: ArrayLike, vocab_size: int, ns: Iterable[int] = range(1, 7)
) -> dict[str, float]:
    """``{"jsd1": ..., "jsd6": ...}``: :func:`ngram_jsd` for each n in ``ns`` (a one-off comparison;
    a run that compares many sample sets with one reference keeps an :class:`NgramReference`)."""
    return NgramReference(reference, vocab_size, ns).jsds(samples)
