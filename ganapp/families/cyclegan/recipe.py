"""CycleGAN's training step: least-squares GAN loss, cycle loss, identity loss, image history.

A = photos, B = Monet paintings. G_ab: photo -> Monet, G_ba: Monet -> photo.
Generator loss (paper eq. 3 with the LSGAN objective and the identity term of section 5.2):
    (D_b(G_ab(a)) - 1)^2 + (D_a(G_ba(b)) - 1)^2
    + lambda_cycle * (|G_ba(G_ab(a)) - a|_1 + |G_ab(G_ba(b)) - b|_1)
    + lambda_identity * lambda_cycle * (|G_ab(b) - b|_1 + |G_ba(a) - a|_1)
Discriminators see a history of 50 generated images (Shrivastava et al., 2017) rather than
only the latest, which damps oscillation.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.utils import make_grid

from ...training.data import load_image_folder, monet_photo_folder, random_indices
from .model import CycleGANConfig, CycleGANGenerator, PatchDiscriminator


@dataclass
class CycleGANTrainConfig:
    steps: int = 5000              # batch-1 steps; ~1.1 s each on one CPU core at 128-pixel crops
    crop: int = 128                # random crops of the 256x256 images: 4x cheaper, same texture scale
    lr: float = 2e-4
    decay_from: float = 0.5        # linear learning-rate decay to 0 over the last half
    lambda_cycle: float = 10.0
    lambda_identity: float = 0.5   # times lambda_cycle, as in the paper's painting<->photo runs
    pool_size: int = 50


class ImagePool(nn.Module):
    """A history of generated images; a module so that it is saved with the training state."""

    def __init__(self, size: int, shape: tuple[int, ...]):
        super().__init__()
        self.register_buffer("images", torch.zeros(size, *shape))
        self.register_buffer("count", torch.zeros((), dtype=torch.long))

    def query(self, fake: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """Return (for each image) either it, or with probability 1/2 a stored one it replaces."""
        out = []
        for img in fake.detach():
            n = int(self.count)
            if n < len(self.images):
                self.images[n] = img
                self.count += 1
                out.append(img)
            elif torch.rand((), generator=generator) < 0.5:
                i = int(torch.randint(len(self.images), (), generator=generator))
                out.append(self.images[i].clone())
                self.images[i] = img
            else:
                out.append(img)
        return torch.stack(out)


def _to_float(x: torch.Tensor) -> torch.Tensor:
    return x.float().div(127.5).sub(1.0)  # uint8 [0, 255] -> [-1, 1]


class CycleGANRecipe:
    model_config_class = CycleGANConfig  # what `python -m ganapp.train` builds; `--set` overrides
    train_config_class = CycleGANTrainConfig

    def __init__(self, model: CycleGANConfig, train: CycleGANTrainConfig, data_root=None, device="cpu"):
        self.cfg, self.device = train, torch.device(device)
        self.photos = load_image_folder(monet_photo_folder("train", "photo", data_root))   # (4000, 3, 256, 256) uint8
        self.monets = load_image_folder(monet_photo_folder("train", "monet", data_root))   # (240, 3, 256, 256) uint8
        test_a = load_image_folder(monet_photo_folder("test", "photo", data_root), limit=4)  # for the sample grid only
        test_b = load_image_folder(monet_photo_folder("test", "monet", data_root), limit=4)
        self.fixed_a, self.fixed_b = _to_float(test_a).to(device), _to_float(test_b).to(device)

        self.g_ab, self.g_ba = CycleGANGenerator(model).to(device), CycleGANGenerator(model).to(device)
        self.d_a, self.d_b = PatchDiscriminator(model).to(device), PatchDiscriminator(model).to(device)
        shape = (model.channels, train.crop, train.crop)
        self.pool_a, self.pool_b = ImagePool(train.pool_size, shape).to(device), ImagePool(train.pool_size, shape).to(device)
        for net in (self.g_ab, self.g_ba, self.d_a, self.d_b):
            net.apply(_init_normal)
        self.opt_g = torch.optim.Adam([*self.g_ab.parameters(), *self.g_ba.parameters()], train.lr, betas=(0.5, 0.999))
        self.opt_d = torch.optim.Adam([*self.d_a.parameters(), *self.d_b.parameters()], train.lr, betas=(0.5, 0.999))
        self.modules = {"g_ab": self.g_ab, "g_ba": self.g_ba, "d_a": self.d_a, "d_b": self.d_b,
                        "pool_a": self.pool_a, "pool_b": self.pool_b}
        self.optimizers = {"g": self.opt_g, "d": self.opt_d}

    def _crop(self, images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """One random image, randomly cropped and flipped: (1, 3, crop, crop) in [-1, 1]."""
        img = images[random_indices(len(images), 1, generator)]
        size = self.cfg.crop
        top, left = (int(v) for v in torch.randint(img.shape[-1] - size + 1, (2,), generator=generator))
        img = img[..., top:top + size, left:left + size]
        if torch.rand((), generator=generator) < 0.5:
            img = img.flip(-1)
        return _to_float(img).to(self.device)

    def _set_lr(self, step: int) -> None:
        decay_start = self.cfg.decay_from * self.cfg.steps
        frac = max(0.0, (step - decay_start) / max(1.0, self.cfg.steps - decay_start))
        for opt in self.optimizers.values():
            for group in opt.param_groups:
                group["lr"] = self.cfg.lr * (1.0 - frac)

    def train_step(self, step: int, generator: torch.Generator) -> dict[str, float]:
        cfg = self.cfg
        self._set_lr(step)
        real_a, real_b = self._crop(self.photos, generator), self._crop(self.monets, generator)

        # Generators (discriminators frozen in effect: only opt_g steps).
        fake_b, fake_a = self.g_ab(real_a), self.g_ba(real_b)
        pred_fb, pred_fa = self.d_b(fake_b), self.d_a(fake_a)
        loss_gan = F.mse_loss(pred_fb, torch.ones_like(pred_fb)) + F.mse_loss(pred_fa, torch.ones_like(pred_fa))
        loss_cycle = F.l1_loss(self.g_ba(fake_b), real_a) + F.l1_loss(self.g_ab(fake_a), real_b)
        loss_idt = F.l1_loss(self.g_ab(real_b), real_b) + F.l1_loss(self.g_ba(real_a), real_a)
        loss_g = loss_gan + cfg.lambda_cycle * loss_cycle + cfg.lambda_identity * cfg.lambda_cycle * loss_idt
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()

        # Discriminators: real -> 1, (historical) fake -> 0, halved as in the paper.
        def d_loss(d: nn.Module, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
            pr, pf = d(real), d(fake)
            return 0.5 * (F.mse_loss(pr, torch.ones_like(pr)) + F.mse_loss(pf, torch.zeros_like(pf)))

        loss_d = d_loss(self.d_a, real_a, self.pool_a.query(fake_a, generator)) + \
            d_loss(self.d_b, real_b, self.pool_b.query(fake_b, generator))
        self.opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        self.opt_d.step()
        return {"g_gan": loss_gan.item(), "cycle": loss_cycle.item(), "identity": loss_idt.item(), "d": loss_d.item()}

    def sample_grid(self) -> torch.Tensor:
        """Rows: photo, -> Monet, -> back; painting, -> photo, -> back (4 test images each)."""
        fake_b = self.g_ab(self.fixed_a)
        fake_a = self.g_ba(self.fixed_b)
        rows = [self.fixed_a, fake_b, self.g_ba(fake_b), self.fixed_b, fake_a, self.g_ab(fake_a)]
        return make_grid(torch.cat(rows), nrow=4, normalize=True, value_range=(-1, 1))

    def exported(self):
        return {"cyclegan_photo2monet": self.g_ab, "cyclegan_monet2photo": self.g_ba}


def _init_normal(m: nn.Module) -> None:
    # The paper's initialisation: weights ~ N(0, 0.02), biases 0.
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(m.weight, 0.0, 0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
