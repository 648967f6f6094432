"""The generators of the objectives comparison: the "Train a GAN" tab's DCGAN generator, one copy
trained under each GAN objective (see ganapp/losses.py), shipped as `gan_<objective>`.

Only the generator ships; its discriminator (a plain DCGAN critic, EBGAN's autoencoder or CapsGAN's
capsule network) lives in training only. Images: (B, 1, 28, 28) in [-1, 1].
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from ...hub_model import HubModel
from ...losses import OBJECTIVES
from ...small_gans import DCGANGenerator, GANConfig
from . import SHIPPED_OBJECTIVES


@dataclass(frozen=True)
class ObjectiveGANConfig:
    objective: str = "nonsaturating"  # the loss it was trained with (a key of OBJECTIVES); the networks are the same
    z_dim: int = 64                   # noise dimensions
    width: int = 64                   # filters at 14x14 in both networks (twice that at 7x7): the cGAN's (the live
                                      # tab trains 32, for speed; generators trained before 2026-12-02 are 32 too)
    hidden: int = 0                   # a fully connected layer of this width before G's DCGAN body (InfoGAN's: 1024)

    def networks(self) -> GANConfig:
        """The live tab's config of the same networks, for `small_gans.build`."""
        return GANConfig.for_objective("dcgan", self.objective, z_dim=self.z_dim, width=self.width, g_hidden=self.hidden)


assert set(SHIPPED_OBJECTIVES) <= set(OBJECTIVES)


class ObjectiveGenerator(HubModel):
    """(z: (B, z_dim)) -> (B, 1, 28, 28) in [-1, 1]: the DCGAN generator (linear → 7x7 → 14x14 → 28x28), after
    InfoGAN's fully connected layer where `hidden` asks for it."""
    config_class = ObjectiveGANConfig

    def example_inputs(self, generator: torch.Generator) -> tuple:
        return (torch.randn(3, self.config.z_dim, generator=generator),)

    def __init__(self, config: ObjectiveGANConfig):
        super().__init__()
        if config.objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {tuple(OBJECTIVES)}, not {config.objective!r}")
        self.config = config
        self.net = DCGANGenerator(config.networks()).net

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)
