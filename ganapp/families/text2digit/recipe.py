"""Text to digit's training step: GAN-CLS and GAN-INT (Reed et al., 2016) on captioned MNIST.

Each training digit is measured once (thickness, slant, width, size; `ganapp.metrics`) and bucketed against
the other digits of its class; every step draws fresh captions for its batch from the grammar in captions.py,
half in English, half in Chinese. The losses, with s(x, e) the discriminator's logit and softplus(-s) = -log D:

    D: softplus(-s(x, e)) + 1/2 [softplus(s(G(z, e), e)) + softplus(s(x, e_wrong))]      matching-aware (CLS)
    G: softplus(-s(G(z, e), e)) + softplus(-s(G(z', e_mix), e_mix))                       + interpolation (INT)

e_wrong is a caption that does not fit the image: half the time another digit's caption, half the time the
image's own caption with one attribute turned around ("a thin 7" for a thick 7), so that the discriminator
must read the shape words, not only the digit. e_mix is the midpoint of two captions' embeddings.
The text encoder learns from its own loss: from a caption's embedding, predict the digit and what the caption
says of each attribute (low / nothing / high). The GAN sees its embeddings detached, so the encoder is a stable
map of meaning rather than whatever helps the adversaries.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.utils import make_grid

from ...losses import descend
from ...metrics import mean_pairwise_distance
from ...training.data import MNISTSampler, random_indices
from .captions import ATTRIBUTES, LANGUAGES, SAMPLE_PROMPTS, parse, render
from .inference import token_ids
from .measures import attribute_buckets, attribute_pair_agreement, digit_accuracy, generate
from .model import Text2DigitConfig, Text2DigitDiscriminator, Text2DigitGenerator


@dataclass
class Text2DigitTrainConfig:
    steps: int = 10000       # batch-64 steps
    batch_size: int = 64
    lr: float = 2e-4         # both adversaries (Adam, DCGAN's betas)
    beta1: float = 0.5
    text_lr: float = 1e-3    # the text encoder and its prediction heads
    validation_size: int = 2000  # training digits held out: validation captions come from them
    validation_samples: int = 600   # digits generated per validation (digit accuracy)
    validation_pairs: int = 50      # prompt pairs per attribute per validation
    validation_variety: int = 100   # samples per digit of the bare prompt "<digit>" for the variety ratio
    lambda_ms: float = 0.3   # mode seeking (MSGAN, Mao et al. 2019): G's loss adds lambda / (image distance over
    # noise distance) of two samples of one caption, so that different noise gives different digits; 0: off.
    # 0.3 (shipped): variety 0.58 -> 0.86 at 97.8% held-out English accuracy; 1.0 cost accuracy (96.5% on validation)


class CaptionHeads(nn.Module):
    """From a sentence embedding: the digit (10 logits) and, per attribute, low / not said / high (3 logits)."""

    def __init__(self, text_dim: int):
        super().__init__()
        self.digit = nn.Linear(text_dim, 10)
        self.attributes = nn.Linear(text_dim, 3 * len(ATTRIBUTES))

    def forward(self, e: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.digit(e), self.attributes(e).view(len(e), len(ATTRIBUTES), 3)  # (B, 10), (B, 4, 3)


class Text2DigitRecipe:
    model_config_class = Text2DigitConfig
    train_config_class = Text2DigitTrainConfig
    select_by = "score"  # mean of validation digit accuracy and attribute-pair agreement

    def __init__(self, model: Text2DigitConfig, train: Text2DigitTrainConfig, data_root=None, device="cpu"):
        self.train_cfg, self.model_cfg, self.device = train, model, torch.device(device)
        self.data = MNISTSampler("train", data_root, device)
        self.held_out = self.data.hold_out(train.validation_size)
        self.buckets = attribute_buckets(self.data.images, self.data.labels)  # (N, 4) in {-1, 0, 1}
        self.held_out_buckets = attribute_buckets(self.held_out.images, self.held_out.labels)
        self.g, self.d = Text2DigitGenerator(model).to(device), Text2DigitDiscriminator(model).to(device)
        self.heads = CaptionHeads(model.text_dim).to(device)
        gan_params = [p for n, p in self.g.named_parameters() if not n.startswith("text.")]
        self.opt_g = torch.optim.Adam(gan_params, train.lr, betas=(train.beta1, 0.999))
        self.opt_d = torch.optim.Adam(self.d.parameters(), train.lr, betas=(train.beta1, 0.999))
        self.opt_text = torch.optim.Adam([*self.g.text.parameters(), *self.heads.parameters()], train.text_lr)
        self.modules = {"g": self.g, "d": self.d, "heads": self.heads}
        self.optimizers = {"g": self.opt_g, "d": self.opt_d, "text": self.opt_text}
        fixed = torch.Generator().manual_seed(1234)  # rows: SAMPLE_PROMPTS; columns: the same 8 noise vectors
        self.fixed_z = torch.randn(8, model.z_dim, generator=fixed).repeat(len(SAMPLE_PROMPTS), 1).to(device)
        self.fixed_ids = token_ids([parse(p, model.vocab) for p in SAMPLE_PROMPTS for _ in range(8)], device)

    def captions(self, labels: torch.Tensor, buckets: torch.Tensor, rng: random.Random, wrong: bool = False):
        """Token ids (B, L), and what each caption says: digits (B,) and attribute classes (B, 4) in {0, 1, 2}.
        With `wrong`, captions that do not fit: one attribute turned around, else another digit."""
        parsed, said = [], []
        for label, row in zip(labels.tolist(), buckets.tolist()):
            language = rng.choice(LANGUAGES)
            extremes = [a for a, b in zip(ATTRIBUTES, row) if b != 0]
            if wrong and extremes and rng.random() < 0.5:
                flipped = rng.choice(extremes)
                text, says = render(label, {flipped: -row[ATTRIBUTES.index(flipped)]}, language, rng, mention=1.0)
            elif wrong:
                other = rng.choice([d for d in range(10) if d != label])
                text, says = render(other, {}, language, rng)
                label = other
            else:
                text, says = render(label, dict(zip(ATTRIBUTES, row)), language, rng)
            parsed.append(parse(text, self.model_cfg.vocab))
            said.append([label, *(says[a] + 1 for a in ATTRIBUTES)])
        said = torch.tensor(said, device=self.device)
        return token_ids(parsed, self.device), said[:, 0], said[:, 1:]

    def train_step(self, step: int, generator: torch.Generator) -> dict[str, float]:
        idx = random_indices(len(self.data), self.train_cfg.batch_size, generator).to(self.device)
        real, labels, buckets = self.data.images[idx] * 2 - 1, self.data.labels[idx], self.buckets[idx]
        rng = random.Random(int(torch.randint(2**62, (1,), generator=generator)))  # captions follow the run's seed
        ids, digits, said = self.captions(labels, buckets, rng)
        wrong_ids, *_ = self.captions(labels, buckets, rng, wrong=True)
        n = len(real)

        # The text encoder: predict what each caption says.
        e = self.g.text(ids)
        digit_logits, attribute_logits = self.heads(e)
        loss_text = F.cross_entropy(digit_logits, digits) + F.cross_entropy(attribute_logits.flatten(0, 1), said.flatten())
        descend(self.opt_text, loss_text)

        with torch.no_grad():
            e, e_wrong = self.g.text(ids), self.g.text(wrong_ids)
            e_mix = (e + e[torch.randperm(n, generator=generator).to(self.device)]) / 2
        z = torch.randn(2 * n, self.model_cfg.z_dim, generator=generator).to(self.device)
        fake = self.g.decode(z[:n], e)

        d_real, d_fake, d_wrong = self.d(real, e), self.d(fake.detach(), e), self.d(real, e_wrong)
        loss_d = F.softplus(-d_real).mean() + (F.softplus(d_fake).mean() + F.softplus(d_wrong).mean()) / 2
        descend(self.opt_d, loss_d)

        loss_g = F.softplus(-self.d(fake, e)).mean() + F.softplus(-self.d(self.g.decode(z[n:], e_mix), e_mix)).mean()
        figures = {}
        if self.train_cfg.lambda_ms:
            # Half the batch's captions drawn again from other noise: the mean L1 distance between the two images
            # per unit of L1 distance between their noises (MSGAN's ratio), to be large.
            half = n // 2
            z_other = torch.randn(half, self.model_cfg.z_dim, generator=generator).to(self.device)
            other = self.g.decode(z_other, e[:half])
            ratio = (fake[:half] - other).abs().mean() / (z[:half] - z_other).abs().mean()
            loss_g = loss_g + self.train_cfg.lambda_ms / (ratio + 1e-5)
            figures["ms_ratio"] = ratio.item()
        descend(self.opt_g, loss_g)
        return {"d": loss_d.item(), "g": loss_g.item(), "text": loss_text.item(),
                "d_real": torch.sigmoid(d_real).mean().item(), "d_wrong": torch.sigmoid(d_wrong).mean().item(), **figures}

    def validate(self) -> dict[str, float]:
        """Digit accuracy of samples for captions of held-out training digits (training templates) and agreement
        of attribute pairs; never the test set or the held-out templates."""
        rng = random.Random(0)
        n = self.train_cfg.validation_samples
        accuracy = digit_accuracy(self.g, self.held_out.labels[:n], self.held_out_buckets[:n], rng, held_out=False)
        pairs = attribute_pair_agreement(self.g, self.train_cfg.validation_pairs, rng, held_out=False)
        per_digit = self.train_cfg.validation_variety
        variety = min(mean_pairwise_distance(generate(self.g, [str(d)] * per_digit, d))
                      / mean_pairwise_distance(self.held_out.images[self.held_out.labels == d][:per_digit])
                      for d in range(10))
        return {"accuracy": accuracy, **{f"pairs_{a}": v for a, v in pairs.items()}, "variety": variety,
                "score": (accuracy + sum(pairs.values()) / len(pairs)) / 2}

    def sample_grid(self) -> torch.Tensor:
        return make_grid(self.g(self.fixed_z, self.fixed_ids), nrow=8, normalize=True, value_range=(-1, 1))

    def exported(self):
        return {"text2digit": self.g}
