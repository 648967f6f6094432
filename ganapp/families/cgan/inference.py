"""Conditional GAN inference: samples of the digit you ask for, reproducible from a seed."""
from __future__ import annotations

import math

import torch
from PIL import Image

from ... import generation_config, load
from ...checks import MAX_SEED, check_int
from ...images import DIGIT_SCALE, grid
from ...sampling import device_of, seeded_noise
from . import MAX_COUNT


def noise_scale() -> float:
    """z ~ N(0, scale^2 I) when sampling. Below 1 trades variety for fidelity (the "truncation
    trick", Brock et al. 2019); training uses 1. Measured and stored by `python -m ganapp.evaluate cgan`."""
    return float(generation_config("cgan").get("noise_scale", 1.0))




def seed_noise(seed: int, z_dim: int, count: int = MAX_COUNT) -> torch.Tensor:
    """A seed's first `count` noise vectors, unscaled: (count, z_dim), the first rows of one draw of at least
    MAX_COUNT. More samples of one seed add to the ones shown rather than replace them, and the page needs one
    draw per seed, whatever the count."""
    return seeded_noise(seed, max(count, MAX_COUNT), z_dim)[:count]


def cgan_noise(seed) -> list[list[float]]:
    """A seed's MAX_COUNT noise vectors as `cgan_generate` uses them (scaled), for the page's own drawing."""
    seed = check_int("seed", seed, 0, MAX_SEED)
    return (seed_noise(seed, load("cgan").config.z_dim) * noise_scale()).tolist()


@torch.inference_mode()
def cgan_samples(digit: int, count: int, seed: int, scale: float | None = None) -> torch.Tensor:
    """`count` samples of `digit`: (count, 1, 28, 28) in [-1, 1]; `scale` defaults to the measured one."""
    g = load("cgan")
    z = (seed_noise(seed, g.config.z_dim, count) * (noise_scale() if scale is None else scale)).to(device_of(g))
    return g(z, torch.full((count,), digit, device=z.device)).cpu()


def cgan_generate(digit, count, seed) -> Image.Image:
    """Samples of one digit in a square-ish grid; count=1 gives a single digit."""
    digit, count = check_int("digit", digit, 0, 9), check_int("count", count, 1, MAX_COUNT)
    seed = check_int("seed", seed, 0, MAX_SEED)
    images = cgan_samples(digit, count, seed)
    return grid(images, nrow=math.ceil(math.sqrt(count)), value_range=(-1, 1), scale=DIGIT_SCALE)  # one: unpadded


@torch.inference_mode()
def cgan_all_digits(seed, columns=8) -> Image.Image:
    """Ten rows, one per digit; each column shares one noise vector (the style)."""
    seed, columns = check_int("seed", seed, 0, MAX_SEED), check_int("columns", columns, 1, 16)
    g = load("cgan")
    z = (seeded_noise(seed, columns, g.config.z_dim) * noise_scale()).repeat(10, 1).to(device_of(g))  # (10*columns, z)
    labels = torch.arange(10, device=z.device).repeat_interleave(columns)
    return grid(g(z, labels).cpu(), nrow=columns, value_range=(-1, 1), scale=DIGIT_SCALE)
