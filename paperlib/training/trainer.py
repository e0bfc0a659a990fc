"""One trainer for every method of the book (design: objective x critic regularizer x ...).

A generator iteration is ``n_critic`` critic steps followed by ``generator_steps`` generator steps
(WGAN-GP Algorithm 1). The trainer keeps a columnar history of losses, the critic's estimate of
W1 (``E[D(real)] - E[D(fake)]``) and the wall clock spent training; evaluates every ``eval_every``
iterations; and writes a checkpoint (models, optimisers, RNG states, data-sampler state, history)
atomically every ``checkpoint_every`` iterations, from which ``train(..., resume=True)`` continues
exactly where an uninterrupted run would be.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import math
import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import torch
from filelock import FileLock, Timeout
from torch import nn
from tqdm import tqdm

from paperlib.config import ParameterError, check_bool, check_choice, check_float, check_int
from paperlib.methods.losses import OBJECTIVES
from paperlib.methods.penalties import Measure, Regularizer, is_measure_object
from paperlib.training.atomic import keep_copy, write_bytes, write_text
from paperlib.training.optimizers import OptimizerSpec


class History:
    """A columnar record of rows with fixed keys: ``h["loss_d"]`` is a NumPy array, ``len(h)`` the rows.

    ``pandas.DataFrame(h.columns)`` turns it into a data frame.
    """

    def __init__(self, columns: dict[str, list[float]] | None = None) -> None:
        self.columns: dict[str, list[float]] = columns if columns is not None else {}

    def append(self, row: dict[str, float]) -> None:
        if self.columns and set(row) != set(self.columns):
            raise KeyError(f"row keys {sorted(row)} differ from history columns {sorted(self.columns)}")
        for key, value in row.items():
            self.columns.setdefault(key, []).append(float(value))

    def __getitem__(self, key: str) -> np.ndarray:
        return np.asarray(self.columns[key])

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()), []))

    def write_csv(self, path: str | os.PathLike) -> None:
        """Write all rows to ``path`` as CSV, atomically (:func:`paperlib.training.atomic.write_text`)."""
        text = io.StringIO(newline="")
        writer = csv.writer(text)
        writer.writerow(self.columns)
        writer.writerows(zip(*self.columns.values(), strict=True))
        write_text(path, text.getvalue())


def _differences(saved: Mapping[str, Any], now: Mapping[str, Any], prefix: str = "") -> list[str]:
    """``key: saved -> now`` for every differing entry (nested dicts by dotted key; of a network's
    ``repr``, the first differing line)."""
    found = []
    for key in dict.fromkeys([*saved, *now]):
        a, b = saved.get(key), now.get(key)
        if a == b:
            continue
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            found += _differences(a, b, f"{prefix}{key}.")
        elif isinstance(a, str) and isinstance(b, str) and "\n" in a + b:
            pairs = itertools.zip_longest(a.splitlines(), b.splitlines(), fillvalue="")
            line_a, line_b = next((x, y) for x, y in pairs if x != y)
            found.append(f"{prefix}{key}: {line_a.strip()!r} -> {line_b.strip()!r}")
        else:
            found.append(f"{prefix}{key}: {a!r} -> {b!r}")
    return found


class DivergedError(RuntimeError):
    """A loss or a parameter became NaN or infinite: the run diverged, and nothing from that
    iteration on is evaluated or saved."""


class CheckpointError(RuntimeError):
    """A checkpoint that cannot be used: truncated, damaged, or not a trainer's."""


CHECKSUM_HEADER = b"paperlib checkpoint sha256="
PREVIOUS_SUFFIX = ".prev"


def _checkpoint_bytes(state: dict[str, Any]) -> bytes:
    """A checkpoint file: a header with the SHA-256 of the payload, then the payload (``torch.save``).
    torch's zip format does not verify its CRCs on load, so a flipped bit would load silently."""
    buffer = io.BytesIO()
    torch.save(state, buffer)
    payload = buffer.getvalue()
    return CHECKSUM_HEADER + hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n" + payload


