"""InfoGAN (Chen et al., "InfoGAN: Interpretable Representation Learning by Information
Maximizing Generative Adversarial Nets", 2016), the paper's MNIST architecture (appendix C.1).

The generator's input is noise z (62-d, U(-1, 1) as in the authors' code) plus codes c: one 10-way categorical and two
continuous U(-1, 1). Nothing tells the model what the codes mean; a head Q on the
discriminator's trunk tries to recover c from the image, and the generator is rewarded when
it can (a lower bound on the mutual information I(c; G(z, c))). On MNIST the categorical code
ends up choosing the digit and the continuous ones its slant and stroke width.
Images: (B, 1, 28, 28) in [-1, 1]: a tanh output where the authors' code has a sigmoid over data in [0, 1]
(tanh(a) = 2 sigmoid(2a) - 1, so the two differ only by a fixed rescaling of the last layer and of the
discriminator's first one; the app's other digit models share this range).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ...blocks import generator_stack
from ...hub_model import HubModel


@dataclass(frozen=True)
class InfoGANConfig:
    z_dim: int = 62              # incompressible noise
    n_categories: int = 10       # one categorical code with this many values
    n_continuous: int = 2        # continuous codes, drawn from U(-1, 1) in training
    hidden: int = 1024           # width of the fully connected layers (paper: 1024)
    noise: str = "uniform"       # prior of z: "uniform" U(-1, 1) (the authors' code) or "gaussian" N(0, I)
    leaky_slope: float = 0.01    # the discriminator's leaky ReLU slope (the authors' code: 0.01; training only)
    # Which digit each category draws and what each continuous code moves are measured after
    # training, by `python -m ganapp.evaluate infogan`, and stored in generation_config.json.

    @property
    def code_dim(self) -> int:
        return self.n_categories + self.n_continuous


def draw_noise(config: InfoGANConfig, n: int, generator: torch.Generator) -> torch.Tensor:
    """z from the prior the generator was trained with: (n, z_dim)."""
    if config.noise == "uniform":
        return torch.rand(n, config.z_dim, generator=generator) * 2 - 1
    if config.noise == "gaussian":
        return torch.randn(n, config.z_dim, generator=generator)
    raise ValueError(f"noise must be 'uniform' or 'gaussian', not {config.noise!r}")


class InfoGANGenerator(HubModel):
    """(z: (B, z_dim), category: (B,) int, continuous: (B, n_continuous)) -> (B, 1, 28, 28)."""
    config_class = InfoGANConfig


    def example_inputs(self, generator: torch.Generator) -> tuple:
        """Three valid inputs for `forward` (codes beyond ±1, as the app's sliders allow), for the tests."""
        return (draw_noise(self.config, 3, generator), torch.tensor([0, 5, 9]),
                torch.rand(3, self.config.n_continuous, generator=generator) * 4 - 2)

    def __init__(self, config: InfoGANConfig):
        super().__init__()
        self.config = config
        self.net = nn.Sequential(
            nn.Linear(config.z_dim + config.code_dim, config.hidden, bias=False),
            nn.BatchNorm1d(config.hidden), nn.ReLU(inplace=True),
            # FC 128*7*7, up-convolutions to 64x14x14 and 1x28x28: the DCGAN body every digit generator here shares
            *generator_stack(config.hidden, 64),
        )

    def forward(self, z: torch.Tensor, category: torch.Tensor, continuous: torch.Tensor) -> torch.Tensor:
        onehot = F.one_hot(category, self.config.n_categories).to(z.dtype)
        return self.net(torch.cat([z, onehot, continuous], dim=1))


class InfoGANDiscriminator(nn.Module):
    """Shared trunk, a real/fake logit, and Q: category logits and continuous-code means."""

    def __init__(self, config: InfoGANConfig):
        super().__init__()
        self.config = config
        slope = config.leaky_slope
        self.trunk = nn.Sequential(
            nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(slope, inplace=True),                          # (B, 64, 14, 14)
            nn.Conv2d(64, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(slope, inplace=True),
            nn.Flatten(),                                                                           # (B, 6272)
            nn.Linear(128 * 7 * 7, config.hidden, bias=False), nn.BatchNorm1d(config.hidden),
            nn.LeakyReLU(slope, inplace=True),                                                      # (B, hidden)
        )
        self.d_head = nn.Linear(config.hidden, 1)
        self.q_head = nn.Sequential(
            nn.Linear(config.hidden, 128, bias=False), nn.BatchNorm1d(128), nn.LeakyReLU(slope, inplace=True),
            nn.Linear(128, config.code_dim),
        )

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        h = self.trunk(x)
        q = self.q_head(h)
        k = self.config.n_categories
        return self.d_head(h).squeeze(1), q[:, :k], q[:, k:]  # (B,), (B, k) logits, (B, n_continuous)
