"""What several GAN recipes (contracts.Recipe) share: a generator and a discriminator with an Adam optimiser each,
DCGAN's initialisation, and choosing an unconditional GAN's checkpoint by the Fréchet distance to held-out training
digits."""
from __future__ import annotations

import torch
from torch import nn

from ..metrics import RealReference
from .data import MNISTSampler


class AdversarialRecipe:
    """Keeps the two configs and the device, moves `g` and `d` there with one Adam optimiser each, and names both
    pairs for the loop's checkpoints (`modules`, `optimizers`); the subclass adds its data and its step."""

    def __init__(self, model, train, g: nn.Module, d: nn.Module, device, lr_g: float, lr_d: float, betas: tuple):
        self.train_cfg, self.model_cfg, self.device = train, model, torch.device(device)
        self.g, self.d = g.to(device), d.to(device)
        self.opt_g = torch.optim.Adam(self.g.parameters(), lr_g, betas=betas)
        self.opt_d = torch.optim.Adam(self.d.parameters(), lr_d, betas=betas)
        self.modules, self.optimizers = {"g": self.g, "d": self.d}, {"g": self.opt_g, "d": self.opt_d}


def init_normal(m: nn.Module) -> None:
    """DCGAN's initialisation, kept by InfoGAN's and CycleGAN's authors: weights ~ N(0, 0.02), biases 0 (`net.apply`)."""
    if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(m.weight, 0.0, 0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)


@torch.no_grad()
def update_average(average: nn.Module, model: nn.Module, images: int, half_life_images: float) -> None:
    """One step of the exponential moving average of `model`'s weights that StyleGAN's and BigGAN's authors sample
    from: each parameter moves toward the model's by 1 - 0.5 ** (images / half_life_images), `images` being the
    batch just trained on; buffers (batch norm's statistics, StyleGAN's average w) are copied, as StyleGAN2 does."""
    beta = 0.5 ** (images / half_life_images)
    for a, p in zip(average.parameters(), model.parameters(), strict=True):
        a.lerp_(p, 1 - beta)
    for a, b in zip(average.buffers(), model.buffers(), strict=True):
        a.copy_(b)


class FrechetSelection:
    """The MNIST training digits but the last `size`, which are held out: a checkpoint is chosen by the Fréchet
    distance (evaluator features) to them of `size` samples from fixed noise (`validation_z`); `grid_z` is 64 more
    fixed noise vectors, for the sample grid."""

    select_by = "neg_frechet"

    def __init__(self, size: int, z_dim: int, data_root, device):
        self.data = MNISTSampler("train", data_root, device)
        self.reference = RealReference(self.data.hold_out(size).images)
        fixed = torch.Generator().manual_seed(1234)
        self.grid_z = torch.randn(64, z_dim, generator=fixed).to(device)
        self.validation_z = torch.randn(size, z_dim, generator=fixed).to(device)

    def figures(self, fakes01: torch.Tensor) -> dict[str, float]:
        """What `validate` returns for the samples from `validation_z`, (N, 1, 28, 28) in [0, 1]."""
        figures = self.reference.compare(fakes01)
        return {"frechet": figures["frechet"], "neg_frechet": -figures["frechet"],
                "rarest_digit_share": figures["rarest_share"]}
