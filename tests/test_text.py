"""Text experiments: corpora with the official conventions, the language networks, the n-gram JSD."""

from __future__ import annotations

import collections
import math
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from paperlib.config import ParameterError
from paperlib.data.images import DatasetMissingError
from paperlib.data.sampler import DatasetSampler
from paperlib.data.text import PAD, UNK, build_corpus, shard_name, text_corpus
from paperlib.methods.penalties import GradientPenalty
from paperlib.metrics.text import (
    NgramReference,
    frequency_jsd,
    ngram_codes,
    ngram_frequencies,
    ngram_jsd,
    ngram_jsds,
)
from paperlib.nets.text import TextCritic, TextGenerator
from paperlib.setups import run_text, text_trainer


# ---------------------------------------------------------------- n-gram JSD
def official_jsd(samples: list[tuple], reference: list[tuple], n: int) -> float:
    """The official ``NgramLanguageModel(n, samples).js_with(NgramLanguageModel(n, reference))``,
    rewritten from its definition in ``language_helpers.py`` (dictionaries of n-gram counts)."""

    def model(lines: list[tuple]) -> tuple[collections.Counter, int]:
        counts = collections.Counter(line[i : i + n] for line in lines for i in range(len(line) - n + 1))
        return counts, sum(counts.values())

    def log_likelihood(lm: tuple[collections.Counter, int], ngram: tuple) -> float:
        counts, total = lm
        return np.log(counts[ngram]) - np.log(total) if ngram in counts else -np.inf

    q_lm, p_lm = model(samples), model(reference)  # self = samples, p = reference
    log_p = np.array([log_likelihood(p_lm, g) for g in p_lm[0]])
    log_q = np.array([log_likelihood(q_lm, g) for g in p_lm[0]])
    log_m = np.logaddexp(log_p - np.log(2), log_q - np.log(2))
    kl_p_m = np.sum(np.exp(log_p) * (log_p - log_m))
    log_p = np.array([log_likelihood(p_lm, g) for g in q_lm[0]])
    log_q = np.array([log_likelihood(q_lm, g) for g in q_lm[0]])
    log_m = np.logaddexp(log_p - np.log(2), log_q - np.log(2))
    kl_q_m = np.sum(np.exp(log_q) * (log_q - log_m))
    return 0.5 * (kl_p_m + kl_q_m) / np.log(2)


def test_jsd_of_a_set_with_itself_is_zero() -> None:
    lines = np.random.RandomState(0).randint(5, size=(50, 8))
    assert all(ngram_jsd(lines, lines, n, 5) == 0.0 for n in range(1, 7))
    assert ngram_jsd(lines, np.concatenate([lines, lines]), 3, 5) == 0.0  # frequencies, not counts


def test_jsd_of_disjoint_vocabularies_is_one() -> None:
    a = np.random.RandomState(0).randint(3, size=(20, 6))
    # Exact in principle (log2 of 2 over frequencies that sum to 1), but the frequencies are sums of
    # 1/N in float64 whose order the vectorised code does not fix: allow a few units of 1e-16.
    assert ngram_jsd(a, a + 3, 1, 6) == pytest.approx(1.0, abs=1e-12)
    assert ngram_jsd(a, a + 3, 4, 6) == pytest.approx(1.0, abs=1e-12)


def test_jsd_is_symmetric() -> None:
    rng = np.random.RandomState(1)
    a, b = rng.randint(4, size=(30, 10)), rng.randint(4, size=(17, 10))
    assert math.isclose(ngram_jsd(a, b, 2, 4), ngram_jsd(b, a, 2, 4), rel_tol=1e-12)


def test_jsd_by_hand() -> None:
    """p = {0: 1/2, 1: 1/2}, q = {0: 1}, m = {0: 3/4, 1: 1/4}: JSD = (KL(p||m) + KL(q||m)) / 2."""
    expected = ((0.5 * math.log2(0.5 / 0.75) + 0.5 * math.log2(0.5 / 0.25)) + math.log2(1 / 0.75)) / 2
    assert math.isclose(ngram_jsd([[0, 1]], [[0, 0]], 1, 2), expected, rel_tol=1e-12)
    assert math.isclose(expected, 0.311278, abs_tol=1e-6)


