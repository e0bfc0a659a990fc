"""Optimisers (paperlib.training.optimizers): TF1's RMSProp against its update rule, the spec's choices."""

from __future__ import annotations

import pytest
import torch

from paperlib.config import ParameterError
from paperlib.training.optimizers import OptimizerSpec, TF1RMSprop


def _steps(optimizer: torch.optim.Optimizer, x: torch.Tensor, slope: torch.Tensor, k: int) -> None:
    """k steps on the loss sum(slope * x), whose gradient is `slope` everywhere."""
    for _ in range(k):
        optimizer.zero_grad()
        (slope * x).sum().backward()
        optimizer.step()


def test_tf1_rmsprop_follows_the_tf1_update_rule() -> None:
    """ms starts at 1 and decays by 0.9 towards g^2; each step is lr g / sqrt(ms + 1e-10). Float64,
    against the rule written out; the two orders of operations differ by rounding only (1e-15)."""
    slope = torch.tensor([1e-3, -0.5, 2.0], dtype=torch.float64)
    x = torch.tensor([0.3, -0.1, 0.7], dtype=torch.float64, requires_grad=True)
    expected, ms = x.detach().clone(), torch.ones(3, dtype=torch.float64)
    optimizer = TF1RMSprop([x], lr=0.01)
    for _ in range(3):
        _steps(optimizer, x, slope, 1)
        ms = 0.9 * ms + 0.1 * slope**2
        expected = expected - 0.01 * slope / torch.sqrt(ms + 1e-10)
        torch.testing.assert_close(x.detach(), expected, rtol=1e-13, atol=1e-15)


def test_first_steps_differ_from_pytorch_rmsprop_on_small_gradients() -> None:
    """With a clipped critic's small gradients TF1's first step is about lr * g / sqrt(0.9), PyTorch's
    about 10 lr (its mean square starts at 0 with decay 0.99): the difference the official runs had."""
    slope = torch.full((4,), 1e-3)
    steps = {}
    for name in ("rmsprop_tf1", "rmsprop"):
        x = torch.zeros(4, requires_grad=True)
        _steps(OptimizerSpec(name, lr=5e-5).build([x]), x, slope, 1)
        steps[name] = -x.detach()
    torch.testing.assert_close(steps["rmsprop_tf1"], 5e-5 * slope / (0.9 + 0.1 * slope**2).sqrt())
    torch.testing.assert_close(steps["rmsprop"], 5e-5 * slope / (0.1 * slope + 1e-8))  # about 10 lr
    assert (steps["rmsprop"] > 9 * 5e-5).all() and (steps["rmsprop_tf1"] < 2 * 5e-5 * slope).all()


def test_tf1_rmsprop_resumes_from_its_state_dict_exactly() -> None:
    """Two steps, a state_dict round trip into a new optimiser, two more: the same operations in the
    same order as four uninterrupted steps, so the same bits."""
    slope = torch.tensor([0.2, -3.0])
    straight = torch.tensor([1.0, 2.0], requires_grad=True)
    _steps(TF1RMSprop([straight], lr=1e-3), straight, slope, 4)
    resumed = torch.tensor([1.0, 2.0], requires_grad=True)
    first = TF1RMSprop([resumed], lr=1e-3)
    _steps(first, resumed, slope, 2)
    second = TF1RMSprop([resumed], lr=1e-3)
    second.load_state_dict(first.state_dict())
    _steps(second, resumed, slope, 2)
    assert torch.equal(straight, resumed)


def test_spec_builds_each_optimizer_and_weight_decay_enters_the_gradient() -> None:
    x = torch.ones(2, requires_grad=True)
    assert isinstance(OptimizerSpec("adam").build([x]), torch.optim.Adam)
    assert isinstance(OptimizerSpec("rmsprop").build([x]), torch.optim.RMSprop)
    decayed = OptimizerSpec("rmsprop_tf1", lr=0.1, weight_decay=0.5).build([x])
    assert isinstance(decayed, TF1RMSprop)
    _steps(decayed, x, torch.zeros(2), 1)  # gradient 0 + 0.5 * x = 0.5
    torch.testing.assert_close(x.detach(), torch.full((2,), 1 - 0.1 * 0.5 / (0.9 + 0.1 * 0.25) ** 0.5))


@pytest.mark.parametrize(
    "kwargs, phrase",
    [({"lr": 0.0}, "lr=0.0"), ({"lr": 1e-3, "decay": 1.0}, "decay=1.0"), ({"lr": 1e-3, "eps": -1.0}, "eps")],
)
def test_tf1_rmsprop_refuses_bad_settings(kwargs: dict, phrase: str) -> None:
    with pytest.raises(ParameterError, match=phrase):
        TF1RMSprop([torch.zeros(1, requires_grad=True)], **kwargs)


def test_spec_names_the_choices_when_refusing_one() -> None:
    with pytest.raises(ParameterError, match="rmsprop_tf1"):
        OptimizerSpec("sgd")
