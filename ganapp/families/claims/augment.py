"""Claim 1, "GAN images are extra training data": a small classifier trained on N labelled digits, alone or with
generated digits added, under each way of labelling them. Pure training code; `inference.py` checks inputs and
`evaluate.py` runs the whole table.

The arms (the survey's three labellings of unlabelled generated images, for K = 10 classes, and three more):
    none          the N real digits only
    extra_class   (a) the generated images form an eleventh class, "generated"; at test time the first ten count
    pseudo_label  (b) each generated image's target is the class the classifier finds most probable at that step
                  (after a warm-up on the real digits alone, when its guesses still mean nothing)
    uniform       (c) the target is 1/K for every class: "this is a digit, but no digit in particular"
    conditional   (d) a conditional GAN trained on the same N labelled digits draws each digit it is asked for
    classic       no GAN: small random shifts, rotations, rescalings and elastic distortions of the real digits
    classic+best  classic augmentation together with the GAN arm that did best on validation for that N

Every arm trains the same network for the same number of steps on batches drawn uniformly from its training set
(N real digits, plus `generated_ratio` x N generated ones), with a soft-target cross-entropy. Everything random
is drawn from one generator seeded by `seed`, so one (N, arm, seed) gives one figure on one machine.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F

from ...losses import descend
from . import GAN_ARMS
from .model import ClassifierConfig, MNISTClassifier

K = 10  # digit classes


@dataclass(frozen=True)
class CellSettings:
    """Fixed before any test figure was seen (the issue allows fixing them beforehand; none is tuned)."""
    steps: int = 600              # batch-32 steps whatever N: the same compute for every arm (~10 s on one core)
    batch_size: int = 32
    lr: float = 2e-3              # AdamW, cosine-decayed to 0
    weight_decay: float = 1e-4
    width: int = 8                # the evaluator's CNN at a quarter of its width: seconds per run
    features: int = 64
    generated_ratio: int = 1      # generated images per real one (the main setting; 4 is its other)
    pseudo_warmup: float = 0.2    # arm (b): share of the steps on real digits only, before guesses are used


def soft_targets(arm: str, logits: torch.Tensor, labels: torch.Tensor, generated: torch.Tensor) -> torch.Tensor:
    """The training target of each image of a batch as a distribution over the classifier's outputs.

    logits: (B, C) the classifier's current outputs (C = 11 for extra_class, else 10); labels: (B,) the real
    label, or the asked digit for the conditional GAN's images (ignored for the unlabelled generated ones);
    generated: (B,) bool. Returns (B, C), rows summing to 1.
    """
    classes = logits.shape[1]
    target = F.one_hot(labels.clamp(0, K - 1), classes).float()                 # real digits: their label
    if arm == "extra_class":
        fake = F.one_hot(torch.full_like(labels, K), classes).float()          # (a) the class "generated"
    elif arm == "pseudo_label":
        fake = F.one_hot(logits.detach()[:, :K].argmax(1), classes).float()   # (b) the current best guess
    elif arm == "uniform":
        fake = torch.full_like(target, 1.0 / K)                                 # (c) every digit alike
    else:
        return target                                                           # (d) and the others: labelled
    return torch.where(generated.unsqueeze(1), fake, target)


def classic_augment(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Shifts (up to 2 px), rotations (up to 10 degrees), rescalings (0.9-1.1) and an elastic distortion
    (Simard et al., 2003: a smooth random displacement field, here bicubically upsampled from 5x5 random
    vectors rather than blurred, which costs far less, scaled to at most 1.5 px)
    of (B, 1, 28, 28) digits in [0, 1]."""
    b, _, h, w = x.shape
    u = lambda *shape: torch.rand(*shape, generator=generator) * 2 - 1  # noqa: E731  U(-1, 1)
    angle, scale, shift = u(b) * torch.pi / 18, 1 + 0.1 * u(b), u(b, 2) * 2 * 2 / h   # shift: 2 px in grid units
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, [b, 1, h, w], align_corners=False)               # (B, H, W, 2)
    field = F.interpolate(u(b, 2, 5, 5), size=(h, w), mode="bicubic", align_corners=False)  # (B, 2, H, W), smooth
    field = field / field.abs().amax(dim=(1, 2, 3), keepdim=True).clamp_min(1e-8) * 1.5 * 2 / h
    return F.grid_sample(x, grid + field.permute(0, 2, 3, 1), mode="bilinear", padding_mode="zeros", align_corners=False)


