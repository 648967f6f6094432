"""The 2-D GAN's two small networks: G maps noise (1-D or 2-D) to a point of the plane, D maps a point to a score
(a logit for the probabilistic objectives, a critic's value for the WGANs) or, for EBGAN, reconstructs the point
and scores it by its reconstruction energy. Points: (B, 2); noise: (B, noise_dim)."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class GAN2DConfig:
    noise_dim: int = 2            # 1: G draws a curve through the plane; 2: a sheet
    noise: str = "gaussian"       # "gaussian" N(0, I) or "uniform" U(-1, 1)
    depth: int = 3                # hidden layers of each network
    width: int = 64               # units of each hidden layer
    energy_d: bool = False        # EBGAN: D is an autoencoder whose score is the reconstruction energy


def mlp(inputs: int, outputs: int, depth: int, width: int, activation: type[nn.Module]) -> nn.Sequential:
    layers, size = [], inputs
    for _ in range(depth):
        layers += [nn.Linear(size, width), activation()]
        size = width
    return nn.Sequential(*layers, nn.Linear(size, outputs))


class Generator(nn.Module):
    def __init__(self, config: GAN2DConfig):
        super().__init__()
        self.net = mlp(config.noise_dim, 2, config.depth, config.width, nn.ReLU)

    def forward(self, z: torch.Tensor) -> torch.Tensor:      # (B, noise_dim) -> (B, 2)
        return self.net(z)


class Discriminator(nn.Module):
    def __init__(self, config: GAN2DConfig):
        super().__init__()
        self.net = mlp(2, 1, config.depth, config.width, lambda: nn.LeakyReLU(0.2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:      # (B, 2) -> (B, 1) raw scores
        return self.net(x)


class EnergyDiscriminator(nn.Module):
    """EBGAN's D: an autoencoder through a bottleneck of one unit; the energy is the squared reconstruction error."""

    def __init__(self, config: GAN2DConfig):
        super().__init__()
        self.encode = mlp(2, 1, max(1, config.depth // 2), config.width, lambda: nn.LeakyReLU(0.2))
        self.decode = mlp(1, 2, max(1, config.depth - config.depth // 2), config.width, lambda: nn.LeakyReLU(0.2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:      # (B, 2) -> (B, 1) energies, >= 0
        return (self.decode(self.encode(x)) - x).pow(2).sum(1, keepdim=True)


def build(config: GAN2DConfig) -> tuple[Generator, nn.Module]:
    return Generator(config), (EnergyDiscriminator(config) if config.energy_d else Discriminator(config))


def draw_noise(config: GAN2DConfig, n: int, generator: torch.Generator) -> torch.Tensor:
    """(n, noise_dim) noise of the configured kind."""
    if config.noise == "uniform":
        return torch.rand(n, config.noise_dim, generator=generator) * 2 - 1
    return torch.randn(n, config.noise_dim, generator=generator)
