"""A convolutional variational autoencoder on MNIST (Kingma and Welling, "Auto-Encoding
Variational Bayes", 2014).

The encoder maps an image to a Gaussian q(z|x) = N(mu, diag(exp(logvar))); a sample
z = mu + exp(logvar / 2) * eps (the reparameterisation trick) is decoded into per-pixel
Bernoulli logits. Training maximises the evidence lower bound
    ELBO = E_q[log p(x|z)] - KL(q(z|x) || N(0, I)),
i.e. minimises binary cross-entropy summed over pixels plus the closed-form KL term.
Images: (B, 1, 28, 28) in [0, 1].
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ...hub_model import HubModel


@dataclass(frozen=True)
class VAEConfig:
    latent_dim: int = 16     # size of z; 2 gives a plane the app can draw as a map
    width: int = 32          # encoder filters at 14x14 (twice that at 7x7); decoder mirrors it
    hidden: int = 256        # fully connected layer between the convolutions and z
    variational: bool = True  # False: a plain autoencoder (z = the encoder's mean, no KL), for comparison


class VAE(HubModel):
    config_class = VAEConfig

    output_range = (0.0, 1.0)  # of `generate`: pixel intensities

    def example_inputs(self, generator: torch.Generator) -> tuple:
        """Three latent points for `generate` (the decoder), for the tests every model gets."""
        return (torch.randn(3, self.config.latent_dim, generator=generator),)

    def generate(self, z: torch.Tensor) -> torch.Tensor:
        return self.decode(z)

    def __init__(self, config: VAEConfig):
        super().__init__()
        self.config = config
        w, h = config.width, config.hidden
        self.encoder = nn.Sequential(
            nn.Conv2d(1, w, 4, 2, 1), nn.ReLU(inplace=True),          # (B, w, 14, 14)
            nn.Conv2d(w, 2 * w, 4, 2, 1), nn.ReLU(inplace=True),      # (B, 2w, 7, 7)
            nn.Flatten(), nn.Linear(2 * w * 49, h), nn.ReLU(inplace=True),
            nn.Linear(h, 2 * config.latent_dim),                      # (B, 2 * latent): mu, logvar
        )
        self.decoder = nn.Sequential(
            nn.Linear(config.latent_dim, h), nn.ReLU(inplace=True),
            nn.Linear(h, 2 * w * 49), nn.ReLU(inplace=True), nn.Unflatten(1, (2 * w, 7, 7)),
            nn.ConvTranspose2d(2 * w, w, 4, 2, 1), nn.ReLU(inplace=True),  # (B, w, 14, 14)
            nn.ConvTranspose2d(w, 1, 4, 2, 1),                             # (B, 1, 28, 28) logits
        )

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mu, logvar = self.encoder(x).chunk(2, dim=1)
        return mu, logvar  # (B, latent) each

    def decode_logits(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """(B, latent) -> (B, 1, 28, 28) pixel means in [0, 1]."""
        return torch.sigmoid(self.decoder(z))

    @staticmethod
    def reparameterise(mu: torch.Tensor, logvar: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        # Drawn where the generator lives (the training loop's is on the CPU), then moved: a CPU
        # generator cannot draw on CUDA or MPS.
        device = generator.device if generator is not None else mu.device
        eps = torch.randn(mu.shape, generator=generator, device=device, dtype=mu.dtype).to(mu.device)
        return mu + torch.exp(0.5 * logvar) * eps

    def forward(self, x: torch.Tensor, generator: torch.Generator | None = None):
        mu, logvar = self.encode(x)
        z = self.reparameterise(mu, logvar, generator) if self.config.variational else mu
        return self.decode_logits(z), mu, logvar


def reconstruction_nll(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Per-image Bernoulli negative log-likelihood in nats, summed over pixels: (B, 1, 28, 28) x2 -> (B,).
    A plain autoencoder's whole loss; the first term of a VAE's."""
    return F.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).sum(1)


def negative_elbo(logits: torch.Tensor, x: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor,
                  beta: float = 1.0) -> torch.Tensor:
    """Per-image negative ELBO in nats: Bernoulli NLL summed over pixels + KL(q || N(0, I)); `beta` < 1 weighs the
    KL term down (KL warm-up during training; the bound itself is beta = 1).

    (B, 1, 28, 28) logits and targets in [0, 1], (B, latent) mu/logvar -> (B,).
    """
    kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1)
    return reconstruction_nll(logits, x) + beta * kl
