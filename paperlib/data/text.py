"""Text of the character-level language GANs: One Billion Word, and an offline English corpus.

WGAN-GP section 5.5 and FOGAN section 7.2 train character-level GANs on the One Billion Word
benchmark (Chelba et al. 2013). :func:`text_corpus` follows the official WGAN-GP code
(``language_helpers.load_dataset``, called by ``gan_language.py`` with ``max_length=32``):

* lines are read from the shards ``news.en-000NN-of-00100`` (NN = 1, ..., 99, in this order) of
  ``training-monolingual.tokenized.shuffled`` until ``max_lines`` lines (official: 10,000,000);
* each line is cut to its first ``seq_len`` characters and padded to ``seq_len`` with backticks;
* the lines are shuffled;
* the charmap is ``unk`` = 0, then the characters by decreasing count (backtick included) up to
  ``max_vocab_size`` entries in all (official: 2048); rarer characters become ``unk``.

One difference remains: the official code runs under Python 2, where a line read from a file is a
byte string, so it cuts, pads and counts *bytes*; a non-ASCII character (rare in the benchmark's
English news) takes two to four of the 32 positions there and its bytes enter the charmap one by
one. Here lines are read as UTF-8 text and every position holds one Unicode character.

``sentences`` is the offline corpus of CPU-scale runs: the English prose of the Python
documentation that ships with every Python (the help topics of ``pydoc_data.topics``), split into
sentences, with code and grammar excluded. It is real English written by people, not by us, and
goes through the same cutting, padding, shuffling and charmap. It has about 1,200 sentences (the
number depends on the Python version, whose documentation it is):
enough for a GAN to learn English spelling at CPU scale, not a substitute for One Billion Word.

A :class:`CharCorpus` holds the lines as a ``(lines, seq_len)`` tensor of character indices; its
:meth:`~CharCorpus.one_hot` dataset feeds :class:`~paperlib.data.sampler.DatasetSampler`, the
resumable batch stream of every run, with one-hot batches ``(batch, seq_len, vocabulary)``.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

from paperlib.config import ParameterError, check_choice, check_int
from paperlib.data.catalog import DatasetMissingError, data_root

TEXT_DATASETS = ("sentences", "billion_word")
PAD = "`"
UNK = "unk"
BILLION_WORD_FOLDER = "1-billion-word-language-modeling-benchmark-r13output"
SHARD_FOLDER = "training-monolingual.tokenized.shuffled"
SHARDS = 99
BILLION_WORD_URL = (
    "http://www.statmt.org/lm-benchmark/1-billion-word-language-modeling-benchmark-r13output.tar.gz"
)


def shard_name(index: int) -> str:
    """File name of training shard ``index`` (1..99): ``news.en-00001-of-00100`` and so on."""
    return f"news.en-{index:05d}-of-00100"


def decode_lines(indices: torch.Tensor | np.ndarray, inv_charmap: Sequence[str]) -> list[str]:
    """Lines of characters from a ``(lines, seq_len)`` array of indices into ``inv_charmap`` (a
    corpus's characters, index by index); ``unk`` shows as U+FFFD."""
    shown = ["\ufffd" if c == UNK else c for c in inv_charmap]
    return ["".join(shown[i] for i in row) for row in np.asarray(indices).tolist()]


@dataclass(frozen=True)
class CharCorpus:
    """Fixed-length character sequences: ``indices[i, t]`` is the index of character ``t`` of line ``i``
    in ``inv_charmap`` (``inv_charmap[0]`` is ``unk``)."""

    indices: torch.Tensor
    inv_charmap: tuple[str, ...]

    @property
    def seq_len(self) -> int:
        return self.indices.shape[1]

    @property
    def vocab_size(self) -> int:
        return len(self.inv_charmap)

    def __len__(self) -> int:
        return len(self.indices)

    def decode(self, indices: torch.Tensor | np.ndarray) -> list[str]:
        """Lines of characters from a ``(lines, seq_len)`` array of indices (:func:`decode_lines`)."""
        return decode_lines(indices, self.inv_charmap)

    def one_hot(self) -> Dataset:
        """The lines as a dataset of ``(one-hot (seq_len, vocabulary) float tensor, 0)`` pairs."""
        return _OneHotLines(self.indices, self.vocab_size)

    def independent_lines(self, n: int, seed: int, frequencies: str = "corpus") -> torch.Tensor:
        """``n`` lines of independent characters, the baselines a language GAN's n-gram scores are read
        against: each character drawn from the corpus's character frequencies (``"corpus"``: right
        1-gram statistics, no sequence structure) or uniformly from the vocabulary (``"uniform"``),
        by a generator seeded with ``seed``. Returns ``(n, seq_len)`` indices."""
        check_int("n", n, 1)
        check_choice("frequencies", frequencies, ("corpus", "uniform"))
        if frequencies == "corpus":
            weights = torch.bincount(self.indices.reshape(-1), minlength=self.vocab_size).double()
        else:
            weights = torch.ones(self.vocab_size, dtype=torch.double)
        draws = torch.multinomial(
            weights, n * self.seq_len, replacement=True, generator=torch.Generator().manual_seed(seed)
        )
        return draws.reshape(n, self.seq_len)


class _OneHotLines(Dataset):
    def __init__(self, indices: torch.Tensor, vocab_size: int) -> None:
        self.indices, self.vocab_size = indices, vocab_size

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        return F.one_hot(self.indices[index], self.vocab_size).float(), 0


def build_corpus(
    lines: Iterable[str], seq_len: int = 32, max_vocab_size: int = 2048, seed: int = 0
) -> CharCorpus:
    """The official conventions on raw ``lines``: cut and pad to ``seq_len``, shuffle (seeded), charmap.

    Ties in the character counts keep the order of first appearance in the shuffled lines
    (``collections.Counter.most_common``, as the official code).
    """
    check_int("seq_len", seq_len, 1)
    check_int("max_vocab_size", max_vocab_size, 2)
    padded = [line[:seq_len] + PAD * (seq_len - len(line[:seq_len])) for line in lines]
    if not padded:
        raise ParameterError("the corpus has no lines")
    order = np.random.RandomState(check_int("seed", seed)).permutation(len(padded))
    padded = [padded[i] for i in order]
    counts = Counter(char for line in padded for char in line)
    inv_charmap = (UNK, *(char for char, _ in counts.most_common(max_vocab_size - 1)))
    charmap = {char: index for index, char in enumerate(inv_charmap)}
    indices = torch.tensor([[charmap.get(char, 0) for char in line] for line in padded], dtype=torch.long)
    return CharCorpus(indices, inv_charmap)


def _prose_sentences() -> list[str]:
    """The sentences of the prose paragraphs of the Python help topics (``pydoc_data.topics``).

    A paragraph (lines between blank lines) is prose when none of its lines is indented by three
    spaces or more (code examples and grammar are; list items continue with two) and it is not a
    heading underline; its lines are joined (a list item's ``* `` dropped) and split
    after ``.``, ``!`` or ``?`` followed by a space and a capital letter. Sentences of at least
    20 characters made only of letters, digits, spaces, quotes and common punctuation are kept.
    """
    from pydoc_data.topics import topics

    allowed = re.compile(r"[A-Za-z0-9 ,.;:!?'\"()\-]+")
    sentences = []
    for key in sorted(topics):
        for paragraph in re.split(r"\n\s*\n", topics[key]):
            lines = paragraph.strip("\n").split("\n")
            if any(line.startswith(("   ", "\t")) for line in lines) or re.fullmatch(r"[*=\-~^]+", lines[-1]):
                continue
            text = " ".join(line.strip() for line in lines).removeprefix("* ")
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text):
                if len(sentence) >= 20 and allowed.fullmatch(sentence):
                    sentences.append(sentence)
    return sentences