def test_jsd_equals_the_official_computation() -> None:
    rng = np.random.RandomState(2)
    samples, reference = rng.randint(6, size=(40, 12)), rng.randint(6, size=(90, 12))
    reference[:, :3] = samples[0, :3]  # some shared structure
    tuples = [[tuple(row) for row in x.tolist()] for x in (samples, reference)]
    for n in range(1, 7):
        assert math.isclose(ngram_jsd(samples, reference, n, 6), official_jsd(*tuples, n), rel_tol=1e-9), n


def test_reference_counted_once_gives_the_official_jsds_at_every_evaluation() -> None:
    """NgramReference counts the reference once; each later comparison equals the official dictionary
    computation (another summation order, hence the float64 tolerance), for several sample sets in
    turn (nothing of one evaluation leaks into the next), and the set-up's counts are not changed."""
    rng = np.random.RandomState(4)
    reference = rng.randint(6, size=(120, 12))
    counted = NgramReference(reference, 6, range(1, 7))
    before = {n: f.frequencies.copy() for n, f in counted.frequencies.items()}
    ref_tuples = [tuple(row) for row in reference.tolist()]
    for k in range(3):
        samples = rng.randint(6 - k, size=(30 + 10 * k, 12))  # a smaller alphabet: n-grams of one side only
        jsds = counted.jsds(samples)
        assert list(jsds) == [f"jsd{n}" for n in range(1, 7)]
        for n in range(1, 7):
            official = official_jsd([tuple(row) for row in samples.tolist()], ref_tuples, n)
            assert math.isclose(jsds[f"jsd{n}"], official, rel_tol=1e-9, abs_tol=1e-15), (k, n)
    assert all(np.array_equal(before[n], f.frequencies) for n, f in counted.frequencies.items())


def test_an_evaluation_against_a_counted_reference_does_not_recount_it() -> None:
    """Against 200,000 reference lines, comparing 640 samples costs a small part of counting the
    reference (here about 2%; best of three, against scheduler noise): an evaluation that recounted
    it (the defect this replaces) would cost as much as the counting."""
    rng = np.random.RandomState(5)
    reference, samples = rng.randint(30, size=(200_000, 32)), rng.randint(30, size=(640, 32))
    start = time.perf_counter()
    counted = NgramReference(reference, 30, range(1, 5))
    setup = time.perf_counter() - start
    evaluations = []
    for _ in range(3):
        start = time.perf_counter()
        counted.jsds(samples)
        evaluations.append(time.perf_counter() - start)
    assert min(evaluations) < 0.1 * setup


def test_jsd_refuses_distributions_of_different_orders() -> None:
    lines = np.zeros((2, 5), dtype=int)
    with pytest.raises(ParameterError, match="differ"):
        frequency_jsd(ngram_frequencies(lines, 2, 3), ngram_frequencies(lines, 3, 3))


def test_ngram_codes_stay_inside_lines() -> None:
    codes = ngram_codes(np.array([[1, 2, 3], [4, 5, 6]]), 2, 10)
    assert codes.tolist() == [12, 23, 45, 56]  # no 34: n-grams never cross a line end


def test_jsd_of_6400_samples_and_6_grams_is_fast() -> None:
    rng = np.random.RandomState(3)
    samples, reference = rng.randint(70, size=(6400, 32)), rng.randint(70, size=(20000, 32))
    start = time.perf_counter()
    jsds = ngram_jsds(samples, reference, 70)
    assert time.perf_counter() - start < 5.0
    assert list(jsds) == [f"jsd{n}" for n in range(1, 7)]
    assert jsds["jsd1"] < 0.01 and jsds["jsd6"] > 0.9  # uniform letters: same 1-grams, disjoint 6-grams


