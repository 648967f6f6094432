"""Autoencoder inference: a test digit corrupted and cleaned four ways, and the same digits compressed by
autoencoders and by PCA to codes of a few numbers."""
from __future__ import annotations

import torch
from PIL import Image

from ... import generation_config, load
from ...checks import MAX_SEED, check_choice, check_float, check_int
from ...images import DIGIT_SCALE, grid
from ..vae.inference import example_digits
from . import CODE_SIZES, autoencoder_name
from .model import corrupt, gaussian_blur, median_filter, psnr

DENOISERS = ("clean", "noisy", "dae", "median", "blur")   # the row /denoise returns, left to right


def filter_settings(sigma: float) -> tuple[int, float]:
    """The median filter's window and the blur's sigma tuned on the validation digits at the nearest measured noise
    level (`python -m ganapp.evaluate autoencoders` stores them with the DAE); 3 and 1.0 until then."""
    tuned = generation_config("dae").get("filters")
    if not tuned:
        return 3, 1.0
    i = min(range(len(tuned["sigma"])), key=lambda j: abs(tuned["sigma"][j] - sigma))
    return int(tuned["median_size"][i]), float(tuned["blur_sigma"][i])


def test_digit(seed: int) -> torch.Tensor:
    """One of the shipped test digits (ten of each), chosen by `seed`: (1, 1, 28, 28) in [0, 1]."""
    digits = example_digits().flatten(0, 1)                                   # (100, 1, 28, 28)
    return digits[seed % len(digits)].unsqueeze(0)


@torch.inference_mode()
def denoised(noise, seed) -> tuple[torch.Tensor, dict[str, float]]:
    """The five pictures of DENOISERS for test digit `seed` corrupted at sigma `noise` (the noise drawn from `seed`
    too), (5, 1, 28, 28), and each one's PSNR against the clean digit, in dB (inf for the clean one itself)."""
    sigma, seed = check_float("noise", noise, 0, 1), check_int("seed", seed, 0, MAX_SEED)
    clean = test_digit(seed)
    noisy = corrupt(clean, sigma, torch.Generator().manual_seed(seed))
    dae = load("dae")
    size, blur_sigma = filter_settings(sigma)
    cleaned = dae.decode(dae.encode(noisy.to(next(dae.parameters()).device))[0]).cpu()
    row = torch.cat([clean, noisy, cleaned, median_filter(noisy, size), gaussian_blur(noisy, blur_sigma)])
    scores = psnr(row, clean.expand_as(row)).tolist()
    return row, {name: (float("inf") if name == "clean" else round(score, 2)) for name, score in zip(DENOISERS, scores)}


def denoise(noise, seed) -> Image.Image:
    """/denoise: clean, noisy, DAE output, median filter, blur, side by side, 112 px each (no gaps)."""
    row, _ = denoised(noise, seed)
    return grid(row, nrow=len(DENOISERS), scale=DIGIT_SCALE, padding=0)


@torch.inference_mode()
def compressed(size) -> Image.Image:
    """Ten test digits (one of each) in the first row, the `size`-number autoencoder's reconstructions in the
    second, PCA's with `size` components in the third: 10 x 3 tiles of 56 px."""
    size = int(check_choice("size", str(size), [str(s) for s in CODE_SIZES]))
    x = example_digits()[:, 0]                                                # (10, 1, 28, 28): 0, 1, ..., 9
    ae, pca = load(autoencoder_name(size)), load("pca")
    device = next(ae.parameters()).device
    by_ae = ae.decode(ae.encode(x.to(device))[0]).cpu()
    by_pca = pca.reconstruct(x.to(pca.mean.device), size).cpu()
    return grid(torch.cat([x, by_ae, by_pca]), nrow=10, scale=2, padding=2)
