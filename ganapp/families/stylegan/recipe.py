"""StyleGAN training: the non-saturating GAN loss with lazy R1 regularisation (Mescheder et al.
2018) on the real images, style-mixing regularisation, the average w tracked for truncation, and
an exponential moving average of the generator's weights — the copy that is exported.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torchvision.utils import make_grid

from ...losses import descend
from ...training.gan import AdversarialRecipe, FrechetSelection, update_average
from .model import StyleGANConfig, StyleGANDiscriminator, StyleGANGenerator


def pad32(x01: torch.Tensor) -> torch.Tensor:
    """MNIST (B, 1, 28, 28) in [0, 1] -> (B, 1, 32, 32) in [-1, 1], two black pixels around."""
    return F.pad(x01 * 2 - 1, (2, 2, 2, 2), value=-1.0)


def crop28(x: torch.Tensor) -> torch.Tensor:
    """(B, 1, 32, 32) in [-1, 1] -> (B, 1, 28, 28) in [0, 1], what the evaluator reads."""
    return ((x[:, :, 2:30, 2:30].clamp(-1, 1) + 1) / 2)


@dataclass
class StyleGANTrainConfig:
    steps: int = 20000          # generator updates at batch 32 (~11 passes over MNIST; ~0.25 s each on one idle core)
    batch_size: int = 32
    lr: float = 2e-3            # StyleGAN2's, for both networks (the weights are equalised)
    betas: tuple = (0.0, 0.99)
    r1_gamma: float = 1.0       # weight of the R1 penalty, 0.5 * gamma * |grad D(x)|^2 on real images
    r1_every: int = 8           # lazy regularisation: the penalty every this many steps, scaled up to match
    mixing_prob: float = 0.9    # share of batches drawn from two z's, switched at a random block
    ema_images: int = 10000     # half-life of the exported generator's weight average, in images
    w_avg_beta: float = 0.995   # the running average of w used by truncation
    validation_size: int = 2000  # training digits held out: the Fréchet distance chosen by is to these
    d_channels: tuple = (16, 32, 64, 64)  # discriminator feature maps at 32, 16, 8 and 4 px (not shipped)
    pack: int = 2               # images the discriminator judges together (PacGAN); divides batch_size. Alone
                                # it took the rarest digit from 0% to 3% by step 3,000; 4 trailed 2


class StyleGANRecipe(AdversarialRecipe):
    model_config_class = StyleGANConfig
    train_config_class = StyleGANTrainConfig

    def __init__(self, model: StyleGANConfig, train: StyleGANTrainConfig, data_root=None, device="cpu"):
        if train.batch_size % train.pack:
            raise ValueError(f"pack {train.pack} must divide batch_size {train.batch_size}")
        self.selection = FrechetSelection(train.validation_size, model.z_dim, data_root, device)
        self.data = self.selection.data
        super().__init__(model, train, StyleGANGenerator(model), StyleGANDiscriminator(tuple(train.d_channels), train.pack),
                         device, train.lr, train.lr, tuple(train.betas))
        self.g_ema = copy.deepcopy(self.g).eval().requires_grad_(False)
        self.modules["g_ema"] = self.g_ema

    def _styles(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """(n, blocks, w_dim): one w per block, from two z's switched at a random block for `mixing_prob`
        of the batches (style-mixing regularisation: neighbouring blocks must not rely on sharing a w)."""
        blocks, z_dim = len(self.g.blocks), self.g.config.z_dim
        w = self.g.map(torch.randn(n, z_dim, generator=generator).to(self.device))
        ws = w[:, None].repeat(1, blocks, 1)
        if torch.rand((), generator=generator) < self.train_cfg.mixing_prob:
            cut = int(torch.randint(1, blocks, (), generator=generator))
            ws[:, cut:] = self.g.map(torch.randn(n, z_dim, generator=generator).to(self.device))[:, None]
        with torch.no_grad():
            self.g.w_avg.lerp_(w.mean(0), 1 - self.train_cfg.w_avg_beta)
        return ws

    def _fake(self, n: int, generator: torch.Generator) -> torch.Tensor:
        return self.g.synthesis(self._styles(n, generator), self.g.draw_noise(n, generator))

    def train_step(self, step: int, generator: torch.Generator) -> dict[str, float]:
        n = self.train_cfg.batch_size
        real = pad32(self.data.sample(n, generator)[0])                      # labels unused

        # D: real high, generated low; every r1_every steps also flatten D around the real images.
        regularise = self.train_cfg.r1_gamma > 0 and step % self.train_cfg.r1_every == 0
        real.requires_grad_(regularise)
        d_real, d_fake = self.d(real), self.d(self._fake(n, generator).detach())
        loss_d = F.softplus(-d_real).mean() + F.softplus(d_fake).mean()
        r1 = torch.zeros(())
        if regularise:
            grad, = torch.autograd.grad(d_real.sum(), real, create_graph=True)
            r1 = grad.pow(2).flatten(1).sum(1).mean()
            loss_d = loss_d + 0.5 * self.train_cfg.r1_gamma * self.train_cfg.r1_every * r1
        descend(self.opt_d, loss_d)

        # G: make D call its images real.
        loss_g = F.softplus(-self.d(self._fake(n, generator))).mean()
        descend(self.opt_g, loss_g)

        update_average(self.g_ema, self.g, n, self.train_cfg.ema_images)
        return {"loss_d": loss_d.item(), "loss_g": loss_g.item(), "r1": r1.item(),
                "d_real": torch.sigmoid(d_real).mean().item(), "d_fake": torch.sigmoid(d_fake).mean().item()}

    select_by = FrechetSelection.select_by

    @torch.inference_mode()
    def validate(self) -> dict[str, float]:
        """Fréchet distance (evaluator features) of 2,000 samples of the averaged generator (ψ = 1, fixed
        noise) to the 2,000 held-out training digits; the loop keeps the lowest."""
        fakes = torch.cat([self.g_ema(z, torch.Generator().manual_seed(i))
                           for i, z in enumerate(self.selection.validation_z.split(500))])
        return self.selection.figures(crop28(fakes))

    @torch.inference_mode()
    def sample_grid(self) -> torch.Tensor:
        images = self.g_ema(self.selection.grid_z, torch.Generator().manual_seed(0))
        return make_grid(images, nrow=8, normalize=True, value_range=(-1, 1))

    def exported(self):
        return {"stylegan": self.g_ema}