@pytest.mark.parametrize(
    "lines, n, vocab, phrase",
    [
        (np.array([[0, 1]]), 3, 2, "n=3"),
        (np.array([[0, 5]]), 1, 3, "0..2"),
        (np.array([0, 1]), 1, 2, "shape"),
        (np.zeros((1, 3), dtype=int), 3, 2**40, "two 64-bit"),
    ],
)
def test_ngram_codes_refuse_bad_input(lines: np.ndarray, n: int, vocab: int, phrase: str) -> None:
    with pytest.raises(ParameterError, match=phrase):
        ngram_codes(lines, n, vocab)


def test_6_grams_of_a_2048_character_vocabulary_are_counted_exactly() -> None:
    """2048**6 overflows one 64-bit code (One Billion Word keeps up to 2,048 characters): the
    n-grams become pairs of codes, and the JSD still equals the official dictionary computation.
    The characters are drawn from the top of the vocabulary, where one code would wrap around."""
    rng = np.random.RandomState(5)
    samples, reference = 2040 + rng.randint(8, size=(30, 10)), 2040 + rng.randint(8, size=(60, 10))
    reference[:, :7] = samples[0, :7]  # shared 6-grams
    assert ngram_codes(samples, 6, 2048).dtype.names == ("high", "low")
    assert ngram_codes(samples, 5, 2048).dtype == np.int64  # one code wherever it fits
    tuples = [[tuple(row) for row in x.tolist()] for x in (samples, reference)]
    expected = official_jsd(*tuples, 6)
    assert 0.05 < expected < 0.95  # neither identical nor disjoint: the lookup is exercised
    assert math.isclose(ngram_jsd(samples, reference, 6, 2048), expected, rel_tol=1e-9)
    assert math.isclose(NgramReference(reference, 2048, [6]).jsds(samples)["jsd6"], expected, rel_tol=1e-9)


# ---------------------------------------------------------------- corpora
def test_build_corpus_cuts_pads_and_maps_like_the_official_code() -> None:
    corpus = build_corpus(["aab", "abcdefgh", "z"], seq_len=4, max_vocab_size=4, seed=0)
    lines = sorted(corpus.decode(corpus.indices))
    assert corpus.inv_charmap[0] == UNK and corpus.vocab_size == 4
    # counts over the padded lines: ` 5, a 3, b 2, then c, d and z once each: only three fit
    assert corpus.inv_charmap[1:] == (PAD, "a", "b")
    assert lines == ["aab`", "ab\ufffd\ufffd", "\ufffd```"]
    again = build_corpus(["aab", "abcdefgh", "z"], seq_len=4, max_vocab_size=4, seed=0)
    assert torch.equal(again.indices, corpus.indices)


def test_sentences_corpus_is_real_english_from_the_python_docs() -> None:
    from pydoc_data.topics import topics

    corpus = text_corpus("sentences")
    assert len(corpus) > 1000 and corpus.seq_len == 32 and 40 < corpus.vocab_size < 100
    text = " ".join(" ".join(t.split()) for t in topics.values())
    for line in corpus.decode(corpus.indices[:20]):
        assert line.rstrip(PAD) in text, line
    assert len(text_corpus("sentences", max_lines=10)) == 10


def test_one_hot_batches_through_the_resumable_sampler() -> None:
    corpus = text_corpus("sentences", max_lines=100)
    batch = DatasetSampler(corpus.one_hot(), batch_size=8, seed=0)(8)
    assert batch.shape == (8, 32, corpus.vocab_size)
    assert torch.equal(batch.sum(-1), torch.ones(8, 32))


def _write_shards(root: Path, shards: dict[int, list[str]]) -> Path:
    folder = (
        root
        / "1-billion-word-language-modeling-benchmark-r13output"
        / "training-monolingual.tokenized.shuffled"
    )
    folder.mkdir(parents=True)
    for index, lines in shards.items():
        (folder / shard_name(index)).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return folder


