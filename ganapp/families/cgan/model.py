"""Conditional DCGAN on MNIST (Mirza and Osindero, 2014; Radford et al., 2015), with a
projection discriminator (Miyato and Koyama, 2018).

The generator gets the label as a learned embedding concatenated to the noise; the
discriminator scores realism with a linear head plus the inner product of its features with
an embedding of the label, so it can only be fooled by a digit that looks like *that* digit.
Images: (B, 1, 28, 28) in [-1, 1].
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ...blocks import discriminator_trunk, generator_layers
from ...hub_model import HubModel


@dataclass(frozen=True)
class CGANConfig:
    z_dim: int = 64          # noise dimensions (the style)
    n_classes: int = 10      # digits
    embed_dim: int = 16      # label embedding concatenated to the noise
    g_width: int = 64        # generator filters at 14x14 (twice that at 7x7)
    d_width: int = 64        # discriminator filters at 14x14 (twice that at 7x7)


class CGANGenerator(HubModel):
    """(z: (B, z_dim), labels: (B,) int) -> (B, 1, 28, 28) in [-1, 1]."""
    config_class = CGANConfig


    def example_inputs(self, generator: torch.Generator) -> tuple:
        """Three valid inputs for `forward`, for the tests every model gets."""
        return torch.randn(3, self.config.z_dim, generator=generator), torch.tensor([0, 5, 9]) % self.config.n_classes

    def __init__(self, config: CGANConfig):
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(config.n_classes, config.embed_dim)
        self.project, self.net = generator_layers(config.z_dim + config.embed_dim, config.g_width)

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        h = self.project(torch.cat([z, self.embed(labels)], dim=1))  # (B, 2w*49)
        return self.net(h.view(len(z), -1, 7, 7))                     # (B, 1, 28, 28)


class CGANDiscriminator(nn.Module):
    """(images, labels) -> (B,) realism logits, projection-conditioned.

    Every layer is spectrally normalised (Miyato et al., 2018), as in the projection paper:
    without it the label term's inner product grows unchecked and the discriminator saturates
    within a few steps, leaving the generator no gradient.
    """

    def __init__(self, config: CGANConfig):
        super().__init__()
        sn = nn.utils.parametrizations.spectral_norm
        self.trunk = discriminator_trunk(config.d_width)                                     # (B, 256)
        self.linear = sn(nn.Linear(256, 1))
        self.label_embed = sn(nn.Embedding(config.n_classes, 256))

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        h = self.trunk(x)
        return self.linear(h).squeeze(1) + (self.label_embed(labels) * h).sum(1)
