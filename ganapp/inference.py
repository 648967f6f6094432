"""What the app (and anyone else) calls: pure functions of their inputs and a seed.

Each returns PIL images (or frames); the same inputs and seed give the same pixels. Inputs
are validated here, once, with short messages (`InvalidInput`) that a UI can show as is.
Models are loaded on first use by `ganapp.load` and kept; everything runs under
`torch.inference_mode`.
"""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from . import load
from .images import fit_longest_side, grid, open_user_image, to_mnist, to_pil

MAX_SEED = 2**32 - 1
DIGIT_SCALE = 4                      # MNIST tiles are shown 112x112, upscaled nearest-neighbour
ASSETS = Path(__file__).resolve().parent / "assets"
EXAMPLE_DIGITS = ASSETS / "mnist_test_digits.png"   # 10 rows (digits 0-9) x 10 test examples
EXAMPLES = ASSETS / "examples"                        # CycleGAN examples: monet_*.jpg, photo_*.jpg
DIRECTIONS = {"photo2monet": ("cyclegan_photo2monet", "cyclegan_monet2photo"),
              "monet2photo": ("cyclegan_monet2photo", "cyclegan_photo2monet")}
METHODS = ("lerp", "slerp")


class InvalidInput(ValueError):
    """An input outside what a function accepts; the message is meant for the user."""


def check_int(name: str, value, lo: int, hi: int) -> int:
    """`value` as an int in [lo, hi], accepting integral floats (web clients send 3.0 for 3)."""
    if isinstance(value, bool) or value is None:
        raise InvalidInput(f"{name} must be an integer from {lo} to {hi}")
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} must be an integer from {lo} to {hi}") from None
    if not as_float.is_integer() or not lo <= as_float <= hi:
        raise InvalidInput(f"{name} must be an integer from {lo} to {hi}, got {value}")
    return int(as_float)


def check_float(name: str, value, lo: float, hi: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} must be a number from {lo} to {hi}") from None
    if not math.isfinite(v) or not lo <= v <= hi:
        raise InvalidInput(f"{name} must be a number from {lo} to {hi}, got {value}")
    return v


def check_choice(name: str, value, choices) -> str:
    if value not in choices:
        raise InvalidInput(f"{name} must be one of {', '.join(map(repr, choices))}")
    return value


def _noise(seed: int, *shape: int) -> torch.Tensor:
    # Drawn on the CPU with its own generator: the same seed gives the same noise on any device.
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def _device(model: torch.nn.Module) -> torch.device:
    return next(model.parameters()).device


# --- Conditional GAN ---------------------------------------------------------------------------

@torch.inference_mode()
def cgan_samples(digit: int, count: int, seed: int) -> torch.Tensor:
    """`count` samples of `digit`: (count, 1, 28, 28) in [-1, 1]."""
    g = load("cgan")
    z = (_noise(seed, count, g.config.z_dim) * g.config.noise_scale).to(_device(g))
    return g(z, torch.full((count,), digit, device=z.device)).cpu()


def cgan_generate(digit, count, seed) -> Image.Image:
    """Samples of one digit in a square-ish grid; count=1 gives a single digit."""
    digit, count = check_int("digit", digit, 0, 9), check_int("count", count, 1, 64)
    seed = check_int("seed", seed, 0, MAX_SEED)
    images = cgan_samples(digit, count, seed)
    return grid(images, nrow=math.ceil(math.sqrt(count)), value_range=(-1, 1), scale=DIGIT_SCALE,
                padding=0 if count == 1 else 2)


@torch.inference_mode()
def cgan_all_digits(seed, columns=8) -> Image.Image:
    """Ten rows, one per digit; each column shares one noise vector (the style)."""
    seed, columns = check_int("seed", seed, 0, MAX_SEED), check_int("columns", columns, 1, 16)
    g = load("cgan")
    z = (_noise(seed, columns, g.config.z_dim) * g.config.noise_scale).repeat(10, 1).to(_device(g))  # (10*columns, z)
    labels = torch.arange(10, device=z.device).repeat_interleave(columns)
    return grid(g(z, labels).cpu(), nrow=columns, value_range=(-1, 1), scale=DIGIT_SCALE)


# --- InfoGAN -----------------------------------------------------------------------------------

def infogan_category(digit: int) -> int:
    """The categorical code value that draws `digit`, from the mapping stored with the model."""
    mapping = load("infogan").config.category_to_digit
    if sorted(mapping) != list(range(10)):
        raise InvalidInput("this InfoGAN checkpoint has no digit mapping; run `python -m ganapp.evaluate infogan`")
    return mapping.index(digit)


@torch.inference_mode()
def infogan_images(digits: list[int], codes: torch.Tensor, seed: int) -> torch.Tensor:
    """One image per (digit, continuous codes) row, all with the noise of `seed`: (B, 1, 28, 28)."""
    g = load("infogan")
    device = _device(g)
    z = _noise(seed, 1, g.config.z_dim).repeat(len(digits), 1).to(device)
    category = torch.tensor([infogan_category(d) for d in digits], device=device)
    return g(z, category, codes.to(device)).cpu()


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


# --- VAE -----------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def example_digits() -> torch.Tensor:
    """The shipped MNIST test digits: (10 digits, n examples, 1, 28, 28) in [0, 1]."""
    sheet = torch.from_numpy(np.asarray(Image.open(EXAMPLE_DIGITS).convert("L"), dtype=np.float32) / 255.0)
    rows, cols = sheet.shape[0] // 28, sheet.shape[1] // 28
    return sheet.view(rows, 28, cols, 28).permute(0, 2, 1, 3).unsqueeze(2).contiguous()


