"""Training the photo-or-painting judge: balanced batches of training paintings and photos, every image
randomly blurred, sharpened, re-coloured, re-contrasted and noised — the same for both classes, so that none
of these cues tells the classes apart and the network must look at what is painted and how. With `min_crop` < 1
each image is first a random square crop of the 256x256 original (side `min_crop`..1 of it), resized to the
model's size: with only 220 training paintings, many more distinct views of each, at slightly varied scales.

The last 20 paintings and 200 photos of the training folders (by file name) are held out for validation and
model selection (`monet_photo_split`); the CycleGAN recipe holds out the same ones. The test folders are
never touched here.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torchvision.utils import make_grid

from ...losses import descend
from ...training.data import monet_photo_split, random_indices
from .augment import random_filters
from .model import DomainClassifier, DomainConfig


@dataclass
class DomainTrainConfig:
    steps: int = 2000
    batch_size: int = 32     # half paintings, half photos
    lr: float = 1e-3
    weight_decay: float = 1e-4
    min_crop: float = 1.0    # random square crops of min_crop..1 of the side before resizing (1: the whole image)


def area_resize(images: torch.Tensor, size: int) -> torch.Tensor:
    """uint8 (N, 3, H, W) -> uint8 (N, 3, size, size), area-averaged, in chunks (the full set is ~800 MB)."""
    return torch.cat([F.interpolate(c.float(), size=(size, size), mode="area").round().to(torch.uint8)
                      for c in images.split(256)])


class DomainRecipe:
    model_config_class = DomainConfig
    train_config_class = DomainTrainConfig
    select_by = "balanced_accuracy"   # of the held-out training images, with and without filters

    def __init__(self, model: DomainConfig, train: DomainTrainConfig, data_root=None, device="cpu"):
        self.train_cfg, self.device = train, torch.device(device)
        # Resized once, as the model resizes (area), and kept as uint8: cheap steps. Crops need the originals.
        originals = monet_photo_split(data_root)
        split = {k: area_resize(v, model.image_size) for k, v in originals.items()}
        self.size = model.image_size
        cropping = train.min_crop < 1
        self.photos = originals["train_photo"] if cropping else split["train_photo"]
        self.monets = originals["train_monet"] if cropping else split["train_monet"]
        self.val_photos, self.val_monets = split["val_photo"], split["val_monet"]
        self.net = DomainClassifier(model).to(device)
        self.opt = torch.optim.AdamW(self.net.parameters(), train.lr, weight_decay=train.weight_decay)
        self.modules, self.optimizers = {"net": self.net}, {"net": self.opt}

    def _batch(self, images: torch.Tensor, n: int, generator: torch.Generator) -> torch.Tensor:
        picked = images[random_indices(len(images), n, generator)]
        if self.train_cfg.min_crop < 1:  # a random square of each original, area-resized to the model's size
            full, crops = picked.shape[-1], []
            for img in picked:
                side = int(full * (self.train_cfg.min_crop + (1 - self.train_cfg.min_crop) * torch.rand((), generator=generator)))
                top, left = (int(v) for v in torch.randint(full - side + 1, (2,), generator=generator))
                crops.append(img[:, top:top + side, left:left + side])
            picked = torch.cat([area_resize(c[None], self.size) for c in crops])
        x = picked.float().div(127.5).sub(1).to(self.device)
        return torch.where(torch.rand(n, 1, 1, 1, generator=generator).to(self.device) < 0.5, x.flip(-1), x)

    def train_step(self, step: int, generator: torch.Generator) -> dict[str, float]:
        for group in self.opt.param_groups:  # cosine decay to zero
            group["lr"] = 0.5 * self.train_cfg.lr * (1 + torch.cos(torch.tensor(torch.pi * step / self.train_cfg.steps))).item()
        half = self.train_cfg.batch_size // 2
        x = torch.cat([self._batch(self.photos, half, generator), self._batch(self.monets, half, generator)])
        x = random_filters(x, generator)
        y = torch.cat([torch.zeros(half), torch.ones(half)]).to(self.device)
        loss = F.binary_cross_entropy_with_logits(self.net(x), y)
        descend(self.opt, loss)
        return {"loss": loss.item()}

    def validate(self) -> dict[str, float]:
        from .measures import verdicts

        figures = verdicts(self.net, self.val_photos.float() / 127.5 - 1, self.val_monets.float() / 127.5 - 1)
        figures["balanced_accuracy"] = (figures["accuracy_photo"] + figures["accuracy_monet"]) / 2 - \
            max(0.0, figures["filtered_monet_called_photo"] - 0.15) - max(0.0, figures["filtered_photo_called_monet"] - 0.4)
        return figures

    def sample_grid(self) -> torch.Tensor:
        # The held-out paintings and the first 20 held-out photos, those it misjudges shown inverted.
        monets, photos = self.val_monets[:20], self.val_photos[:20]
        x = torch.cat([monets, photos]).float() / 127.5 - 1
        y = torch.cat([torch.ones(len(monets)), torch.zeros(len(photos))])
        wrong = ((self.net(x.to(self.device)).cpu() > 0).float() != y).view(-1, 1, 1, 1)
        return make_grid(torch.where(wrong, -x, x), nrow=10, normalize=True, value_range=(-1, 1))

    def exported(self):
        return {"domain_classifier": self.net}
