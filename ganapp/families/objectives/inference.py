"""Samples from the generators of the objectives comparison, reproducible from a seed."""
from __future__ import annotations

import torch
from PIL import Image

from ... import load
from ...checks import MAX_SEED, check_choice, check_int
from ...images import grid
from ...sampling import device_of, seeded_noise
from . import SHIPPED_OBJECTIVES, checkpoint_name


@torch.inference_mode()
def samples(objective: str, count: int, seed: int) -> torch.Tensor:
    """(count, 1, 28, 28) in [-1, 1]: the same noise for every objective, so a seed compares them."""
    g = load(checkpoint_name(objective))
    return g(seeded_noise(seed, count, g.config.z_dim).to(device_of(g))).cpu()


def objective_samples(objective, seed) -> Image.Image:
    """An 8x8 grid of 28x28 samples (no upscaling, 2-pixel gaps) from the generator trained under `objective`."""
    objective = check_choice("objective", objective, SHIPPED_OBJECTIVES)
    seed = check_int("seed", seed, 0, MAX_SEED)
    return grid(samples(objective, 64, seed), nrow=8, value_range=(-1, 1), padding=2)