def example_digit(digit, seed) -> torch.Tensor:
    """A real example of `digit`, chosen by `seed`: (1, 28, 28) in [0, 1]."""
    digit, seed = check_int("digit", digit, 0, 9), check_int("seed", seed, 0, MAX_SEED)
    examples = example_digits()[digit]
    return examples[seed % len(examples)]


def user_digit(image) -> torch.Tensor:
    """A drawn or uploaded digit, normalised like MNIST: (1, 28, 28) in [0, 1]."""
    return to_mnist(open_user_image(image))


def _slerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Spherical interpolation (Shoemake, 1985) between latent vectors, along great circles."""
    a_n, b_n = F.normalize(a, dim=-1), F.normalize(b, dim=-1)
    omega = torch.acos((a_n * b_n).sum(-1).clamp(-1 + 1e-7, 1 - 1e-7))
    so = torch.sin(omega)
    if so.abs() < 1e-6:  # (anti)parallel: lerp is as good and stable
        return torch.lerp(a, b, t)
    return (torch.sin((1 - t) * omega) / so) * a + (torch.sin(t * omega) / so) * b


@torch.inference_mode()
def vae_frames(x_a: torch.Tensor, x_b: torch.Tensor, ts: torch.Tensor, method: str = "lerp") -> torch.Tensor:
    """Decode the path from x_a's latent mean to x_b's at fractions `ts`: (len(ts), 1, 28, 28)."""
    method = check_choice("method", method, METHODS)
    vae = load("vae")
    device = _device(vae)
    mu, _ = vae.encode(torch.stack([x_a, x_b]).to(device))          # (2, latent)
    t = ts.to(device).view(-1, 1)                                     # (T, 1)
    z = torch.lerp(mu[:1], mu[1:], t) if method == "lerp" else _slerp(mu[:1], mu[1:], t)
    return vae.decode(z).cpu()


def vae_interpolate(start_digit, end_digit, steps, seed, method) -> Image.Image:
    """A single row of `steps` equal tiles, no gaps: shipped example of start -> ... -> end."""
    steps, seed = check_int("steps", steps, 2, 32), check_int("seed", seed, 0, MAX_SEED)
    x_a, x_b = example_digit(start_digit, seed), example_digit(end_digit, seed)
    frames = vae_frames(x_a, x_b, torch.linspace(0, 1, steps), method)
    return grid(frames, nrow=steps, scale=DIGIT_SCALE, padding=0)


@torch.inference_mode()
def vae_latent_map(n: int = 16, span: float = 3.0) -> Image.Image:
    """The 2-d VAE's decoder over a grid of the latent plane [-span, span]^2 (y up), as tiles."""
    vae = load("vae2d")
    axis = torch.linspace(-span, span, n)
    ys, xs = torch.meshgrid(axis.flip(0), axis, indexing="ij")        # row 0 = top = +span
    z = torch.stack([xs.flatten(), ys.flatten()], 1).to(_device(vae))  # (n*n, 2)
    return grid(vae.decode(z).cpu(), nrow=n, padding=0, scale=2)


@torch.inference_mode()
def vae_decode_point(x, y) -> Image.Image:
    """The 2-d VAE's decoding of latent point (x, y)."""
    x, y = check_float("x", x, -10, 10), check_float("y", y, -10, 10)
    vae = load("vae2d")
    return to_pil(vae.decode(torch.tensor([[x, y]], device=_device(vae))).cpu()[0], scale=DIGIT_SCALE)


# --- CycleGAN ------------------------------------------------------------------------------------

MIN_SIDE = 16  # smaller inputs are padded up: the bottleneck needs a few pixels for its padding


@torch.inference_mode()
def translate_tensor(x: torch.Tensor, model_name: str) -> torch.Tensor:
    """(1, 3, H, W) in [-1, 1], any H and W -> the same size: replicate-pad to what the network
    needs, translate, crop back."""
    g = load(model_name)
    m = g.size_multiple
    h, w = x.shape[-2:]
    ph, pw = max(MIN_SIDE, -(-h // m) * m), max(MIN_SIDE, -(-w // m) * m)
    padded = F.pad(x, (0, pw - w, 0, ph - h), mode="replicate")
    return g(padded.to(_device(g)))[..., :h, :w].cpu()


def cyclegan_translate(image, direction, max_side: int = 512, with_cycle: bool = False):
    """An image file (or PIL image) -> its translation, longest side at most `max_side`.

    `direction`: "photo2monet" or "monet2photo". With `with_cycle`, also returns the
    translation translated back (the cycle reconstruction).
    """
    forward, backward = DIRECTIONS[check_choice("direction", direction, tuple(DIRECTIONS))]
    max_side = check_int("max_side", max_side, 16, 1024)
    img = fit_longest_side(open_user_image(image), max_side)
    x = torch.from_numpy(np.asarray(img, dtype=np.float32)).permute(2, 0, 1).unsqueeze(0) / 127.5 - 1
    y = translate_tensor(x, forward)
    out = to_pil(y[0], (-1, 1))
    if not with_cycle:
        return out
    return out, to_pil(translate_tensor(y, backward)[0], (-1, 1))
