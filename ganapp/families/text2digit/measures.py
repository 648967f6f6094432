"""Text to digit's measures, pure figures of a generator: does the digit match the words, do shape words move the
shape. The evaluation (evaluate.py) reports them on the test digits with held-out templates; validation during
training (recipe.py) on held-out training digits with the training templates.
"""
from __future__ import annotations

import random

import torch

from ...metrics import evaluator_outputs, size, slant, thickness, width
from ...sampling import seeded_noise
from .captions import ATTRIBUTES, LANGUAGES, parse, render
from .inference import token_ids

MEASURES = {"thickness": thickness, "slant": slant, "width": width, "size": size}  # attribute -> (B,1,H,W) -> (B,)
VARIETY_BAR = 0.8      # samples of one prompt: their spread over real digits' spread, the least varied digit (#29)
LOW, HIGH = 0.3, 0.7   # a digit is "thin" below its class's 30th thickness percentile, "thick" above the 70th


# --- attribute buckets of real digits ------------------------------------------------------------

def measure(images01: torch.Tensor) -> torch.Tensor:
    """The four shape measures of each digit: (N, 1, 28, 28) in [0, 1] -> (N, 4), columns as ATTRIBUTES."""
    return torch.stack([torch.cat([MEASURES[a](chunk) for chunk in images01.cpu().split(4096)]) for a in ATTRIBUTES], 1)


def attribute_buckets(images01: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """-1 / 0 / +1 per digit and attribute: below its class's LOW quantile, between, above HIGH. (N, 4) int64."""
    values, labels = measure(images01), labels.cpu()
    buckets = torch.zeros(values.shape, dtype=torch.long)
    for d in range(10):
        rows = labels == d
        lo, hi = torch.quantile(values[rows], torch.tensor([LOW, HIGH]), dim=0)  # (4,) each
        buckets[rows] = (values[rows] > hi).long() - (values[rows] < lo).long()
    return buckets.to(images01.device)


# --- the figures (also used by validation) ------------------------------------------------------

@torch.no_grad()
def generate(g, texts: list[str], seed: int, scale: float = 1.0) -> torch.Tensor:
    """One sample per text, noise from `seed` times `scale`: (N, 1, 28, 28) in [0, 1]."""
    device = next(g.parameters()).device
    out = []
    for start in range(0, len(texts), 500):
        chunk = texts[start:start + 500]
        z = seeded_noise(seed + start, len(chunk), g.config.z_dim) * scale
        ids = token_ids([parse(t, g.config.vocab) for t in chunk], device)
        out.append((g(z.to(device), ids).cpu() + 1) / 2)
    return torch.cat(out)


def digit_accuracy(g, labels: torch.Tensor, buckets: torch.Tensor, rng: random.Random, held_out: bool,
                   language: str | None = None, seed: int = 0, scale: float = 1.0) -> float:
    """The share of samples the evaluator reads as the digit their caption names; one caption per (label,
    buckets) row, in `language` (default: either, at random)."""
    texts = [render(int(d), dict(zip(ATTRIBUTES, b.tolist())), language or rng.choice(LANGUAGES), rng, held_out)[0]
             for d, b in zip(labels.cpu(), buckets.cpu())]
    preds, _ = evaluator_outputs(generate(g, texts, seed, scale))
    return float((preds == labels.cpu()).float().mean())


def attribute_pairs(n: int, rng: random.Random, held_out: bool, language: str | None = None):
    """n prompt pairs per attribute that differ in that attribute's word only (same digit, template, synonym
    position): {attribute: (low texts, high texts)}."""
    pairs = {}
    for a in ATTRIBUTES:
        low, high = [], []
        for _ in range(n):
            digit, lang, state = rng.randrange(10), language or rng.choice(LANGUAGES), rng.getstate()
            for side, texts in ((-1, low), (1, high)):
                rng.setstate(state)  # both sides make the same choices
                texts.append(render(digit, {a: side}, lang, rng, held_out, mention=1.0)[0])
        pairs[a] = (low, high)
    return pairs


def attribute_pair_agreement(g, n: int, rng: random.Random, held_out: bool, language: str | None = None,
                             seed: int = 0, scale: float = 1.0) -> dict[str, float]:
    """Per attribute, the share of pairs (same noise) whose "high" sample measures higher than the "low" one."""
    out = {}
    for a, (low, high) in attribute_pairs(n, rng, held_out, language).items():
        lo, hi = MEASURES[a](generate(g, low, seed, scale)), MEASURES[a](generate(g, high, seed, scale))
        out[a] = float((hi > lo).float().mean())
    return out
