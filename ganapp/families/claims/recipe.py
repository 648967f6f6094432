"""A GAN trained on only N labelled digits: the conditional GAN's recipe on `labelled_subset(N)`, with
differentiable augmentation (DiffAugment: Zhao et al., 2020) of every image the discriminator sees.

With 100 digits a discriminator memorises the training set within a few hundred steps and its gradients stop
meaning "look more like a digit"; shifting each real and generated image by up to 1/8 of its side and blanking
a random square (cut-out), the same kinds of change for both and differentiable for the generated ones, keeps it
judging digits rather than remembering these particular ones. `conditional=False` trains the same network with a
single class: its samples carry no label (arms (a)-(c) of the experiment label them); True gives arm (d).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ...training.gan import AdversarialRecipe
from ..cgan.model import CGANConfig, CGANDiscriminator, CGANGenerator
from ..cgan.recipe import CGANRecipe
from .digits import labelled_subset


@dataclass(frozen=True)
class SmallGANConfig(CGANConfig):
    g_width: int = 32        # half the cGAN's: N <= 2,000 digits need less, and the steps cost a quarter
    d_width: int = 32


@dataclass
class SmallGANTrainConfig:
    steps: int = 3000        # batch-64 steps (~2 min on one CPU core at these widths)
    batch_size: int = 64
    lr: float = 2e-4
    beta1: float = 0.5
    n_labelled: int = 100    # the labelled digits it may see (data.SIZES)
    conditional: bool = True  # False: one class, unlabelled samples
    shift: float = 0.125     # DiffAugment translation, as a fraction of the side
    cutout: float = 0.25     # side of the blanked square, as a fraction of the side (0: none)
    export_name: str = "claims_cgan_n100"   # the registry name of what it trains (the presets set it)


def diff_augment(x: torch.Tensor, shift: float, cutout: float, generator: torch.Generator) -> torch.Tensor:
    """Random translation (background fill) and cut-out of (B, 1, H, W) images in [-1, 1], differentiable in x."""
    b, _, h, w = x.shape
    if shift:
        pixels = torch.randint(-int(shift * h), int(shift * h) + 1, (b, 2), generator=generator).float()
        theta = torch.zeros(b, 2, 3)
        theta[:, 0, 0] = theta[:, 1, 1] = 1
        theta[:, :, 2] = -2 * pixels / torch.tensor([w, h])               # in [-1, 1] units of the grid
        grid = F.affine_grid(theta.to(x), list(x.shape), align_corners=False)
        x = F.grid_sample(x + 1, grid, mode="nearest", padding_mode="zeros", align_corners=False) - 1
    if cutout:
        side = int(cutout * h)
        corner = torch.randint(0, h - side + 1, (b, 2), generator=generator)
        rows, cols = torch.arange(h).view(1, h, 1), torch.arange(w).view(1, 1, w)
        top, left = corner[:, 0].view(b, 1, 1), corner[:, 1].view(b, 1, 1)
        hole = ((rows >= top) & (rows < top + side) & (cols >= left) & (cols < left + side)).unsqueeze(1)
        x = torch.where(hole.to(x.device), torch.full_like(x, -1.0), x)   # (B, 1, H, W), background in the hole
    return x


class SmallGANRecipe(CGANRecipe):
    """The cGAN's recipe (its step, losses and sample grid) on the N labelled digits, D seeing them augmented."""
    model_config_class = SmallGANConfig
    train_config_class = SmallGANTrainConfig

    def __init__(self, model: SmallGANConfig, train: SmallGANTrainConfig, data_root=None, device="cpu"):
        if model.n_classes != (10 if train.conditional else 1):
            raise SystemExit(f"conditional={train.conditional} needs n_classes={10 if train.conditional else 1}")
        model = CGANConfig(**dataclasses.asdict(model))  # what CGANGenerator saves and rebuilds from config.json
        images, labels = (t.to(device) for t in labelled_subset(train.n_labelled))
        self.images = images * 2 - 1                                         # (N, 1, 28, 28) in [-1, 1]
        self.labels = labels if train.conditional else torch.zeros_like(labels)
        AdversarialRecipe.__init__(self, model, train, CGANGenerator(model), CGANDiscriminator(model), device,
                                   train.lr, train.lr, (train.beta1, 0.999))  # not CGANRecipe.__init__: no MNIST here
        fixed = torch.Generator().manual_seed(1234)  # rows: digits 0-9 (or ten rows of one class); same noise per row
        self.fixed_z = torch.randn(10, model.z_dim, generator=fixed).repeat(10, 1).to(device)
        self.fixed_y = (torch.arange(10).repeat_interleave(10) % model.n_classes).to(device)

    def real_batch(self, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        idx = torch.randint(len(self.images), (self.train_cfg.batch_size,), generator=generator).to(self.device)
        return self.images[idx], self.labels[idx]

    def seen_by_d(self, images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        return diff_augment(images, self.train_cfg.shift, self.train_cfg.cutout, generator)

    def exported(self):
        return {self.train_cfg.export_name: self.g}
