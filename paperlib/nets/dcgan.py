"""DCGAN generators and critics for 28x28, 32x32, 48x48 and 64x64 images, as in the official WGAN-GP code.

``size=32`` is the network of ``gan_cifar.py`` (the CIFAR-10 DCGAN of WGAN-GP section 5.3, width
``dim=128``). ``size=28`` is that of ``gan_mnist.py`` (``dim=64``; Figure 5b): the same layers on
MNIST's 28x28 images, the generator's 8x8 map cropped to its first 7x7 after the first deconv, the
critic's 7x7 map halved to 4x4 (TensorFlow's ``"SAME"`` rounds up). ``size=64`` is ``DCGANGenerator`` /
``DCGANDiscriminator`` of ``gan_64x64.py`` (the LSUN bedrooms baseline of section 5.2). ``size=48`` is
the 32x32 network started at 6x6 instead of 4x4, for the 48x48 STL-10 experiments of the gradient
layer paper (Nitanda & Suzuki 2018).

=====  =======  ==============================================  ==========================================
size   start    generator channels (5x5 stride-2 deconvs)       critic channels (5x5 stride-2 convs)
=====  =======  ==============================================  ==========================================
28     4x4      4dim -> 2dim -> dim -> c   (4, 8 > 7, 14, 28)   c -> dim -> 2dim -> 4dim  (14, 7, 4)
32     4x4      4dim -> 2dim -> dim -> c   (4, 8, 16, 32)       c -> dim -> 2dim -> 4dim  (16, 8, 4)
48     6x6      4dim -> 2dim -> dim -> c   (6, 12, 24, 48)      c -> dim -> 2dim -> 4dim  (24, 12, 6)
64     4x4      8dim -> 4dim -> 2dim -> dim -> c                c -> dim -> 2dim -> 4dim -> 8dim
=====  =======  ==============================================  ==========================================

The generator maps ``noise_dim`` Gaussian noise through a linear layer to ``top x start x start``
(``top`` the widest channel count), then batch norm and the activation after every layer but the
last, which ends in ``tanh`` (images in [-1, 1]) or, with ``output="sigmoid"``, in a sigmoid (images
in [0, 1], as ``gan_mnist.py``). Where the first batch norm sits follows the official code: on the
``top * start * start`` features of the linear layer (one scale and shift per feature, tflib's
``Batchnorm`` over axis 0) in ``gan_cifar.py`` and ``gan_mnist.py``, per channel after the reshape in
``gan_64x64.py``. The critic ends in a linear layer on the flattened ``top x start x start`` map.

Deeper variants (WGAN-GP Table 1 varies the depth of both networks over 4, 8, 12 and 20 layers,
starting from this architecture, whose 32x32 networks have 4): ``extra_layers`` adds that many 3x3
stride-1 convolutions (same width, each followed by the network's normalisation and activation),
dealt out in turn to the resolutions, from the smallest map up in the generator and from the first
downsampling on in the critic. The paper does not say how its deeper networks were built; this
placement is our choice.

Padding: TensorFlow's ``"SAME"`` transposed conv with stride 2 exactly doubles the size, which is
``padding=2, output_padding=1`` for a 5x5 kernel; a 5x5 stride-2 ``"SAME"`` conv halves an even size,
which is ``padding=2`` (TensorFlow pads 1 before and 2 after, PyTorch 2 on each side: same shapes
and parameter counts, a one-pixel shift of the sampling grid). Weights start as the official
``tflib`` layers' (:func:`~paperlib.nets.layers.tflib_init_`: He's in every conv and deconv,
Glorot's in the linear layers, zero biases).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from paperlib.config import ParameterError, check_bool, check_choice, check_int
from paperlib.nets.layers import FullPrecisionLinear, tflib_init_
from paperlib.nets.mlp import ACTIVATIONS, NORMS

SIZES = (28, 32, 48, 64)
OUTPUTS: dict[str, type[nn.Module]] = {"tanh": nn.Tanh, "sigmoid": nn.Sigmoid}
CHANNELS = (1, 3)
BATCH_NORM_PENALTY_MESSAGE = (
    "batch norm in a critic trained with a gradient penalty couples the samples of a batch; "
    "use norm='layer' (WGAN-GP section 4)"
)


def _layout(size: int, dim: int) -> tuple[int, list[int]]:
    """Spatial size of the smallest map and the channel counts from it up to ``dim``."""
    start, n_resample = {28: (4, 3), 32: (4, 3), 48: (6, 3), 64: (4, 4)}[size]
    return start, [dim * 2**k for k in reversed(range(n_resample))]


def _check_common(size: int, channels: int, dim: int) -> None:
    check_choice("size", size, SIZES)
    check_choice("channels", channels, CHANNELS)
    check_int("dim", dim, 1)


def base_depth(size: int) -> int:
    """Layers with weights of the networks without ``extra_layers``: the resampling convolutions and
    the linear layer (4 at 28x28, 32x32 and 48x48, 5 at 64x64)."""
    return _layout(check_choice("size", size, SIZES), 1)[1].__len__() + 1


def _extra_counts(extra_layers: int, stages: int) -> list[int]:
    """``extra_layers`` dealt out in turn to ``stages`` stages."""
    check_int("extra_layers", extra_layers)
    return [extra_layers // stages + (k < extra_layers % stages) for k in range(stages)]


def _extra(
    count: int, width: int, norm: Callable[[int], list[nn.Module]], activation: str
) -> list[nn.Module]:
    """``count`` 3x3 stride-1 convolutions of ``width`` channels, each followed by ``norm(width)`` and
    the activation."""
    layers: list[nn.Module] = []
    for _ in range(count):
        layers += [nn.Conv2d(width, width, 3, padding=1), *norm(width), ACTIVATIONS[activation]()]
    return layers


def _norm(kind: str) -> Callable[[int], list[nn.Module]]:
    """The normalisation layers after a conv of ``width`` channels: ``"batch"``, ``"layer"`` or ``"none"``."""
    return {
        "batch": lambda width: [nn.BatchNorm2d(width)],
        "layer": lambda width: [nn.GroupNorm(1, width)],
        "none": lambda width: [],
    }[kind]


def _deconv(c_in: int, c_out: int) -> nn.ConvTranspose2d:
    """5x5 stride-2 transposed conv that exactly doubles the spatial size (TensorFlow ``"SAME"``)."""
    return nn.ConvTranspose2d(c_in, c_out, 5, stride=2, padding=2, output_padding=1)


class DCGANGenerator(nn.Module):
    """Noise ``(n, noise_dim)`` to images ``(n, channels, size, size)``.

    ``self.project`` is the linear layer (with its batch norm and activation) up to the reshaped
    ``start x start`` map, ``self.blocks`` the upsampling blocks (deconv, batch norm, activation; at
    ``size=28`` the first ends in the crop to 7x7), ``self.head`` the last deconv and ``output``
    (``"tanh"``: images in [-1, 1]; ``"sigmoid"``: in [0, 1]). ``batch_norm=False`` drops every batch
    norm (WGAN-GP Table 1 varies it; ``gan_mnist.py`` has none with the penalty); ``activation`` is one
    of ``paperlib.nets.mlp.ACTIVATIONS``; ``extra_layers`` deepens the network (see the module).
    """

    def __init__(
        self,
        size: int = 32,
        channels: int = 3,
        dim: int = 128,
        noise_dim: int = 128,
        batch_norm: bool = True,
        activation: str = "relu",
        extra_layers: int = 0,
        output: str = "tanh",
    ) -> None:
        super().__init__()
        _check_common(size, channels, dim)
        check_int("noise_dim", noise_dim, 1)
        check_choice("output", output, OUTPUTS)
        check_bool("batch_norm", batch_norm)
        check_choice("activation", activation, ACTIVATIONS)
        self.size, self.channels, self.noise_dim = size, channels, noise_dim
        start, widths = _layout(size, dim)
        features = widths[0] * start * start
        project: list[nn.Module] = [nn.Linear(noise_dim, features)]
        if size == 64:  # gan_64x64.py: reshape, then batch norm per channel
            project.append(nn.Unflatten(1, (widths[0], start, start)))
            if batch_norm:
                project.append(nn.BatchNorm2d(widths[0]))
            project.append(ACTIVATIONS[activation]())
        else:  # gan_cifar.py: batch norm per feature of the linear output, then reshape
            if batch_norm:
                project.append(nn.BatchNorm1d(features))
            project += [ACTIVATIONS[activation](), nn.Unflatten(1, (widths[0], start, start))]
        extra = _extra_counts(extra_layers, len(widths))
        norm = _norm("batch" if batch_norm else "none")
        self.project = nn.Sequential(*project, *_extra(extra[0], widths[0], norm, activation))
        blocks = []
        for k, (c_in, c_out) in enumerate(zip(widths[:-1], widths[1:], strict=True)):
            layers: list[nn.Module] = [_deconv(c_in, c_out), *norm(c_out), ACTIVATIONS[activation]()]
            if size == 28 and k == 0:  # gan_mnist.py: output[:, :, :7, :7]
                layers.append(nn.ZeroPad2d((0, -1, 0, -1)))
            blocks.append(nn.Sequential(*layers, *_extra(extra[k + 1], c_out, norm, activation)))
        self.blocks = nn.ModuleList(blocks)
        self.head = nn.Sequential(_deconv(widths[-1], channels), OUTPUTS[output]())
        tflib_init_(self)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        x = self.project(z)
        for block in self.blocks:
            x = block(x)
        return self.head(x)


class DCGANCritic(nn.Module):
    """Images ``(n, channels, size, size)`` to scores ``(n, 1)``.

    ``self.blocks`` are the downsampling blocks (conv, optional norm, activation), ``self.head`` the
    flatten and linear layer. ``norm`` normalises every conv output but the first, where the official
    code puts its ``Normalize`` (``gan_64x64.py``; the batch norm of ``gan_cifar.py`` outside
    WGAN-GP mode):

    * ``"none"`` (default): no normalisation, the WGAN-GP critic;
    * ``"layer"``: ``nn.GroupNorm(1, C)``, i.e. statistics of each sample over (C, H, W) with one
      scale and shift per channel. This is tflib's ``Layernorm`` over axes [1, 2, 3] that the official
      code uses with a gradient penalty; ``nn.LayerNorm([C, H, W])`` has the same statistics but a
      scale and shift per element (2 C H W parameters) and needs the spatial size;
    * ``"batch"``: ``nn.BatchNorm2d``, only with ``for_penalty=False``. Batch statistics make a
      sample's score depend on the rest of its batch, so the per-sample gradient that a penalty
      constrains is not defined (WGAN-GP section 4); the standard-GAN critics of the random
      architectures of Table 1 need it.

    ``extra_layers`` deepens the network (see the module); those layers are normalised too.
    """

    def __init__(
        self,
        size: int = 32,
        channels: int = 3,
        dim: int = 128,
        norm: str = "none",
        activation: str = "leaky_relu",
        for_penalty: bool = True,
        extra_layers: int = 0,
    ) -> None:
        super().__init__()
        _check_common(size, channels, dim)
        check_choice("norm", norm, NORMS)
        check_choice("activation", activation, ACTIVATIONS)
        check_bool("for_penalty", for_penalty)
        if norm == "batch" and for_penalty:
            raise ParameterError(BATCH_NORM_PENALTY_MESSAGE)
        self.size, self.channels = size, channels
        start, widths = _layout(size, dim)
        widths = widths[::-1]
        extra = _extra_counts(extra_layers, len(widths))
        norm_layers = _norm(norm)
        blocks = []
        for k, (c_in, c_out) in enumerate(zip([channels] + widths[:-1], widths, strict=True)):
            layers: list[nn.Module] = [nn.Conv2d(c_in, c_out, 5, stride=2, padding=2)]
            layers += norm_layers(c_out) if k > 0 else []
            layers.append(ACTIVATIONS[activation]())
            blocks.append(nn.Sequential(*layers, *_extra(extra[k], c_out, norm_layers, activation)))
        self.blocks = nn.ModuleList(blocks)
        self.head = nn.Sequential(nn.Flatten(), FullPrecisionLinear(widths[-1] * start * start, 1))
        tflib_init_(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self.blocks:
            x = block(x)
        return self.head(x)
