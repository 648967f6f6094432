"""One DCGAN trained under one objective, for the comparison: `--set objective=<name>`.

By default every objective gets the same networks (the cGAN's width, 64/128), the same data (all 60,000 MNIST
training digits but the 2,000 held out for validation), the same batch size and the same number of generator updates
(`--steps`, the cGAN's 8,000); each keeps its own paper's optimiser settings and critic steps (ganapp/losses.py): a
fair fight. The options below change that recipe (issue #29's trials: InfoGAN's networks, two time-scales, a weight
average of G); a generator trained with any of them is marked "tuned" in the comparison, and its card lists them.
"""
from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass

import torch
from torch.optim.swa_utils import update_bn
from torchvision.utils import make_grid

from ...losses import OBJECTIVES
from ...small_gans import build, spectrally_normalise
from ...training.gan import FrechetSelection, init_normal, update_average
from . import checkpoint_name
from .model import ObjectiveGANConfig, ObjectiveGenerator


@dataclass
class ObjectiveTrainConfig:
    steps: int = 8000          # generator updates, the same for every objective (the cGAN's budget)
    batch_size: int = 64       # the live tab's
    validation_size: int = 2000  # training digits held out: the Fréchet distance chosen by is to these
    spectral_norm: bool = False  # every weight layer of D spectrally normalised, as the cGAN's (Miyato et al., 2018)
    lr_g: float = 0.0            # G's learning rate; 0: the objective's own (the live tab's default is 1e-3)
    dcgan_init: bool = False     # both networks' weights ~ N(0, 0.02) (DCGAN's, InfoGAN's); False: PyTorch's default
    d_batchnorm: bool = False    # batch norm in D (DCGAN's, InfoGAN's); not with a gradient penalty
    d_hidden: int = 0            # a fully connected layer of this width before D's score (InfoGAN's: 1024)
    ema_images: float = 0.0      # half-life, in images, of the weight average of G that is validated and shipped
                                 # (StyleGAN's: 10,000); 0: G itself


class ObjectiveGANRecipe:
    model_config_class = ObjectiveGANConfig
    train_config_class = ObjectiveTrainConfig

    def __init__(self, model: ObjectiveGANConfig, train: ObjectiveTrainConfig, data_root=None, device="cpu"):
        self.train_cfg, self.device = train, torch.device(device)
        self.selection = FrechetSelection(train.validation_size, model.z_dim, data_root, device)
        self.data = self.selection.data
        own_d = model.objective in ("ebgan", "capsgan")   # an autoencoder or capsule network, not the DCGAN critic
        if (train.d_batchnorm or train.d_hidden) and own_d:
            raise ValueError(f"{model.objective} has a discriminator of its own: d_batchnorm and d_hidden do not apply")
        if train.d_batchnorm and OBJECTIVES[model.objective].gp_weight:
            raise ValueError("batch norm in D makes a gradient penalty's per-sample gradients meaningless")
        self.generator = ObjectiveGenerator(model).to(device)
        self.d = build(dataclasses.replace(model.networks(), d_batchnorm=train.d_batchnorm, d_hidden=train.d_hidden))[1]
        if train.dcgan_init:
            for net in (self.generator, self.d):
                net.apply(init_normal)
        if train.spectral_norm:
            spectrally_normalise(self.d)
        self.d = self.d.to(device)
        self.objective = OBJECTIVES[model.objective]
        self.opt_g, self.opt_d = self.objective.optimizers(self.generator, self.d, lr_g=train.lr_g or None)
        self.modules, self.optimizers = {"g": self.generator, "d": self.d}, {"g": self.opt_g, "d": self.opt_d}
        self.shipped = self.generator   # what is validated, sampled and exported: G, or its weight average
        if train.ema_images:
            self.shipped = self.modules["g_ema"] = copy.deepcopy(self.generator).requires_grad_(False)

    def train_step(self, step: int, generator: torch.Generator) -> dict[str, float]:
        def real_batch():
            return self.data.sample(self.train_cfg.batch_size, generator)[0] * 2 - 1   # labels unused
        def noise():
            return torch.randn(self.train_cfg.batch_size, self.generator.config.z_dim, generator=generator).to(self.device)
        figures = self.objective.train_step(self.generator, self.d, self.opt_g, self.opt_d, real_batch, noise, generator)
        if self.shipped is not self.generator:
            update_average(self.shipped, self.generator, self.train_cfg.batch_size, self.train_cfg.ema_images)
        return figures

    select_by = FrechetSelection.select_by

    def _standing_statistics(self) -> None:
        """The averaged G's batch-norm statistics measured on its own outputs, from fixed noise (BigGAN's "standing
        statistics"): the ones G kept belong to G's weights, not to their average. Before anything uses the average:
        its samples, its validation and every export."""
        if self.shipped is not self.generator:
            z = torch.randn(32 * 64, self.generator.config.z_dim, generator=torch.Generator().manual_seed(7))
            update_bn(z.to(self.device).split(64), self.shipped)

    @torch.inference_mode()
    def validate(self) -> dict[str, float]:
        """Fréchet distance (evaluator features) of 2,000 samples from fixed noise to the 2,000 held-out
        training digits, and the rarest digit's share; the loop keeps the lowest distance."""
        self._standing_statistics()
        return self.selection.figures((self.shipped(self.selection.validation_z) + 1) / 2)  # eval mode: the loop's

    @torch.inference_mode()
    def sample_grid(self) -> torch.Tensor:
        self._standing_statistics()
        return make_grid(self.shipped(self.selection.grid_z), nrow=8, normalize=True, value_range=(-1, 1))

    def exported(self):
        self._standing_statistics()
        return {checkpoint_name(self.generator.config.objective): self.shipped}
