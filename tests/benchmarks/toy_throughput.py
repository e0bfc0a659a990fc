"""Throughput of the paperlib trainer against a plain PyTorch loop on the official toy setup.

Not a test (pytest does not collect it): run ``.venv/bin/python tests/benchmarks/toy_throughput.py``.
Both run the WGAN-GP toy configuration of the official code (4-layer width-512 ReLU MLPs,
batch 256, 5 critic steps per generator step, two-sided penalty at lambda 0.1, Adam 1e-4,
betas (0.5, 0.9)) on the same data sampler, alternating in one process so that both see the same
machine state. The trainer must not be slower than the plain loop (ratio >= 0.95).
"""

from __future__ import annotations

import argparse
import time

import torch

from paperlib import GradientPenalty, OptimizerSpec, ToySampler, Trainer, toy_critic, toy_generator

BATCH, N_CRITIC, LAMBDA = 256, 5, 0.1


def plain_loop(
    generator: torch.nn.Module, critic: torch.nn.Module, data: ToySampler, iterations: int
) -> None:
    """WGAN-GP (Algorithm 1) written out directly, as a user would without paperlib."""
    opt_d = torch.optim.Adam(critic.parameters(), lr=1e-4, betas=(0.5, 0.9))
    opt_g = torch.optim.Adam(generator.parameters(), lr=1e-4, betas=(0.5, 0.9))
    for _ in range(iterations):
        for _ in range(N_CRITIC):
            real = data(BATCH)
            with torch.no_grad():
                fake = generator(torch.randn(BATCH, 2))
            eps = torch.rand(BATCH, 1)
            mixed = (eps * real + (1 - eps) * fake).requires_grad_(True)
            (grad,) = torch.autograd.grad(critic(mixed).sum(), mixed, create_graph=True)
            penalty = LAMBDA * ((grad.norm(dim=1) - 1) ** 2).mean()
            loss_d = critic(fake).mean() - critic(real).mean() + penalty
            opt_d.zero_grad()
            loss_d.backward()
            opt_d.step()
        loss_g = -critic(generator(torch.randn(BATCH, 2))).mean()
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=100, help="generator iterations per round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of each")
    args = parser.parse_args()
    torch.manual_seed(0)
    seconds = {"paperlib trainer": 0.0, "plain loop": 0.0}
    trainer = Trainer(
        toy_generator(),
        toy_critic(),
        ToySampler("8gaussians", 0),
        regularizer=GradientPenalty(LAMBDA),
        optimizer=OptimizerSpec("adam", 1e-4, (0.5, 0.9)),
        n_critic=N_CRITIC,
        batch_size=BATCH,
    )
    g, d, data = toy_generator(), toy_critic(), ToySampler("8gaussians", 1)
    trainer.train(5)  # warm-up of both
    plain_loop(g, d, data, 5)
    for _ in range(args.rounds):
        start = time.perf_counter()
        trainer.train(trainer.step + args.iterations)
        seconds["paperlib trainer"] += time.perf_counter() - start
        start = time.perf_counter()
        plain_loop(g, d, data, args.iterations)
        seconds["plain loop"] += time.perf_counter() - start
    total = args.iterations * args.rounds
    rates = {name: total / s for name, s in seconds.items()}
    for name, rate in rates.items():
        print(f"{name:17s} {rate:6.2f} generator iterations / s")
    print(f"ratio trainer / plain: {rates['paperlib trainer'] / rates['plain loop']:.3f} (must be >= 0.95)")


if __name__ == "__main__":
    main()
