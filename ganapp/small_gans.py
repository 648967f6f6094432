"""The small GANs the "Train a GAN" tab trains live and the objectives comparison ships (one generator per
objective): the original paper's fully connected GAN (Goodfellow et al., 2014) and a small DCGAN (Radford et al.,
2016), each with a discriminator that returns a raw score per image — or, for EBGAN (Zhao et al., 2017), an
autoencoder whose reconstruction error is the energy, and for CapsGAN a capsule network.

Images: (B, 1, 28, 28) in [-1, 1]. Nothing here trains: see losses.py (the objectives), families/gantrain (the live
runs) and families/objectives (the comparison's training recipe).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .blocks import generator_stack
from .gan_settings import ARCHITECTURES


@dataclass(frozen=True)
class GANConfig:
    architecture: str = "dcgan"   # "mlp" (the 2014 paper's fully connected nets) or "dcgan"
    z_dim: int = 64               # noise dimensions
    width: int = 32               # DCGAN: filters at 14x14 in both networks (twice that at 7x7): 32/64, CPU-sized
    hidden: int = 256             # MLP: width of the first hidden layer (the second is twice it)
    autoencoder_d: bool = False   # EBGAN: the discriminator reconstructs its input
    capsule_d: bool = False       # CapsGAN: the discriminator is a capsule network
    d_batchnorm: bool = False     # DCGAN: batch norm after D's second convolution (and its hidden layer), as in
                                  # DCGAN's and InfoGAN's discriminators; off where a gradient penalty needs per-sample D
    d_hidden: int = 0             # DCGAN: a fully connected layer of this width before D's score (InfoGAN's: 1024)
    g_hidden: int = 0             # DCGAN: a fully connected layer of this width (batch norm, ReLU) before G's body
                                  # (InfoGAN's generator: 1024); 0: none

    @classmethod
    def for_objective(cls, architecture: str, objective: str, **fields) -> "GANConfig":
        """The networks an objective trains: EBGAN's and CapsGAN's discriminators are their own."""
        return cls(architecture=architecture, autoencoder_d=objective == "ebgan", capsule_d=objective == "capsgan",
                   **fields)


class MLPGenerator(nn.Module):
    def __init__(self, config: GANConfig):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(config.z_dim, config.hidden), nn.ReLU(inplace=True),
            nn.Linear(config.hidden, 2 * config.hidden), nn.ReLU(inplace=True),
            nn.Linear(2 * config.hidden, 784), nn.Tanh(),
            nn.Unflatten(1, (1, 28, 28)),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:   # (B, z_dim) -> (B, 1, 28, 28)
        return self.net(z)


class DCGANGenerator(nn.Module):
    """linear → (2w, 7, 7) → (w, 14, 14) → (1, 28, 28): the DCGAN body every digit generator here shares."""

    def __init__(self, config: GANConfig):
        super().__init__()
        hidden = config.g_hidden
        first = [nn.Linear(config.z_dim, hidden, bias=False), nn.BatchNorm1d(hidden), nn.ReLU(inplace=True)] if hidden else []
        self.net = nn.Sequential(*first, *generator_stack(hidden or config.z_dim, config.width))   # (B, z) -> (B, 1, 28, 28)

    def forward(self, z: torch.Tensor) -> torch.Tensor:   # (B, z_dim) -> (B, 1, 28, 28)
        return self.net(z)


class MLPDiscriminator(nn.Module):
    """No batch norm, so that WGAN-GP's per-sample gradient penalty is well defined."""

    def __init__(self, config: GANConfig):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(), nn.Linear(784, 2 * config.hidden), nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(2 * config.hidden, config.hidden), nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(config.hidden, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:   # (B, 1, 28, 28) -> (B,) scores
        return self.net(x).squeeze(1)


class DCGANDiscriminator(nn.Module):
    """Batch norm only where the config asks for it (see MLPDiscriminator)."""

    def __init__(self, config: GANConfig):
        super().__init__()
        w, bn, hidden = config.width, config.d_batchnorm, config.d_hidden
        layers = [nn.Conv2d(1, w, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True),                    # (B, w, 14, 14)
                  nn.Conv2d(w, 2 * w, 4, 2, 1, bias=not bn), *([nn.BatchNorm2d(2 * w)] if bn else []),
                  nn.LeakyReLU(0.2, inplace=True), nn.Flatten()]                                # (B, 2w*7*7)
        if hidden:
            layers += [nn.Linear(2 * w * 7 * 7, hidden, bias=not bn), *([nn.BatchNorm1d(hidden)] if bn else []),
                       nn.LeakyReLU(0.2, inplace=True)]                                        # (B, hidden)
        self.net = nn.Sequential(*layers, nn.Linear(hidden or 2 * w * 7 * 7, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:   # (B, 1, 28, 28) -> (B,) scores
        return self.net(x).squeeze(1)


class AutoencoderDiscriminator(nn.Module):
    """EBGAN's discriminator: encode, decode, and return the energy, the per-image mean squared
    reconstruction error — low for what it has learned to call real."""

    def __init__(self, config: GANConfig):
        super().__init__()
        w = config.width
        if config.architecture == "mlp":
            self.autoencoder = nn.Sequential(
                nn.Flatten(), nn.Linear(784, config.hidden), nn.LeakyReLU(0.2, inplace=True),
                nn.Linear(config.hidden, 64), nn.LeakyReLU(0.2, inplace=True),
                nn.Linear(64, config.hidden), nn.LeakyReLU(0.2, inplace=True),
                nn.Linear(config.hidden, 784), nn.Tanh(), nn.Unflatten(1, (1, 28, 28)))
        else:
            self.autoencoder = nn.Sequential(
                nn.Conv2d(1, w, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True),                # (B, w, 14, 14)
                nn.Conv2d(w, 2 * w, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True),            # (B, 2w, 7, 7)
                nn.ConvTranspose2d(2 * w, w, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True),   # (B, w, 14, 14)
                nn.ConvTranspose2d(w, 1, 4, 2, 1), nn.Tanh())                             # (B, 1, 28, 28)

    def forward(self, x: torch.Tensor) -> torch.Tensor:   # (B, 1, 28, 28) -> (B,) energies
        return (self.autoencoder(x) - x).pow(2).flatten(1).mean(1)


def squash(s: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Capsule non-linearity (Sabour et al. 2017, eq. 1): keeps the direction, maps the length into [0, 1)."""
    n2 = s.pow(2).sum(dim, keepdim=True)
    return s * (n2 / (1 + n2)) / torch.sqrt(n2 + 1e-8)


class CapsuleDiscriminator(nn.Module):
    """CapsGAN's discriminator (Jaiswal et al. 2018), a small CapsNet (Sabour et al. 2017): a convolution,
    a convolutional layer of primary capsules, and two output capsules, "real" and "generated", reached
    by routing-by-agreement. Returns the output capsules' lengths. The DCGAN-sized trunk keeps it CPU-fast;
    with the MLP architecture the same capsule network is used."""

    def __init__(self, config: GANConfig, primary_types: int = 8, primary_dim: int = 8, out_dim: int = 16,
                 routing_iterations: int = 3):
        super().__init__()
        w = config.width
        self.primary_types, self.primary_dim, self.routing_iterations = primary_types, primary_dim, routing_iterations
        self.conv = nn.Sequential(nn.Conv2d(1, w, 5, 2, 2), nn.LeakyReLU(0.2, inplace=True))   # (B, w, 14, 14)
        self.primary = nn.Conv2d(w, primary_types * primary_dim, 5, 2, 2)                     # (B, types*dim, 7, 7)
        n_primary = primary_types * 7 * 7
        # One transformation matrix per (primary capsule, output capsule): the primary's vote for the output.
        self.votes = nn.Parameter(0.05 * torch.randn(n_primary, 2, out_dim, primary_dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:   # (B, 1, 28, 28) -> (B, 2) capsule lengths
        b = len(x)
        u = self.primary(self.conv(x)).view(b, self.primary_types, self.primary_dim, 49)
        u = squash(u.permute(0, 1, 3, 2).reshape(b, -1, self.primary_dim))   # (B, N, primary_dim)
        u_hat = torch.einsum("njod,bnd->bnjo", self.votes, u)                 # (B, N, 2, out_dim)
        logits = torch.zeros(u_hat.shape[:3], device=x.device)               # (B, N, 2)
        for i in range(self.routing_iterations):
            c = logits.softmax(dim=2)                                         # each primary splits its vote
            v = squash((c.unsqueeze(-1) * u_hat).sum(1))                      # (B, 2, out_dim)
            if i < self.routing_iterations - 1:  # agreement raises the coupling (no gradient through routing)
                logits = logits + (u_hat.detach() * v.detach().unsqueeze(1)).sum(-1)
        return v.norm(dim=-1)                                                 # (B, 2) in [0, 1)


def spectrally_normalise(d: nn.Module) -> nn.Module:
    """Every convolution and linear layer of `d` spectrally normalised in place (Miyato et al., 2018): its
    Lipschitz constant bounded, as the cGAN's discriminator is (blocks.discriminator_trunk). CapsGAN's vote
    matrices are parameters of their own and stay as they are."""
    for module in list(d.modules()):
        if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.utils.parametrizations.spectral_norm(module)
    return d


def build(config: GANConfig) -> tuple[nn.Module, nn.Module]:
    """The generator and discriminator `config` describes."""
    if config.architecture not in ARCHITECTURES:
        raise ValueError(f"architecture must be one of {ARCHITECTURES}")
    g = (MLPGenerator if config.architecture == "mlp" else DCGANGenerator)(config)
    if config.capsule_d:
        d = CapsuleDiscriminator(config)
    elif config.autoencoder_d:
        d = AutoencoderDiscriminator(config)
    else:
        d = (MLPDiscriminator if config.architecture == "mlp" else DCGANDiscriminator)(config)
    return g, d