def _billion_word_lines(folder: Path, max_lines: int) -> Iterator[str]:
    """The shards' lines in order, up to ``max_lines``; a needed shard that is missing is an error."""
    shards = folder / BILLION_WORD_FOLDER / SHARD_FOLDER
    produced = 0
    for index in range(1, SHARDS + 1):
        path = shards / shard_name(index)
        if not path.is_file():
            raise DatasetMissingError(_missing_message(folder, path, produced, max_lines))
        with path.open(encoding="utf-8") as f:
            for line in f:
                yield line.rstrip("\n")
                produced += 1
                if produced == max_lines:
                    return


def _missing_message(folder: Path, path: Path, produced: int, max_lines: int) -> str:
    got = f" after {produced} lines (max_lines={max_lines})" if produced else ""
    return (
        f"dataset='billion_word' needs {path}{got}. Download {BILLION_WORD_URL} (about 1.7 GB), "
        f"extract it into {folder} (it creates {BILLION_WORD_FOLDER}/{SHARD_FOLDER}/ with the shards "
        f"{shard_name(1)} ... {shard_name(SHARDS)}), or point data_root= or the PAPERLIB_DATA "
        "environment variable at the folder that holds it. With fewer shards, lower max_lines."
    )


def text_corpus(
    name: str = "sentences",
    *,
    seq_len: int = 32,
    max_lines: int = 10_000_000,
    max_vocab_size: int = 2048,
    root: str | os.PathLike | None = None,
    seed: int = 0,
) -> CharCorpus:
    """The character corpus ``name`` (``TEXT_DATASETS``) with the official conventions (see above).

    ``billion_word`` is read from ``<root>/1-billion-word-language-modeling-benchmark-r13output`` under
    :func:`~paperlib.data.catalog.data_root` of ``root``; a missing shard raises
    :class:`~paperlib.data.catalog.DatasetMissingError` with download instructions. ``sentences``
    needs nothing (``max_lines`` caps it too).
    """
    check_choice("dataset", name, TEXT_DATASETS)
    check_int("max_lines", max_lines, 1)
    if name == "sentences":
        lines: Iterable[str] = _prose_sentences()[:max_lines]
    else:
        lines = list(_billion_word_lines(data_root(root), max_lines))
    return build_corpus(lines, seq_len, max_vocab_size, seed)
