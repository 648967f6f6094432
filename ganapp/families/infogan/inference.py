"""InfoGAN inference: a digit through the category the evaluation picked for it, and the two
continuous codes, reproducible from a seed."""
from __future__ import annotations

import torch
from PIL import Image

from ... import load
from ...checks import MAX_SEED, InvalidInput, check_float, check_int
from ...images import DIGIT_SCALE, grid, to_pil
from ...sampling import device_of
from . import digit_mapping
from .model import draw_noise


@torch.inference_mode()
def infogan_images(digits: list[int], codes: torch.Tensor, seed: int) -> torch.Tensor:
    """One image per (digit, continuous codes) row, all with the noise of `seed`: (B, 1, 28, 28)."""
    g = load("infogan")
    device = device_of(g)
    z = draw_noise(g.config, 1, torch.Generator().manual_seed(seed)).repeat(len(digits), 1).to(device)  # its own
    # generator: the same seed gives the same noise on any device, and concurrent callers never share a state
    mapping = digit_mapping()
    if mapping is None:
        raise InvalidInput("infogan.no_mapping")
    category = torch.tensor([mapping.index(d) for d in digits], device=device)  # the mapping read once
    return g(z, category, codes.to(device)).cpu()


def infogan_noise(seed) -> list[float]:
    """The noise z of `seed`, as `infogan_images` draws it: (z_dim,) numbers, for the page's own drawing."""
    seed = check_int("seed", seed, 0, MAX_SEED)
    return draw_noise(load("infogan").config, 1, torch.Generator().manual_seed(seed))[0].tolist()


def infogan_generate(digit, c1, c2, seed) -> Image.Image:
    """A single sample: the category mapped to `digit`, continuous codes (c1, c2) in [-2, 2]."""
    digit, seed = check_int("digit", digit, 0, 9), check_int("seed", seed, 0, MAX_SEED)
    c1, c2 = check_float("c1", c1, -2, 2), check_float("c2", c2, -2, 2)
    return to_pil(infogan_images([digit], torch.tensor([[c1, c2]]), seed)[0], (-1, 1), scale=DIGIT_SCALE)


def infogan_traversal(code, seed, steps=9) -> tuple[Image.Image, list[Image.Image]]:
    """Rows = digits 0-9, columns = code `code` (0 or 1) swept over [-2, 2], the other at 0.

    Returns the grid and one frame per column (all ten digits side by side), for a GIF.
    """
    code, seed = check_int("code", code, 0, 1), check_int("seed", seed, 0, MAX_SEED)
    steps = check_int("steps", steps, 2, 32)
    codes = torch.zeros(10 * steps, 2)
    codes[:, code] = torch.linspace(-2, 2, steps).repeat(10)
    images = infogan_images([d for d in range(10) for _ in range(steps)], codes, seed)  # (10*steps, 1, 28, 28)
    frames = [grid(images[j::steps], nrow=10, value_range=(-1, 1), scale=DIGIT_SCALE, padding=0) for j in range(steps)]
    return grid(images, nrow=steps, value_range=(-1, 1), scale=DIGIT_SCALE), frames
