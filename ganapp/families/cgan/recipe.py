"""Conditional GAN's training step: the non-saturating GAN loss of Goodfellow et al. (2014),
    D: -log sigmoid(D(x, y)) - log(1 - sigmoid(D(G(z, y), y)))
    G: -log sigmoid(D(G(z, y), y)),
on real (digit, label) pairs against generated ones with labels drawn uniformly."""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torchvision.utils import make_grid

from ...losses import descend
from ...training.data import MNISTSampler
from ...training.gan import AdversarialRecipe
from .model import CGANConfig, CGANDiscriminator, CGANGenerator


@dataclass
class CGANTrainConfig:
    steps: int = 8000        # batch-64 steps, ~8.5 epochs (~50 min on one CPU core)
    batch_size: int = 64
    lr: float = 2e-4
    beta1: float = 0.5       # DCGAN's Adam momentum


class CGANRecipe(AdversarialRecipe):
    model_config_class = CGANConfig  # what `python -m ganapp.train` builds; `--set` overrides
    train_config_class = CGANTrainConfig

    def __init__(self, model: CGANConfig, train: CGANTrainConfig, data_root=None, device="cpu"):
        super().__init__(model, train, CGANGenerator(model), CGANDiscriminator(model), device,
                         train.lr, train.lr, (train.beta1, 0.999))
        self.data = MNISTSampler("train", data_root, device)
        fixed = torch.Generator().manual_seed(1234)  # rows: digits 0-9; columns: the same 10 noise vectors
        self.fixed_z = torch.randn(10, model.z_dim, generator=fixed).repeat(10, 1).to(device)
        self.fixed_y = torch.arange(10).repeat_interleave(10).to(device)

    def real_batch(self, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """A batch of real digits in [-1, 1] and their labels."""
        real, labels = self.data.sample(self.train_cfg.batch_size, generator)
        return real * 2 - 1, labels

    def seen_by_d(self, images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """What the discriminator is shown of a batch (real or generated): here the images themselves."""
        return images

    def train_step(self, step: int, generator: torch.Generator) -> dict[str, float]:
        real, labels = self.real_batch(generator)
        n = len(real)
        z = torch.randn(n, self.model_cfg.z_dim, generator=generator).to(self.device)
        fake_labels = torch.randint(self.model_cfg.n_classes, (n,), generator=generator).to(self.device)
        fake = self.g(z, fake_labels)
        shown = lambda x: self.seen_by_d(x, generator)  # noqa: E731

        d_real, d_fake = self.d(shown(real), labels), self.d(shown(fake.detach()), fake_labels)
        loss_d = F.softplus(-d_real).mean() + F.softplus(d_fake).mean()  # = the BCE form above
        descend(self.opt_d, loss_d)

        loss_g = F.softplus(-self.d(shown(fake), fake_labels)).mean()   # through what D is shown
        descend(self.opt_g, loss_g)
        return {"d": loss_d.item(), "g": loss_g.item()}

    def sample_grid(self) -> torch.Tensor:
        return make_grid(self.g(self.fixed_z, self.fixed_y), nrow=10, normalize=True, value_range=(-1, 1))

    def exported(self):
        return {"cgan": self.g}
