"""Training the MNIST evaluator: cross-entropy with light augmentation (small shifts and
rotations), so that it reads generated digits, which are rarely perfectly centred, reliably."""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torchvision.transforms import v2
from torchvision.utils import make_grid

from ...losses import descend
from ...training.data import MNISTSampler
from .model import ClassifierConfig, MNISTClassifier


@dataclass
class ClassifierTrainConfig:
    steps: int = 1500        # ~3 epochs of batch 128
    batch_size: int = 128
    lr: float = 2e-3


class ClassifierRecipe:
    model_config_class = ClassifierConfig  # what `python -m ganapp.train` builds; `--set` overrides
    train_config_class = ClassifierTrainConfig

    def __init__(self, model: ClassifierConfig, train: ClassifierTrainConfig, data_root=None, device="cpu"):
        self.train_cfg = train
        self.data = MNISTSampler("train", data_root, device)
        self.test = MNISTSampler("test", data_root, device)
        self.net = MNISTClassifier(model).to(device)
        self.opt = torch.optim.AdamW(self.net.parameters(), train.lr, weight_decay=1e-4)
        self.modules, self.optimizers = {"net": self.net}, {"net": self.opt}
        self.augment = v2.RandomAffine(degrees=10, translate=(0.1, 0.1), scale=(0.9, 1.1))

    def train_step(self, step: int, generator: torch.Generator) -> dict[str, float]:
        for group in self.opt.param_groups:  # cosine decay to zero
            group["lr"] = 0.5 * self.train_cfg.lr * (1 + torch.cos(torch.tensor(torch.pi * step / self.train_cfg.steps))).item()
        x, y = self.data.sample(self.train_cfg.batch_size, generator)
        loss = F.cross_entropy(self.net(self.augment(x)), y)
        descend(self.opt, loss)
        return {"loss": loss.item()}

    def sample_grid(self) -> torch.Tensor:
        # The first 64 test digits, with the ones it misreads shown inverted.
        x, y = self.test.images[:64], self.test.labels[:64]
        wrong = (self.net(x).argmax(1) != y).view(-1, 1, 1, 1)
        return make_grid(torch.where(wrong, 1 - x, x), nrow=8)

    def exported(self):
        return {"classifier": self.net}
