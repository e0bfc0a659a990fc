"""The shared figures (paperlib.chapter.plotting): the message shown in place of a figure not drawn."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from paperlib.chapter.plotting import plot_message

# not re-run on PyTorch's portable kernels by .ci/run: floats compared only by exact equality of the
# same operations in the same order, never with a tolerance or a threshold (pyproject.toml's marker)
pytestmark = pytest.mark.kernel_independent


def test_a_message_is_its_one_line_on_bare_axes() -> None:
    fig, ax = plt.subplots()
    assert plot_message(ax, "not run in this execution (experiments='toy')") is ax
    assert [t.get_text() for t in ax.texts] == ["not run in this execution (experiments='toy')"]
    assert not ax.axison and not ax.lines and not ax.collections and not ax.images
    plt.close(fig)
