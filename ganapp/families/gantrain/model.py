"""The small GANs the "Train a GAN" tab trains live: the original paper's fully connected GAN
(Goodfellow et al., 2014) and a small DCGAN (Radford et al., 2016), each with a discriminator
that returns a raw score per image — or, for EBGAN (Zhao et al., 2017), an autoencoder whose
reconstruction error is the energy.

Images: (B, 1, 28, 28) in [-1, 1]. Nothing here trains; see objectives.py and inference.py.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

ARCHITECTURES = ("mlp", "dcgan")


@dataclass(frozen=True)
class GANConfig:
    architecture: str = "dcgan"   # "mlp" (the 2014 paper's fully connected nets) or "dcgan"
    z_dim: int = 64               # noise dimensions
    width: int = 32               # DCGAN: filters at 14x14 in both networks (twice that at 7x7): 32/64, CPU-sized
    hidden: int = 256             # MLP: width of the first hidden layer (the second is twice it)
    autoencoder_d: bool = False   # EBGAN: the discriminator reconstructs its input


class MLPGenerator(nn.Module):
    def __init__(self, cfg: GANConfig):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(cfg.z_dim, cfg.hidden), nn.ReLU(inplace=True),
            nn.Linear(cfg.hidden, 2 * cfg.hidden), nn.ReLU(inplace=True),
            nn.Linear(2 * cfg.hidden, 784), nn.Tanh(),
            nn.Unflatten(1, (1, 28, 28)),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:   # (B, z_dim) -> (B, 1, 28, 28)
        return self.net(z)


class DCGANGenerator(nn.Module):
    def __init__(self, cfg: GANConfig):
        super().__init__()
        w = cfg.width
        self.net = nn.Sequential(
            nn.Linear(cfg.z_dim, 2 * w * 7 * 7, bias=False), nn.BatchNorm1d(2 * w * 7 * 7), nn.ReLU(inplace=True),
            nn.Unflatten(1, (2 * w, 7, 7)),                                                               # (B, 2w, 7, 7)
            nn.ConvTranspose2d(2 * w, w, 4, 2, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU(inplace=True),  # (B, w, 14, 14)
            nn.ConvTranspose2d(w, 1, 4, 2, 1), nn.Tanh(),                                                 # (B, 1, 28, 28)
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:   # (B, z_dim) -> (B, 1, 28, 28)
        return self.net(z)


class MLPDiscriminator(nn.Module):
    """No batch norm, so that WGAN-GP's per-sample gradient penalty is well defined."""

    def __init__(self, cfg: GANConfig):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(), nn.Linear(784, 2 * cfg.hidden), nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(2 * cfg.hidden, cfg.hidden), nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(cfg.hidden, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:   # (B, 1, 28, 28) -> (B,) scores
        return self.net(x).squeeze(1)


class DCGANDiscriminator(nn.Module):
    """No batch norm (see MLPDiscriminator)."""

    def __init__(self, cfg: GANConfig):
        super().__init__()
        w = cfg.width
        self.net = nn.Sequential(
            nn.Conv2d(1, w, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True),          # (B, w, 14, 14)
            nn.Conv2d(w, 2 * w, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True),      # (B, 2w, 7, 7)
            nn.Flatten(), nn.Linear(2 * w * 7 * 7, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:   # (B, 1, 28, 28) -> (B,) scores
        return self.net(x).squeeze(1)


class AutoencoderDiscriminator(nn.Module):
    """EBGAN's discriminator: encode, decode, and return the energy, the per-image mean squared
    reconstruction error — low for what it has learned to call real."""

    def __init__(self, cfg: GANConfig):
        super().__init__()
        w = cfg.width
        if cfg.architecture == "mlp":
            self.autoencoder = nn.Sequential(
                nn.Flatten(), nn.Linear(784, cfg.hidden), nn.LeakyReLU(0.2, inplace=True),
                nn.Linear(cfg.hidden, 64), nn.LeakyReLU(0.2, inplace=True),
                nn.Linear(64, cfg.hidden), nn.LeakyReLU(0.2, inplace=True),
                nn.Linear(cfg.hidden, 784), nn.Tanh(), nn.Unflatten(1, (1, 28, 28)))
        else:
            self.autoencoder = nn.Sequential(
                nn.Conv2d(1, w, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True),                # (B, w, 14, 14)
                nn.Conv2d(w, 2 * w, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True),            # (B, 2w, 7, 7)
                nn.ConvTranspose2d(2 * w, w, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True),   # (B, w, 14, 14)
                nn.ConvTranspose2d(w, 1, 4, 2, 1), nn.Tanh())                             # (B, 1, 28, 28)

    def forward(self, x: torch.Tensor) -> torch.Tensor:   # (B, 1, 28, 28) -> (B,) energies
        return (self.autoencoder(x) - x).pow(2).flatten(1).mean(1)


def build(cfg: GANConfig) -> tuple[nn.Module, nn.Module]:
    """The generator and discriminator `cfg` describes."""
    if cfg.architecture not in ARCHITECTURES:
        raise ValueError(f"architecture must be one of {ARCHITECTURES}")
    g = (MLPGenerator if cfg.architecture == "mlp" else DCGANGenerator)(cfg)
    if cfg.autoencoder_d:
        d = AutoencoderDiscriminator(cfg)
    else:
        d = (MLPDiscriminator if cfg.architecture == "mlp" else DCGANDiscriminator)(cfg)
    return g, d
