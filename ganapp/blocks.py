"""Network pieces that several MNIST families share, in one copy: the DCGAN generator body (the cGAN, text to digit,
InfoGAN, and the live trainer's and objectives' generators) and the spectrally normalised discriminator trunk (the
cGAN's and text to digit's projection discriminators).

A change here changes every checkpoint built on them: tests/test_shipped.py loads each shipped one strictly.
Images: (B, 1, 28, 28) in [-1, 1].
"""
from __future__ import annotations

from torch import nn


def generator_layers(in_dim: int, width: int) -> tuple[nn.Sequential, nn.Sequential]:
    """The DCGAN body: `project` (B, in_dim) -> (B, 2w*7*7), then `net` (B, 2w, 7, 7) -> (B, 1, 28, 28) in [-1, 1]
    (Radford et al., 2016: batch norm and ReLU inside, tanh out, no bias before a batch norm)."""
    w = width
    project = nn.Sequential(nn.Linear(in_dim, 2 * w * 7 * 7, bias=False), nn.BatchNorm1d(2 * w * 7 * 7), nn.ReLU(inplace=True))
    net = nn.Sequential(
        nn.ConvTranspose2d(2 * w, w, 4, 2, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU(inplace=True),  # 7 -> 14
        nn.ConvTranspose2d(w, 1, 4, 2, 1), nn.Tanh(),                                               # 14 -> 28
    )
    return project, net


def generator_stack(in_dim: int, width: int) -> list[nn.Module]:
    """The same body as one list of layers, for an nn.Sequential: project, unflatten to (2w, 7, 7), net."""
    project, net = generator_layers(in_dim, width)
    return [*project, nn.Unflatten(1, (2 * width, 7, 7)), *net]


def discriminator_trunk(width: int) -> nn.Sequential:
    """(B, 1, 28, 28) -> (B, 256) features, every layer spectrally normalised (Miyato et al., 2018)."""
    w, sn = width, nn.utils.parametrizations.spectral_norm
    return nn.Sequential(
        sn(nn.Conv2d(1, w, 4, 2, 1)), nn.LeakyReLU(0.2, inplace=True),                 # (B, w, 14, 14)
        sn(nn.Conv2d(w, 2 * w, 4, 2, 1)), nn.LeakyReLU(0.2, inplace=True),             # (B, 2w, 7, 7)
        nn.Flatten(), sn(nn.Linear(2 * w * 49, 256)), nn.LeakyReLU(0.2, inplace=True),  # (B, 256)
    )