@torch.no_grad()
def generated_digits(gan, count: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """`count` samples of a claims GAN in [0, 1] and the digit each was asked for ((count,) of 0 for the
    unconditional one, whose samples carry no label)."""
    labels = torch.arange(count) % gan.config.n_classes
    z = torch.randn(count, gan.config.z_dim, generator=generator)
    images = torch.cat([gan(zc, yc) for zc, yc in zip(z.split(500), labels.split(500))])
    return (images + 1) / 2, labels


def train_classifier(real: tuple[torch.Tensor, torch.Tensor], arm: str, seed: int, settings: CellSettings,
                     generated: tuple[torch.Tensor, torch.Tensor] | None = None, classic: bool = False,
                     progress: Callable[[int, int], None] | None = None) -> MNISTClassifier:
    """Train one classifier. real: (images (N, 1, 28, 28) in [0, 1], labels (N,)); generated: the added images
    and their asked labels (None for arms without a GAN); `arm` names the labelling (GAN_ARMS, or "none")."""
    generator = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng(devices=[]):  # the network's initialisation from this seed, not the global RNG
        torch.manual_seed(seed)
        net = MNISTClassifier(ClassifierConfig(width=settings.width, features=settings.features, dropout=0.0,
                                               classes=K + 1 if arm == "extra_class" else K))
    images, labels = real
    is_generated = torch.zeros(len(labels), dtype=torch.bool)
    if generated is not None:
        images, labels = torch.cat([images, generated[0]]), torch.cat([labels, generated[1]])
        is_generated = torch.cat([is_generated, torch.ones(len(generated[1]), dtype=torch.bool)])
    opt = torch.optim.AdamW(net.parameters(), settings.lr, weight_decay=settings.weight_decay)
    net.train()
    for step in range(settings.steps):
        for group in opt.param_groups:
            group["lr"] = 0.5 * settings.lr * (1 + torch.cos(torch.tensor(torch.pi * step / settings.steps))).item()
        idx = torch.randint(len(labels), (settings.batch_size,), generator=generator)
        x, y, fake = images[idx], labels[idx], is_generated[idx]
        if classic:
            x = classic_augment(x, generator)
        logits = net(x)
        per_image = -(soft_targets(arm, logits, y, fake) * F.log_softmax(logits, 1)).sum(1)   # (B,)
        if arm == "pseudo_label" and step < settings.pseudo_warmup * settings.steps:
            per_image = per_image * (~fake)                                     # guesses count only after warm-up
        loss = per_image.mean()
        descend(opt, loss)
        if progress is not None:
            progress(step + 1, settings.steps)
    return net.eval()


@torch.no_grad()
def accuracy(net: MNISTClassifier, images: torch.Tensor, labels: torch.Tensor) -> float:
    """Share of `images` whose most probable digit (of the first ten outputs) is their label."""
    preds = torch.cat([net(x)[:, :K].argmax(1) for x in images.split(1000)])
    return float((preds == labels).float().mean())


def run_cell(real, arm: str, seed: int, gans: dict, evaluation: tuple[torch.Tensor, torch.Tensor],
             best_gan_arm: str | None = None, settings: CellSettings = CellSettings(),
             progress: Callable[[int, int], None] | None = None) -> dict:
    """One (N, arm, seed) cell: train, then measure on `evaluation` (images, labels): the test digits, or a
    validation split. gans: {"gan": unconditional generator, "cgan": conditional generator} trained on `real`.
    Returns {"accuracy", "seconds"}."""
    start = time.perf_counter()
    labelling = best_gan_arm if arm == "classic+best" else arm
    if labelling in GAN_ARMS:
        gan = gans["cgan" if labelling == "conditional" else "gan"]
        generated = generated_digits(gan, settings.generated_ratio * len(real[1]),
                                     torch.Generator().manual_seed(10_000 + seed))
    else:
        labelling, generated = "none", None
    net = train_classifier(real, labelling, seed, settings, generated, classic=arm.startswith("classic"), progress=progress)
    return {"accuracy": accuracy(net, *evaluation), "seconds": time.perf_counter() - start}
