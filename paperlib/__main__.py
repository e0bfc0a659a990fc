"""The command line of paperlib.

``python -m paperlib sample RUN_DIR [--n N] [--seed SEED] [--out PATH]`` writes samples of the run in
``RUN_DIR`` from its checkpoint (:func:`paperlib.samples.write_samples`) and prints the path it
wrote. A folder without a checkpoint, a damaged checkpoint, an existing or unwritable output file or a
value it may not take ends the command with exit status 2 and a message saying what is wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from paperlib.config import ParameterError
from paperlib.samples import DEFAULT_COUNTS, write_samples
from paperlib.training.trainer import CheckpointError


def parser() -> argparse.ArgumentParser:
    """The parser of the command line, with its subcommand ``sample``."""
    main_parser = argparse.ArgumentParser(prog="python -m paperlib", description="Executable GAN Papers.")
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sample = commands.add_parser(
        "sample",
        help="write samples of a run from its checkpoint",
        description=(
            "Write samples of a finished or interrupted run from its checkpoint: a PNG grid of images, "
            "a text file of generated lines, or a PNG scatter of 2-D points over the data, as the run's "
            "kind is. Prints the path written."
        ),
    )
    sample.add_argument(
        "run_dir",
        metavar="RUN_DIR",
        type=Path,
        help="the run's folder, runs/<chapter>/<run>/ (CPU scale: runs/<chapter>/cpu-<settings>/<run>/)",
    )
    counts = DEFAULT_COUNTS
    default = f"{counts['toy']} points of a toy run, {counts['image']} images, {counts['text']} lines"
    sample.add_argument("--n", type=int, default=None, help=f"how many samples (default: {default})")
    sample.add_argument("--seed", type=int, default=0, help="seed of the generator's noise (default: 0)")
    sample.add_argument(
        "--out",
        type=Path,
        default=None,
        help="the file to write (default: RUN_DIR/samples-seed<SEED>.png or .txt)",
    )
    return main_parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default: the process's arguments); returns the exit status."""
    arguments = parser().parse_args(argv)
    try:
        path = write_samples(arguments.run_dir, n=arguments.n, seed=arguments.seed, out=arguments.out)
    except (
        ParameterError,
        CheckpointError,
        OSError,
    ) as error:  # OSError: missing, existing, unreadable files
        print(f"python -m paperlib {arguments.command}: error: {error}", file=sys.stderr)
        return 2
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