def _verified_state(path: Path) -> dict[str, Any]:
    """The trainer state in the checkpoint ``path``; :class:`CheckpointError` saying what is wrong."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CheckpointError(f"{path} cannot be read ({error})") from error
    digest_end = len(CHECKSUM_HEADER) + 64
    if not data.startswith(CHECKSUM_HEADER) or data[digest_end : digest_end + 1] != b"\n":
        what = "is empty" if not data else "does not start with a paperlib checkpoint header"
        raise CheckpointError(f"{path} {what}: it is damaged or not a checkpoint of this trainer")
    payload = data[digest_end + 1 :]
    if hashlib.sha256(payload).hexdigest().encode("ascii") != data[len(CHECKSUM_HEADER) : digest_end]:
        raise CheckpointError(f"{path} is damaged: its content does not match its checksum")
    try:
        state = torch.load(io.BytesIO(payload), map_location="cpu", weights_only=False)  # RNG states on CPU
    except Exception as error:  # a payload that verifies but does not unpickle was written by other code
        raise CheckpointError(f"{path} cannot be unpickled ({type(error).__name__}: {error})") from error
    if not isinstance(state, dict) or not {"step", "config", "generator", "critic"} <= set(state):
        raise CheckpointError(f"{path} holds no trainer state")
    return state


def holds_checkpoint(run_dir: str | os.PathLike) -> bool:
    """Whether the run folder ``run_dir`` holds a checkpoint, or only the previous one (``.prev``)."""
    path = Path(run_dir) / Trainer.CHECKPOINT
    return path.exists() or path.with_name(path.name + PREVIOUS_SUFFIX).exists()


def read_checkpoint(path: str | os.PathLike) -> dict[str, Any]:
    """The trainer state saved in the checkpoint ``path``, verified against its checksum.

    A checkpoint that cannot be used raises :class:`CheckpointError`, which names the file, says
    what is wrong and whether the previous checkpoint (``<path>.prev``, the one before the last
    save) is intact, with the command that puts it in place.
    """
    path = Path(path)
    try:
        return _verified_state(path)
    except CheckpointError as error:
        previous = path.with_name(path.name + PREVIOUS_SUFFIX)
        try:
            step = _verified_state(previous)["step"]
        except CheckpointError:
            hint = f"there is no intact previous checkpoint ({previous.name})"
        else:
            hint = (
                f"the previous checkpoint {previous} (generator iteration {step}) is intact: to resume "
                f"from it, run: mv {previous} {path}"
            )
        raise CheckpointError(f"{error}; {hint}") from error


def image_grid_png(images: torch.Tensor) -> bytes:
    """Images ``(N, C, H, W)`` in ``[-1, 1]`` as the bytes of a PNG file of one square grid, one
    pixel per image pixel (``torchvision.utils.save_image``): the form of a run's sample grids."""
    from torchvision.utils import save_image  # image runs only: torchvision is slow to import

    buffer = io.BytesIO()
    save_image(
        images.detach().float().cpu(),
        buffer,
        format="png",
        nrow=math.isqrt(len(images)) or 1,
        normalize=True,
        value_range=(-1, 1),
    )
    return buffer.getvalue()