def test_independent_character_baselines() -> None:
    """Lines of independent characters: with the corpus's frequencies their 1-gram JSD to the corpus
    is near 0 (sampling noise only: 20,480 draws) but their 2-gram JSD is far above real lines'; drawn
    uniformly, even their 1-gram JSD is large. Seeded: the same call gives the same lines."""
    corpus = text_corpus("sentences")
    lines = corpus.independent_lines(640, seed=3)
    assert lines.shape == (640, corpus.seq_len) and torch.equal(lines, corpus.independent_lines(640, seed=3))
    jsd = {f: ngram_jsds(corpus.independent_lines(640, 0, f), corpus.indices, corpus.vocab_size, (1, 2))
           for f in ("corpus", "uniform")}  # fmt: skip
    real = ngram_jsds(corpus.indices[:640], corpus.indices, corpus.vocab_size, (1, 2))
    assert jsd["corpus"]["jsd1"] < 0.01 < 0.2 < jsd["uniform"]["jsd1"]
    assert jsd["corpus"]["jsd2"] > 0.1 > real["jsd2"]
    with pytest.raises(ParameterError, match="frequencies='zipf'"):
        corpus.independent_lines(4, 0, "zipf")


def test_billion_word_reads_shards_in_order(tmp_path: Path) -> None:
    _write_shards(tmp_path, {1: ["The cat sat .", "A dog ran ."], 2: ["Prices rose 3 % on Monday .", "x"]})
    corpus = text_corpus("billion_word", root=tmp_path, max_lines=3, seq_len=8)
    assert sorted(corpus.decode(corpus.indices)) == ["A dog ra", "Prices r", "The cat "]


def test_billion_word_missing_shards_say_how_to_get_them(tmp_path: Path) -> None:
    with pytest.raises(DatasetMissingError, match=r"statmt.org.*news.en-00001-of-00100"):
        text_corpus("billion_word", root=tmp_path)
    _write_shards(tmp_path, {1: ["one line ."]})
    with pytest.raises(DatasetMissingError, match=r"news.en-00002-of-00100 after 1 lines \(max_lines=5\)"):
        text_corpus("billion_word", root=tmp_path, max_lines=5)


def test_unknown_text_dataset_is_refused() -> None:
    with pytest.raises(ParameterError, match="dataset='wikitext'"):
        text_corpus("wikitext")


# ---------------------------------------------------------------- networks
def test_text_networks_shapes_and_softmax() -> None:
    generator, critic = TextGenerator(30, dim=16, seq_len=32), TextCritic(30, dim=16, seq_len=32)
    fake = generator(torch.randn(5, 128))
    assert fake.shape == (5, 32, 30)
    torch.testing.assert_close(fake.sum(-1), torch.ones(5, 32))
    assert critic(fake).shape == (5, 1)


def test_text_networks_have_the_official_parameter_counts() -> None:
    """DIM=512, SEQ_LEN=32: linear 128 -> 512*32, five blocks of two kernel-5 convs, and the heads."""
    vocab, dim, seq = 70, 512, 32
    blocks = 5 * 2 * (dim * dim * 5 + dim)
    generator = TextGenerator(vocab)
    critic = TextCritic(vocab)
    assert (
        sum(p.numel() for p in generator.parameters())
        == 128 * dim * seq + dim * seq + blocks + dim * vocab + vocab
    )
    assert sum(p.numel() for p in critic.parameters()) == vocab * dim + dim + blocks + dim * seq + 1


def test_residual_blocks_scale_by_0_3() -> None:
    critic = TextCritic(4, dim=3, seq_len=5)
    block = critic.blocks[0]
    x = torch.randn(2, 3, 5)
    residual = block.residual(x)
    torch.testing.assert_close(block(x), x + 0.3 * residual)


def test_gradient_penalty_between_one_hot_and_softmax_lines() -> None:
    corpus = text_corpus("sentences", max_lines=16)
    real = torch.stack([corpus.one_hot()[i][0] for i in range(16)])
    fake = TextGenerator(corpus.vocab_size, dim=8)(torch.randn(16, 128))
    penalty = GradientPenalty(10.0).penalty(TextCritic(corpus.vocab_size, dim=8), real, fake.detach())
    assert penalty.ndim == 0 and torch.isfinite(penalty) and penalty > 0


