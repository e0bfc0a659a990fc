"""Per-layer gradient norms and weight vectors of a critic (paperlib.analysis.diagnostics)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from paperlib.analysis.diagnostics import layer_gradient_norms, loss_quality_correlation, weights
from paperlib.methods.losses import OBJECTIVES
from paperlib.nets.mlp import MLP, toy_critic
from paperlib.training.trainer import History


def _manual_norms(critic: MLP, real: torch.Tensor, fake: torch.Tensor, objective: str) -> list[float]:
    """Independent forward by hand (tanh MLP): ||d loss / d h_k|| over real and fake activations together."""
    linears = [block[0] for block in critic.blocks]

    def forward(x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        hs = []
        h = x
        for lin in linears:
            h = torch.tanh(h @ lin.weight.T + lin.bias)
            hs.append(h)
        return h @ critic.head.weight.T + critic.head.bias, hs

    out_r, hs_r = forward(real)
    out_f, hs_f = forward(fake)
    loss = OBJECTIVES[objective].critic(out_r, out_f)
    grads = torch.autograd.grad(loss, hs_r + hs_f)
    n = len(linears)
    return [torch.sqrt(grads[k].pow(2).sum() + grads[k + n].pow(2).sum()).item() for k in range(n)]


@pytest.mark.parametrize("objective", ["wasserstein", "non_saturating"])
def test_layer_gradient_norms_match_manual_forward(objective: str) -> None:
    """Norms w.r.t. each hidden block's output equal those of an independent by-hand forward pass."""
    critic = MLP(2, 1, depth=5, width=12, activation="tanh").double()
    real = torch.randn(16, 2, dtype=torch.float64)
    fake = torch.randn(16, 2, dtype=torch.float64) * 0.5
    got = layer_gradient_norms(critic, list(critic.blocks), real, fake, objective)
    assert len(got) == len(critic.blocks) == 4
    expected = _manual_norms(critic, real, fake, objective)
    assert got == pytest.approx(expected, rel=1e-10)
    assert all(v > 0 for v in got)


def test_layer_gradient_norms_of_pre_activations() -> None:
    """With the Linear modules as layers, the norms are of d loss / d (W h + b), checked by hand."""
    critic = MLP(2, 1, depth=3, width=8, activation="tanh").double()
    real, fake = torch.randn(6, 2, dtype=torch.float64), torch.randn(6, 2, dtype=torch.float64)
    layers = [block[0] for block in critic.blocks] + [critic.head]
    got = layer_gradient_norms(critic, layers, real, fake)
    assert len(got) == 3
    # the head output is the critic output: d(mean f - mean r)/d out_i = +-1/n, so norm = sqrt(2 n / n^2)
    assert got[-1] == pytest.approx((2 / 6) ** 0.5, rel=1e-12)
    # last hidden pre-activation a = W1 tanh(W0 x + b0) + b1; d loss/d a = (d loss/d out) w_head tanh'(a)
    lin0, lin1 = layers[0], layers[1]
    with torch.no_grad():
        a_real = torch.tanh(real @ lin0.weight.T + lin0.bias) @ lin1.weight.T + lin1.bias
        a_fake = torch.tanh(fake @ lin0.weight.T + lin0.bias) @ lin1.weight.T + lin1.bias
    w = critic.head.weight.detach()[0]
    g_real = (-1 / 6) * w * (1 - torch.tanh(a_real) ** 2)
    g_fake = (1 / 6) * w * (1 - torch.tanh(a_fake) ** 2)
    assert got[1] == pytest.approx(torch.sqrt(g_real.pow(2).sum() + g_fake.pow(2).sum()).item(), rel=1e-10)


def test_layer_gradient_norms_leave_no_state() -> None:
    """Afterwards the critic has no gradients and no hooks, so repeated calls agree."""
    critic = toy_critic(width=8)
    real, fake = torch.randn(5, 2), torch.randn(5, 2)
    first = layer_gradient_norms(critic, list(critic.blocks), real, fake)
    assert all(p.grad is None for p in critic.parameters())
    assert all(not block._forward_hooks for block in critic.blocks)
    assert layer_gradient_norms(critic, list(critic.blocks), real, fake) == first


def test_weights_only_matrices() -> None:
    """weights() concatenates the Linear weight matrices only: no biases, no LayerNorm gains."""
    critic = toy_critic(depth=4, width=10, norm="layer")
    w = weights(critic)
    linears = [m for m in critic.modules() if isinstance(m, nn.Linear)]
    assert w.dim() == 1
    assert w.numel() == sum(m.weight.numel() for m in linears) == 2 * 10 + 10 * 10 * 2 + 10
    torch.testing.assert_close(w, torch.cat([m.weight.detach().flatten() for m in linears]))
    assert not w.requires_grad


def test_weights_include_conv_kernels() -> None:
    """Conv kernels (4-D) count as weights; their biases do not."""
    net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(), nn.Linear(4, 1))
    assert weights(net).numel() == 4 * 3 * 3 * 3 + 4


def test_loss_quality_correlation_ranks_the_loss_against_the_distance() -> None:
    """A negative critic loss that falls as the distance falls gives 1, one that rises gives -1; the
    untrained networks' first evaluation is left out, and each point averages the window before it."""
    log = History()
    for step in range(1, 41):
        log.append({"step": step, "loss_d": -(100.0 - step)})  # negative loss 99, 98, ...
    falling, rising = History(), History()
    for step in (0, 10, 20, 30, 40):
        falling.append({"step": step, "fd": 1000.0 - 5 * step + (500 if step == 0 else 0)})
        rising.append({"step": step, "fd": 10.0 + step})
    assert loss_quality_correlation(log, falling, "fd") == pytest.approx(1.0)
    assert loss_quality_correlation(log, rising, "fd") == pytest.approx(-1.0)
