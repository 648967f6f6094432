"""CycleGAN's training step: least-squares GAN loss, cycle loss, identity loss, image history.

A = photos, B = Monet paintings. G_ab: photo -> Monet, G_ba: Monet -> photo.
Generator loss (paper eq. 3 with the LSGAN objective and the identity term of section 5.2):
    (D_b(G_ab(a)) - 1)^2 + (D_a(G_ba(b)) - 1)^2
    + lambda_cycle * (|G_ba(G_ab(a)) - a|_1 + |G_ab(G_ba(b)) - b|_1)
    + lambda_cycle * (lambda_identity_photo2monet * |G_ab(b) - b|_1 + lambda_identity_monet2photo * |G_ba(a) - a|_1)
    + lambda_chroma * (|C(G_ab(a)) - box3(C(G_ab(a)))|_1 + the same for G_ba(b))    (ours, see below)
Discriminators see a history of 50 generated images (Shrivastava et al., 2017) rather than
only the latest, which damps oscillation. lambda_cycle may decay linearly over the run (`cycle_decay_to`): a strong
cycle term late in training makes the painting -> photo generator hide brush texture in its "photo" so that the
painting can be rebuilt from it.

The chroma term: the generators learned pixel-scale colour noise that no real painting or photo has (real
images keep well under 1% of their chroma power above 0.25 cycles/pixel, ours 10-30%; `metrics.colour_speckle`),
and that the discriminators, which judge 70-pixel patches, do not punish. It penalises the chroma channels
(Cb, Cr) of the generated images for differing from their own 3x3 local mean: colour may change at edges, but
not flicker from pixel to pixel. Luminance is left alone, so texture and brushwork are not smoothed away.

The last 20 paintings and 200 photos of the training folders are held out (`monet_photo_split`, shared with
the domain classifier that judges them) and `validate()` measures the generators on them.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.utils import make_grid

from ...losses import descend
from ...metrics import colour_speckle, luminance_detail, ssim, ycbcr
from ...training.data import monet_photo_split, random_indices
from ...training.gan import init_normal
from .model import CycleGANConfig, CycleGANGenerator, PatchDiscriminator


@dataclass
class CycleGANTrainConfig:
    steps: int = 5000              # optimisation steps; ~1.1 s each on one CPU core at batch 1, 128-pixel crops
    crop: int = 128                # random crops of the 256x256 images at their original scale (the generator is
                                   # fully convolutional and runs on the full image): 4x cheaper, same texture scale
    batch_size: int = 1            # crops per domain per step (the paper: 1); 4 crops of 64 cost about one of 128
    lr: float = 2e-4
    decay_from: float = 0.5        # linear learning-rate decay to 0 over the last half
    lambda_cycle: float = 10.0     # at step 0
    cycle_decay_to: float = 1.0    # lambda_cycle's fraction left at the last step, reached linearly (1: constant)
    lambda_identity_photo2monet: float = 0.5  # times lambda_cycle: |G_ab(b) - b|, keeps a painting a painting
    lambda_identity_monet2photo: float = 0.5  # times lambda_cycle: |G_ba(a) - a|; the paper added it for painting ->
                                               # photo to keep colours, but it makes that generator conservative
    pool_size: int = 50
    lambda_chroma: float = 0.0     # weight of the chroma-smoothness term (0: the paper's losses only)
    init_from: str = ""            # a folder holding cyclegan_photo2monet/ and cyclegan_monet2photo/ to start
                                   # the generators from (e.g. "checkpoints"); "": random initialisation
    validation_photos: int = 60    # held-out photos translated per validation (all 20 held-out paintings are)
    g_warmup: int = 0              # first steps in which only the discriminators learn (fresh ones beside
                                   # fine-tuned generators would otherwise hand them random gradients)


class ImagePool(nn.Module):
    """A history of generated images; a module so that it is saved with the training state."""

    per_process_state = True  # under several processes, each keeps its own history (training/processes.py)

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
        self.train_cfg, self.device = train, torch.device(device)
        split = monet_photo_split(data_root)                       # uint8 (N, 3, 256, 256)
        self.photos, self.monets = split["train_photo"], split["train_monet"]            # 3,800 and 220
        self.val_photos, self.val_monets = split["val_photo"], split["val_monet"]        # 200 and 20
        self.fixed_a, self.fixed_b = _to_float(self.val_photos[:4]).to(device), _to_float(self.val_monets[:4]).to(device)

        self.g_ab, self.g_ba = CycleGANGenerator(model).to(device), CycleGANGenerator(model).to(device)
        self.d_a, self.d_b = PatchDiscriminator(model).to(device), PatchDiscriminator(model).to(device)
        shape = (model.channels, train.crop, train.crop)
        self.pool_a, self.pool_b = ImagePool(train.pool_size, shape).to(device), ImagePool(train.pool_size, shape).to(device)
        for net in (self.g_ab, self.g_ba, self.d_a, self.d_b):
            net.apply(init_normal)
        if train.init_from:  # fine-tuning: the generators start from published weights (strictly loaded)
            from pathlib import Path

            for name, g in (("cyclegan_photo2monet", self.g_ab), ("cyclegan_monet2photo", self.g_ba)):
                g.load_state_dict(CycleGANGenerator.from_pretrained(Path(train.init_from) / name).state_dict())
        self.opt_g = torch.optim.Adam([*self.g_ab.parameters(), *self.g_ba.parameters()], train.lr, betas=(0.5, 0.999))
        self.opt_d = torch.optim.Adam([*self.d_a.parameters(), *self.d_b.parameters()], train.lr, betas=(0.5, 0.999))
        self.modules = {"g_ab": self.g_ab, "g_ba": self.g_ba, "d_a": self.d_a, "d_b": self.d_b,
                        "pool_a": self.pool_a, "pool_b": self.pool_b}
        self.optimizers = {"g": self.opt_g, "d": self.opt_d}

    def _crop(self, images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """`batch_size` random images, each randomly cropped and flipped: (batch_size, 3, crop, crop) in [-1, 1]."""
        size, crops = self.train_cfg.crop, []
        for img in images[random_indices(len(images), self.train_cfg.batch_size, generator)]:
            top, left = (int(v) for v in torch.randint(img.shape[-1] - size + 1, (2,), generator=generator))
            img = img[:, top:top + size, left:left + size]
            crops.append(img.flip(-1) if torch.rand((), generator=generator) < 0.5 else img)
        return _to_float(torch.stack(crops)).to(self.device)

    def lambda_cycle(self, step: int) -> float:
        """The cycle weight at `step`: lambda_cycle, decaying linearly to cycle_decay_to * lambda_cycle."""
        frac = step / max(1, self.train_cfg.steps - 1)
        return self.train_cfg.lambda_cycle * (1.0 - frac * (1.0 - self.train_cfg.cycle_decay_to))

    def _set_lr(self, step: int) -> None:
        decay_start = self.train_cfg.decay_from * self.train_cfg.steps
        frac = max(0.0, (step - decay_start) / max(1.0, self.train_cfg.steps - decay_start))
        for opt in self.optimizers.values():
            for group in opt.param_groups:
                group["lr"] = self.train_cfg.lr * (1.0 - frac)

    def train_step(self, step: int, generator: torch.Generator) -> dict[str, float]:
        train_cfg = self.train_cfg
        self._set_lr(step)
        real_a, real_b = self._crop(self.photos, generator), self._crop(self.monets, generator)

        # Generators (discriminators frozen in effect: only opt_g steps).
        fake_b, fake_a = self.g_ab(real_a), self.g_ba(real_b)
        pred_fb, pred_fa = self.d_b(fake_b), self.d_a(fake_a)
        loss_gan = F.mse_loss(pred_fb, torch.ones_like(pred_fb)) + F.mse_loss(pred_fa, torch.ones_like(pred_fa))
        loss_cycle = F.l1_loss(self.g_ba(fake_b), real_a) + F.l1_loss(self.g_ab(fake_a), real_b)
        zero = real_a.new_zeros(())
        idt_ab = F.l1_loss(self.g_ab(real_b), real_b) if train_cfg.lambda_identity_photo2monet else zero  # skipped when
        idt_ba = F.l1_loss(self.g_ba(real_a), real_a) if train_cfg.lambda_identity_monet2photo else zero  # off: cheaper
        loss_idt = train_cfg.lambda_identity_photo2monet * idt_ab + train_cfg.lambda_identity_monet2photo * idt_ba
        loss_chroma = chroma_roughness(fake_b) + chroma_roughness(fake_a)
        lambda_cycle = self.lambda_cycle(step)
        loss_g = loss_gan + lambda_cycle * (loss_cycle + loss_idt) + train_cfg.lambda_chroma * loss_chroma
        if step >= train_cfg.g_warmup:
            descend(self.opt_g, loss_g)

        # Discriminators: real -> 1, (historical) fake -> 0, halved as in the paper.
        def d_loss(d: nn.Module, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
            pr, pf = d(real), d(fake)
            return 0.5 * (F.mse_loss(pr, torch.ones_like(pr)) + F.mse_loss(pf, torch.zeros_like(pf)))

        loss_d = d_loss(self.d_a, real_a, self.pool_a.query(fake_a, generator)) + \
            d_loss(self.d_b, real_b, self.pool_b.query(fake_b, generator))
        descend(self.opt_d, loss_d)
        return {"g_gan": loss_gan.item(), "cycle": loss_cycle.item(), "identity": loss_idt.item(), "lambda_cycle": lambda_cycle,
                "chroma": loss_chroma.item(), "d": loss_d.item()}

    select_by = "bars_met"

    def validate(self) -> dict[str, float]:
        """On held-out training images at full size: how often the domain classifier takes the translations for
        the target domain, content kept (SSIM of luminance), and colour speckle against real target images.
        and luminance detail against real target images. `bars_met`: the worst of the figures as a fraction of its bar
        (`measures.BARS`), capped at 1 each, plus a hundredth of their sum to break ties."""
        import ganapp

        from ..domain.measures import monet_probability
        from .measures import BARS, luminance64

        judge = ganapp.load("domain_classifier")
        photos = self.val_photos[:self.train_cfg.validation_photos].float().div(127.5).sub(1).to(self.device)
        monets = self.val_monets.float().div(127.5).sub(1).to(self.device)
        p2m = torch.cat([self.g_ab(x[None]) for x in photos])
        m2p = torch.cat([self.g_ba(x[None]) for x in monets])
        figures = {
            "photo2monet_called_monet": float((monet_probability(judge, p2m) >= 0.5).float().mean()),
            "monet2photo_called_photo": float((monet_probability(judge, m2p) < 0.5).float().mean()),
            "ssim_photo2monet": float(ssim(luminance64(photos.cpu()), luminance64(p2m.cpu())).mean()),
            "ssim_monet2photo": float(ssim(luminance64(monets.cpu()), luminance64(m2p.cpu())).mean()),
            "speckle_ratio_photo2monet": float(colour_speckle(p2m.cpu()).mean() / colour_speckle(monets.cpu()).mean()),
            "speckle_ratio_monet2photo": float(colour_speckle(m2p.cpu()).mean() / colour_speckle(photos.cpu()).mean()),
        }
        for direction, outputs, real in (("photo2monet", p2m, monets), ("monet2photo", m2p, photos)):
            figures[f"detail_ratio_{direction}"] = float(luminance_detail(outputs.cpu()).mean() /
                                                         luminance_detail(real.cpu()).mean())
        within = lambda ratio: BARS["speckle_ratio"] * min(max(ratio, 1e-6), 1 / max(ratio, 1e-6))  # noqa: E731  1 inside 1.5x
        fractions = [figures["photo2monet_called_monet"] / BARS["photo2monet_called_monet"],
                     figures["monet2photo_called_photo"] / BARS["monet2photo_called_photo"],
                     figures["ssim_photo2monet"] / BARS["ssim"], figures["ssim_monet2photo"] / BARS["ssim"],
                     *(within(figures[f"{kind}_ratio_{d}"]) for kind in ("speckle", "detail")
                       for d in ("photo2monet", "monet2photo"))]
        figures["bars_met"] = min(min(f, 1.0) for f in fractions) + 0.01 * sum(min(f, 1.0) for f in fractions)
        return figures

    def sample_grid(self) -> torch.Tensor:
        """Rows: photo, -> Monet, -> back; painting, -> photo, -> back (4 held-out training images each)."""
        fake_b = self.g_ab(self.fixed_a)
        fake_a = self.g_ba(self.fixed_b)
        rows = [self.fixed_a, fake_b, self.g_ba(fake_b), self.fixed_b, fake_a, self.g_ab(fake_a)]
        return make_grid(torch.cat(rows), nrow=4, normalize=True, value_range=(-1, 1))

    def exported(self):
        return {"cyclegan_photo2monet": self.g_ab, "cyclegan_monet2photo": self.g_ba}


def chroma_roughness(images: torch.Tensor) -> torch.Tensor:
    """Mean |chroma - its 3x3 local mean| over the Cb and Cr channels of (B, 3, H, W) RGB in [-1, 1]."""
    chroma = ycbcr(images)[:, 1:]
    return (chroma - F.avg_pool2d(F.pad(chroma, (1, 1, 1, 1), mode="replicate"), 3, stride=1)).abs().mean()