# ---------------------------------------------------------------- training
def test_run_text_records_the_jsds() -> None:
    result = run_text(
        steps=2,
        seed=0,
        dim=8,
        max_lines=100,
        batch_size=8,
        n_critic=1,
        eval_every=2,
        eval_samples=50,
        jsd_orders=(1, 4),
        regularizer=GradientPenalty(10.0),
    )
    assert list(result.evals["step"]) == [0, 2]
    assert set(result.evals.columns) == {"step", "wall", "jsd1", "jsd4"}
    assert ((result.evals["jsd1"] >= 0) & (result.evals["jsd4"] <= 1)).all()
    assert result.generator(torch.zeros(3, 128)).shape == (
        3,
        32,
        text_corpus("sentences", max_lines=100).vocab_size,
    )


def test_text_run_resumes_exactly(tmp_path: Path) -> None:
    """A language run stopped at a checkpoint and resumed ends with the weights of an uninterrupted run."""
    common = dict(seed=1, dim=4, max_lines=64, batch_size=8, n_critic=2, eval_every=2, eval_samples=16)
    common |= dict(regularizer=GradientPenalty(10.0), checkpoint_every=2)
    straight = text_trainer(run_dir=tmp_path / "a", **common).train(4)
    text_trainer(run_dir=tmp_path / "b", **common).train(2)
    resumed = text_trainer(run_dir=tmp_path / "b", **common).train(4, resume=True)
    for a, b in zip(straight.generator.parameters(), resumed.generator.parameters(), strict=True):
        assert torch.equal(a, b)
    assert straight.evals.columns == resumed.evals.columns | {"wall": straight.evals.columns["wall"]}


def test_the_batch_norm_generator_is_the_official_fogan_one() -> None:
    """gan_language_JSD.py with --batch_norm_g: 13 batch norms (noise, linear output, two per block),
    none with a trained scale or shift, each block's after its convolutions; on a (n, dim, seq_len)
    map the statistics are per position, over the batch and the channels (TensorFlow's last axis)."""
    generator = TextGenerator(30, dim=6, seq_len=8, batch_norm=True)
    norms = [m for m in generator.modules() if isinstance(m, torch.nn.BatchNorm1d)]
    assert len(norms) == 12 and not any(m.affine for m in norms)
    plain = TextGenerator(30, dim=6, seq_len=8)
    assert sum(p.numel() for p in generator.parameters()) == sum(p.numel() for p in plain.parameters())
    assert [type(m).__name__ for m in generator.blocks[0].residual] == [
        "ReLU", "Conv1d", "PositionNorm", "ReLU", "Conv1d", "PositionNorm"
    ]  # fmt: skip
    norm = generator.blocks[0].residual[2]
    out = norm(torch.randn(16, 6, 8) * 3 + torch.arange(8.0))
    torch.testing.assert_close(out.mean(dim=(0, 1)), torch.zeros(8), atol=1e-5, rtol=0)
    torch.testing.assert_close(out.var(dim=(0, 1), unbiased=False), torch.ones(8), atol=1e-3, rtol=0)


def test_a_batch_norm_language_run_is_evaluated_with_the_moving_averages() -> None:
    """As the official FOGAN code samples (train=False): the recorded JSDs are those of the generator
    in eval mode, whatever the batch, and training resumes in training mode."""
    trainer = text_trainer(seed=0, dim=4, batch_norm=True, eval_samples=20, jsd_orders=(1,), n_critic=1)
    trainer.train(3)
    assert trainer.generator.training
    trainer.generator.eval()
    with torch.no_grad():
        lines = trainer.generator(torch.randn(20, 128, generator=torch.Generator().manual_seed(0))).argmax(-1)
    trainer.generator.train()
    assert (
        trainer.evaluate(trainer)["jsd1"]
        == NgramReference(
            text_corpus("sentences", seed=0).indices, text_corpus("sentences", seed=0).vocab_size, (1,)
        ).jsds(lines)["jsd1"]
    )
