"""Cost of the language GAN's n-gram JSD at One Billion Word's size (WGAN-GP section 5.5).

Not a test (pytest does not collect it): run ``.venv/bin/python tests/benchmarks/ngram_reference.py``.
A synthetic corpus of ``--lines`` lines of 32 characters drawn uniformly from ``--vocab`` symbols
(uniform letters give the most distinct n-grams, the worst case for the reference's size) is counted
once for n = 1..4 (:class:`paperlib.NgramReference`, as ``text_trainer`` does at set-up); then
``--samples`` generated lines are compared with it, as at every evaluation. Prints both times and
the peak memory of the process.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from paperlib import NgramReference


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000_000, help="reference lines (official: 10M)")
    parser.add_argument("--vocab", type=int, default=70, help="symbols in the charmap")
    parser.add_argument("--samples", type=int, default=640, help="generated lines per evaluation")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    reference = rng.integers(args.vocab, size=(args.lines, 32), dtype=np.int64)
    samples = rng.integers(args.vocab, size=(args.samples, 32), dtype=np.int64)
    start = time.perf_counter()
    counted = NgramReference(reference, args.vocab, range(1, 5))
    setup = time.perf_counter() - start
    times = []
    for _ in range(5):
        start = time.perf_counter()
        jsds = counted.jsds(samples)
        times.append(time.perf_counter() - start)
    sizes = ", ".join(f"n={n}: {len(f.codes):,}" for n, f in counted.frequencies.items())
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"{args.lines:,} lines, distinct n-grams {sizes}")
    print(f"counting the reference once: {setup:.1f} s; peak memory {peak_gib:.1f} GiB")
    print(f"one evaluation of {args.samples} samples: {min(times) * 1000:.1f} ms (best of 5); {jsds}")


if __name__ == "__main__":
    main()