def _rng_state() -> dict[str, Any]:
    state = {"torch": torch.get_rng_state(), "numpy": np.random.get_state(), "python": random.getstate()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _extra_states(module: nn.Module) -> list[tuple[nn.Module, Any]]:
    """The submodules of ``module`` that keep extra state (``get_extra_state``), each with that state."""
    return [
        (m, m.get_extra_state())
        for m in module.modules()
        if type(m).get_extra_state is not nn.Module.get_extra_state
    ]


def _set_rng_state(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    np.random.set_state(state["numpy"])
    random.setstate(state["python"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def _set_requires_grad(module: nn.Module, flag: bool) -> None:
    for p in module.parameters():
        p.requires_grad_(flag)


class Trainer:
    """Train ``generator`` against ``critic`` on batches from ``data`` (a callable ``n -> tensor``).

    ``generator_steps=0`` holds the generator fixed (the critic is trained to optimality against
    it, as in WGAN-GP Figure 1a). ``evaluate(trainer) -> dict`` is called every ``eval_every``
    iterations, starting with the untrained networks at iteration 0, and at the end of
    :meth:`train`; its results land in ``trainer.evals`` and, with a ``run_dir``, in ``metrics.csv``
    there, next to a PNG grid of ``grid_samples`` images from fixed noise (image generators only).

    ``optimizer`` trains both networks unless ``critic_optimizer`` is given for the critic (WGAN-GP
    appendix B adds weight decay to normalised critics only).

    Checkpoints go to ``run_dir`` every ``checkpoint_every`` generator iterations, and whenever
    ``checkpoint_minutes`` of wall clock have passed since the last one (checked after each
    iteration; for long runs, whose iterations vary in cost); when a checkpoint is written never
    changes the run.

    ``fake_points`` moves the generated side of both losses: a measure ``(real, fake) -> points``
    (e.g. :class:`paperlib.methods.penalties.NearFake`, the First Order GAN's Q'_theta) whose points the
    critic's loss, its regularizer and the generator's loss see in place of the generator's samples;
    each generator step then draws real batches of its own to move them by (as the official FOGAN
    code feeds one; ``generator_batch_multiple`` of them). Evaluations and sample grids still see
    the generator's own samples.

    Full-scale options: ``lr_decay_steps`` decays both learning rates linearly to 0 over that many
    generator iterations (the WGAN-GP CIFAR-10 ResNet, appendix F: 100k); each generator step uses
    ``generator_batch_multiple`` times the batch (the official ResNet code uses 2); ``amp`` runs
    the networks under bfloat16 autocast and ``channels_last`` stores image networks in NHWC
    order (both meant for CUDA; off by default).

    ``setup`` describes everything else that defines the run (data set and its options, seed,
    network settings, evaluation settings; the set-ups of :mod:`paperlib.setups` pass their
    arguments): a checkpoint resumes only under the same setup, networks (their ``repr``) and
    training configuration, and a mismatch is refused with the differing keys named. ``decoding``
    holds what turns the generator's outputs into the data's own form where ``setup`` alone does not
    (the text set-up: the corpus's characters); it is saved with every checkpoint for those who
    read a run's samples (:mod:`paperlib.samples`), and is not compared on resume: it follows from
    the setup.
    """

    CHECKPOINT = "checkpoint.pt"
    METRICS = "metrics.csv"
    LOCK = "run.lock"

    def __init__(
        self,
        generator: nn.Module,
        critic: nn.Module,
        data: Callable[[int], torch.Tensor],
        *,
        objective: str = "wasserstein",
        regularizer: Regularizer | None = None,
        fake_points: Measure | None = None,
        optimizer: OptimizerSpec = OptimizerSpec(),
        critic_optimizer: OptimizerSpec | None = None,
        n_critic: int = 5,
        generator_steps: int = 1,
        batch_size: int = 256,
        noise_shape: tuple[int, ...] = (2,),
        device: torch.device | str = "cpu",
        log_every: int = 1,
        evaluate: Callable[[Trainer], dict[str, float]] | None = None,
        eval_every: int = 0,
        run_dir: str | os.PathLike | None = None,
        checkpoint_every: int = 0,
        checkpoint_minutes: float = 0.0,
        grid_samples: int = 0,
        lr_decay_steps: int = 0,
        generator_batch_multiple: int = 1,
        amp: bool = False,
        channels_last: bool = False,
        setup: Mapping[str, Any] | None = None,
        decoding: Mapping[str, Any] | None = None,
    ) -> None:
        self.objective = OBJECTIVES[check_choice("objective", objective, OBJECTIVES)]
        self.regularizer = regularizer
        if fake_points is not None and not is_measure_object(fake_points):
            raise ParameterError(
                f"fake_points={fake_points!r} must be a measure object such as NearFake(0.01)"
            )
        self.fake_points = fake_points
        self.optimizer_spec = optimizer
        self.critic_optimizer_spec = critic_optimizer if critic_optimizer is not None else optimizer
        self.n_critic = check_int("n_critic", n_critic, 1)
        self.generator_steps = check_int("generator_steps", generator_steps, 0)
        self.batch_size = check_int("batch_size", batch_size, 1)
        self.noise_shape = tuple(noise_shape)
        self.log_every = check_int("log_every", log_every, 1)
        self.eval_every = check_int("eval_every", eval_every, 0)
        self.checkpoint_every = check_int("checkpoint_every", checkpoint_every, 0)
        self.checkpoint_minutes = check_float("checkpoint_minutes", checkpoint_minutes, 0.0)
        if (self.checkpoint_every or self.checkpoint_minutes) and run_dir is None:
            raise ParameterError(
                "checkpoint_every or checkpoint_minutes > 0 needs a run_dir to write checkpoints to"
            )
        self.grid_samples = check_int("grid_samples", grid_samples, 0)
        self.lr_decay_steps = check_int("lr_decay_steps", lr_decay_steps, 0)
        self.generator_batch_multiple = check_int("generator_batch_multiple", generator_batch_multiple, 1)
        self.amp = check_bool("amp", amp)
        self.device = torch.device(device)
        memory_format = (
            torch.channels_last if check_bool("channels_last", channels_last) else torch.preserve_format
        )
        self.generator = generator.to(self.device, memory_format=memory_format)
        self.critic = critic.to(self.device, memory_format=memory_format)
        self.data = data
        self.setup = dict(setup or {})
        self.decoding = dict(decoding) if decoding is not None else None
        self.evaluate = evaluate
        self.run_dir = Path(run_dir) if run_dir is not None else None
        self.opt_d = self.critic_optimizer_spec.build(self.critic.parameters())
        self.opt_g = optimizer.build(self.generator.parameters()) if self.generator_steps else None
        self.schedulers = [
            torch.optim.lr_scheduler.LambdaLR(opt, self.lr_factor)
            for opt in (self.opt_d, self.opt_g)
            if opt is not None and self.lr_decay_steps
        ]
        self.grid_noise = torch.randn(
            (self.grid_samples, *self.noise_shape), generator=torch.Generator().manual_seed(0)
        )
        self.step = 0
        self.wall = 0.0
        self.log = History()
        self.evals = History()

    # ---------------------------------------------------------------- one iteration
    def lr_factor(self, iteration: int) -> float:
        """Learning-rate multiplier at a generator iteration: ``max(0, 1 - iteration / lr_decay_steps)``."""
        return max(0.0, 1.0 - iteration / self.lr_decay_steps)

    def autocast(self) -> torch.autocast:
        """bfloat16 autocast on this trainer's device when ``amp`` is on, a no-op otherwise."""
        return torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.amp)

    def noise(self, n: int) -> torch.Tensor:
        """Latent batch ``z ~ N(0, I)`` of shape ``(n, *noise_shape)``."""
        return torch.randn((n, *self.noise_shape), device=self.device)

    def critic_loss(
        self, real: torch.Tensor, fake: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The critic's loss on a real and a generated batch (objective plus penalty), with the
        critic's outputs on both: ``(loss, D(real), D(fake))``. The outputs are cast to float32 before
        the objective, so that under ``amp`` the loss and the W estimate are not bfloat16 numbers.
        With a regularizer that needs ``gradient_at_fake``, ``fake`` is detached first (the critic
        step's generated batch carries no graph anyway): the loss is then not differentiable with
        respect to the generator."""
        if self.regularizer is not None and self.regularizer.gradient_at_fake:
            fake = fake.detach().requires_grad_(True)
        real_out, fake_out = self.critic(real).float(), self.critic(fake).float()
        loss = self.objective.critic(real_out, fake_out)
        penalty = (
            self.regularizer.penalty(self.critic, real, fake, (real_out, fake_out))
            if self.regularizer
            else None
        )
        return (loss if penalty is None else loss + penalty), real_out, fake_out

    def critic_step(self) -> dict[str, torch.Tensor]:
        """One critic update: objective on a real and a generated batch, plus the regularizer."""
        real = self.data(self.batch_size).to(self.device)
        with self.autocast():
            with torch.no_grad():
                fake = self.generator(self.noise(self.batch_size))
                if self.fake_points is not None:
                    fake = self.fake_points(real, fake)
            total, real_out, fake_out = self.critic_loss(real, fake)
        self.opt_d.zero_grad(set_to_none=True)
        total.backward()
        self.opt_d.step()
        if self.regularizer:
            self.regularizer.project(self.critic)
        w_est = real_out.detach().mean() - fake_out.detach().mean()
        return {"loss_d": total.detach(), "w_estimate": w_est}

    def generator_step(self) -> torch.Tensor:
        """One generator update; the critic's parameters are frozen meanwhile (no wasted gradients)."""
        _set_requires_grad(self.critic, False)
        n = self.batch_size * self.generator_batch_multiple
        with self.autocast():
            fake = self.generator(self.noise(n))
            if self.fake_points is not None:  # a real batch per generated one (samplers give batch_size)
                real = torch.cat([self.data(self.batch_size) for _ in range(self.generator_batch_multiple)])
                fake = self.fake_points(real.to(self.device), fake)
            loss = self.objective.generator(self.critic(fake).float())
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_g.step()
        _set_requires_grad(self.critic, True)
        return loss.detach()

    def iteration(self) -> dict[str, torch.Tensor]:
        """One generator iteration: ``n_critic`` critic steps, then ``generator_steps`` generator steps.

        Returns the last critic step's statistics and the last generator loss (NaN when fixed).
        """
        for _ in range(self.n_critic):
            stats = self.critic_step()
        stats["loss_g"] = torch.full((), float("nan"))
        for _ in range(self.generator_steps):
            stats["loss_g"] = self.generator_step()
        for scheduler in self.schedulers:
            scheduler.step()
        self.step += 1
        return stats

    # ---------------------------------------------------------------- the loop
    def train(self, steps: int, *, resume: bool = False, progress: bool = False) -> Trainer:
        """Train until ``steps`` generator iterations have been done in total.

        With ``resume=True`` an existing checkpoint in ``run_dir`` is loaded first (and none is fine:
        the run starts fresh). With ``resume=False`` an existing checkpoint is an error rather than
        something to overwrite.
        """
        check_int("steps", steps, 0)
        lock = self._lock_run_folder()
        try:
            return self._train(steps, resume, progress)
        finally:
            if lock is not None:
                lock.release()

    def _lock_run_folder(self) -> FileLock | None:
        """An exclusive lock on the run folder for the life of :meth:`train` (``run.lock`` there; the
        operating system releases it when the process ends, however it ends), so that a second
        process started on the same folder is refused instead of mixing its checkpoints in."""
        if self.run_dir is None:
            return None
        self.run_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.run_dir / self.LOCK, timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise RuntimeError(
                f"run folder {self.run_dir} is in use by another process (it holds {lock.lock_file}): "
                "wait for that run to end, or give this one another out_dir / run_dir"
            ) from None
        return lock

    def _train(self, steps: int, resume: bool, progress: bool) -> Trainer:
        path = self.checkpoint_path
        previous = None if path is None else path.with_name(path.name + PREVIOUS_SUFFIX)
        if previous is not None and previous.exists() and not path.exists():
            raise CheckpointError(
                f"{path} is missing but {previous} is there: the folder was changed by hand. To resume "
                f"from the previous checkpoint, run: mv {previous} {path}; to start afresh, remove "
                f"{previous} (nothing was trained or overwritten)"
            )
        if path is not None and path.exists():
            if not resume:
                raise FileExistsError(
                    f"{path} already holds a run; pass resume=True to continue it, "
                    "or choose another out_dir (nothing was overwritten)"
                )
            self.load(path)
            if self.step > steps:
                raise ParameterError(
                    f"{path} holds {self.step} generator iterations, more than steps={steps}: pass "
                    f"steps >= {self.step} to read it back or extend it, or use another out_dir"
                )
            self._drop_final_evaluation(steps)
        saved_at = self.step if path is not None and path.exists() else None  # what the file holds
        last_save = time.monotonic()
        if self.eval_every and self.step == 0 and not len(self.evals):
            self._evaluate()  # the untrained networks: learning curves start at iteration 0
        bar = tqdm(total=steps, initial=self.step, disable=not progress, desc="generator iterations")
        while self.step < steps:
            start = time.perf_counter()
            stats = self.iteration()
            self._check_finite(stats)
            if self.device.type == "cuda":  # kernels run asynchronously: time them, not their launch
                torch.cuda.synchronize(self.device)
            self.wall += time.perf_counter() - start
            if self.step % self.log_every == 0:
                self.log.append(
                    {"step": self.step, "wall": self.wall, **{k: v.item() for k, v in stats.items()}}
                )
            bar.update(1)
            evaluating = self.eval_every and self.step % self.eval_every == 0
            saving = bool(self.checkpoint_every and self.step % self.checkpoint_every == 0) or bool(
                self.checkpoint_minutes and time.monotonic() - last_save >= 60 * self.checkpoint_minutes
            )
            if evaluating or saving:
                self._check_parameters()
            if evaluating:
                self._evaluate()
            if saving:
                self.save(path)
                saved_at, last_save = self.step, time.monotonic()
        bar.close()
        self._check_parameters()
        closing = self.evaluate is not None and (not len(self.evals) or self.evals["step"][-1] != self.step)
        if closing:
            self._evaluate()
        checkpointing = self.checkpoint_every or self.checkpoint_minutes
        if path is not None and checkpointing and (saved_at != self.step or closing):
            self.save(path)  # once per state: a second save would make .prev a copy of it
        return self

    def _drop_final_evaluation(self, steps: int) -> None:
        """A finished run extended to more steps: its closing evaluation (at a step off the
        ``eval_every`` grid) is not one an uninterrupted run to ``steps`` would have, so it goes."""
        if (
            steps > self.step
            and len(self.evals)
            and self.evals["step"][-1] == self.step
            and not (self.eval_every and self.step % self.eval_every == 0)
        ):
            self.evals = History({k: v[:-1] for k, v in self.evals.columns.items()})
            if self.run_dir is not None:
                self.evals.write_csv(self.run_dir / self.METRICS)

    def _check_finite(self, stats: dict[str, torch.Tensor]) -> None:
        """Stop the run with :class:`DivergedError` if the iteration's critic or generator loss is
        NaN or infinite, before anything of it is logged, evaluated or saved (one device sync)."""
        losses = {"critic": stats["loss_d"]}
        if self.generator_steps:
            losses["generator"] = stats["loss_g"]
        values = torch.stack([v.float() for v in losses.values()]).tolist()
        for name, value in zip(losses, values, strict=True):
            if not math.isfinite(value):
                raise self._diverged(f"the {name} loss is {value}")

    def _check_parameters(self) -> None:
        """Before an evaluation or a save: the last updates of an iteration can overflow the weights
        although its losses were finite; such a state is never evaluated or saved."""
        for name, net in (("critic", self.critic), ("generator", self.generator)):
            params = [p.detach() for p in net.parameters()]
            if params and not torch.stack([torch.isfinite(p).all() for p in params]).all():
                raise self._diverged(f"the {name}'s parameters are not finite")

    def _diverged(self, what: str) -> DivergedError:
        where = f"run {self.run_dir}" if self.run_dir is not None else "the run"
        path = self.checkpoint_path
        kept = (
            f"; its last checkpoint, {path}, is kept as it was"
            if path is not None and path.exists()
            else "; it has no checkpoint"
        )
        return DivergedError(
            f"{where} diverged: {what} at generator iteration {self.step}. "
            f"Nothing from this iteration on was evaluated or saved{kept}"
        )

    def _evaluate(self) -> None:
        """Run ``evaluate`` without touching the training RNG streams (the global ones, and those a
        generator's modules keep as extra state, as DataPlusNoise does), so that evaluating (or not,
        or at other steps) never changes the training run itself."""
        if self.evaluate is not None:
            state, streams = _rng_state(), _extra_states(self.generator)
            try:
                self.evals.append({"step": self.step, "wall": self.wall, **self.evaluate(self)})
            finally:
                _set_rng_state(state)
                for module, extra in streams:
                    module.set_extra_state(extra)
        if self.run_dir is not None:
            self.run_dir.mkdir(parents=True, exist_ok=True)
            if len(self.evals):
                self.evals.write_csv(self.run_dir / self.METRICS)
            if self.grid_samples:
                self.save_grid(self.run_dir / f"samples_{self.step:07d}.png")

    @torch.no_grad()
    def save_grid(self, path: str | os.PathLike) -> None:
        """Save the images generated from the fixed grid noise as one PNG grid (:func:`image_grid_png`),
        atomically."""
        write_bytes(path, image_grid_png(self.generator(self.grid_noise.to(self.device))))

    @torch.no_grad()
    def sample(self, n: int) -> torch.Tensor:
        """``n`` generated samples (no gradient)."""
        return self.generator(self.noise(n))

    # ---------------------------------------------------------------- checkpoints
    @property
    def checkpoint_path(self) -> Path | None:
        return self.run_dir / self.CHECKPOINT if self.run_dir is not None else None

    def config(self) -> dict[str, Any]:
        """What must match for a checkpoint to be resumed by this trainer: the training configuration,
        the networks (their ``repr``: classes, layer sizes, activations) and the ``setup``
        (``fake_points`` only where it is set, so that checkpoints from before the option resume)."""
        return {
            "setup": self.setup,
            "generator": repr(self.generator),
            "critic": repr(self.critic),
            "objective": self.objective.name,
            "regularizer": repr(self.regularizer),
            "optimizer": asdict(self.optimizer_spec),
            "critic_optimizer": asdict(self.critic_optimizer_spec),
            "n_critic": self.n_critic,
            "generator_steps": self.generator_steps,
            "eval_every": self.eval_every,  # a history of one cadence, not two spliced together
            "log_every": self.log_every,
            "batch_size": self.batch_size,
            "noise_shape": self.noise_shape,
            "lr_decay_steps": self.lr_decay_steps,
            "generator_batch_multiple": self.generator_batch_multiple,
            "amp": self.amp,
        } | ({"fake_points": repr(self.fake_points)} if self.fake_points is not None else {})

    def state_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "wall": self.wall,
            "config": self.config(),
            "decoding": self.decoding,
            "generator": self.generator.state_dict(),
            "critic": self.critic.state_dict(),
            "opt_d": self.opt_d.state_dict(),
            "opt_g": self.opt_g.state_dict() if self.opt_g else None,
            "schedulers": [scheduler.state_dict() for scheduler in self.schedulers],
            "rng": _rng_state(),
            "data": self.data.state_dict() if hasattr(self.data, "state_dict") else None,
            "log": self.log.columns,
            "evals": self.evals.columns,
        }

    def save(self, path: str | os.PathLike) -> None:
        """Write a checkpoint with its checksum, atomically and durably (:mod:`paperlib.training.atomic`),
        keeping the checkpoint it replaces as ``<path>.prev``."""
        path = Path(path)
        data = _checkpoint_bytes(self.state_dict())
        if path.exists():
            keep_copy(path, path.with_name(path.name + PREVIOUS_SUFFIX))
        write_bytes(path, data)

    def load(self, path: str | os.PathLike) -> None:
        """Restore everything :meth:`save` wrote (:func:`read_checkpoint`); refuse a checkpoint of a
        differently configured run."""
        state = read_checkpoint(path)
        if state["config"] != self.config():
            raise ParameterError(
                f"checkpoint {path} was written by another run; it differs in "
                + "; ".join(_differences(state["config"], self.config()))
                + ". Resume it with the settings it was written with, or use another out_dir / run_dir"
            )
        self.generator.load_state_dict(state["generator"])
        self.critic.load_state_dict(state["critic"])
        self.opt_d.load_state_dict(state["opt_d"])
        if self.opt_g is not None:
            self.opt_g.load_state_dict(state["opt_g"])
        _set_rng_state(state["rng"])
        if state["data"] is not None:
            self.data.load_state_dict(state["data"])
        for scheduler, saved in zip(self.schedulers, state["schedulers"], strict=True):
            scheduler.load_state_dict(saved)
        self.step, self.wall = state["step"], state["wall"]
        self.log, self.evals = History(state["log"]), History(state["evals"])
        if self.run_dir is not None and len(self.evals):
            # a run killed after an evaluation but before its next checkpoint left later rows behind
            self.evals.write_csv(self.run_dir / self.METRICS)
