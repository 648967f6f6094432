"""VAE inference: real test digits morphing into each other through the latent space, and the
2-d model's map of that space."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import torch
import torch.nn.functional as F
from PIL import Image

from ... import load
from ...checks import MAX_SEED, check_choice, check_float, check_int
from ...images import DIGIT_SCALE, grid, open_user_image, tile_sheet, to_mnist, to_pil
from ...sampling import device_of, grid_points
from . import EVEN_SAMPLES, MAP_MODELS, MAP_SCALE, METHODS, map_square

EXAMPLE_DIGITS = Path(__file__).resolve().parents[2] / "assets" / "mnist_test_digits.png"  # 10 rows (0-9) x 10


@lru_cache(maxsize=1)
def example_digits() -> torch.Tensor:
    """The shipped MNIST test digits: (10 digits, n examples, 1, 28, 28) in [0, 1]."""
    return tile_sheet(EXAMPLE_DIGITS)


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


def even_positions(frames: torch.Tensor, ts: torch.Tensor) -> torch.Tensor:
    """Where along a path to look so that the picture changes evenly: `frames` (K, ...) decoded at the path's
    fractions 0, 1/(K-1), ..., 1; returns, for each fraction in `ts` of the path's *pixel* length (the sum of the
    distances between consecutive frames), the path fraction reaching it, (len(ts),), by linear interpolation."""
    steps = (frames[1:] - frames[:-1]).flatten(1).norm(dim=1)               # (K-1,) pixel distance per step
    length = torch.cat([torch.zeros(1), steps.cumsum(0)])                   # (K,) pixel length so far
    if float(length[-1]) == 0:                                              # both ends decode alike
        return ts.clone()
    target = ts.clamp(0, 1) * length[-1]
    i = torch.searchsorted(length, target).clamp(1, len(length) - 1)       # the step holding each target
    lo, hi = length[i - 1], length[i]
    inside = torch.where(hi > lo, (target - lo) / (hi - lo), torch.zeros_like(target))
    return ((i - 1) + inside) / (len(length) - 1)


def evenness(frames: torch.Tensor) -> float:
    """The largest change between consecutive frames over the mean change (1: perfectly even)."""
    steps = (frames[1:] - frames[:-1]).flatten(1).norm(dim=1)
    return float(steps.max() / steps.mean().clamp_min(1e-12))


@torch.inference_mode()
def latent_means(x_a: torch.Tensor, x_b: torch.Tensor) -> torch.Tensor:
    """The VAE's latent means of two digits (1, 28, 28) each: (2, latent), the ends of a morph."""
    vae = load("vae")
    mu, _ = vae.encode(torch.stack([x_a, x_b]).to(device_of(vae)))
    return mu.cpu()


@torch.inference_mode()
def frames_between(ends: torch.Tensor, ts: torch.Tensor, method: str = "lerp") -> torch.Tensor:
    """Decode the path between two latent points `ends` (2, latent) at fractions `ts`: (len(ts), 1, 28, 28). With
    "even", `ts` are fractions of the way the *picture* travels along the lerp path (`even_positions`), not of the
    latent path. The page (page.js, `morph`) draws the same frames from the same ends."""
    method = check_choice("method", method, METHODS)
    vae = load("vae")
    device = device_of(vae)
    a, b = ends[:1].to(device), ends[1:].to(device)                   # (1, latent) each
    t = ts.to(device).view(-1, 1)                                     # (T, 1)
    if method == "even":
        dense = vae.decode(torch.lerp(a, b, torch.linspace(0, 1, EVEN_SAMPLES, device=device).view(-1, 1)))
        t = even_positions(dense.cpu(), ts.float()).to(device).view(-1, 1)
    z = _slerp(a, b, t) if method == "slerp" else torch.lerp(a, b, t)
    return vae.decode(z).cpu()


def vae_frames(x_a: torch.Tensor, x_b: torch.Tensor, ts: torch.Tensor, method: str = "lerp") -> torch.Tensor:
    """Decode the path from x_a's latent mean to x_b's at fractions `ts` (see `frames_between`)."""
    return frames_between(latent_means(x_a, x_b), ts, method)


def vae_interpolate(start_digit, end_digit, steps, seed, method) -> Image.Image:
    """A single row of `steps` equal tiles, no gaps: shipped example of start -> ... -> end."""
    steps, seed = check_int("steps", steps, 2, 32), check_int("seed", seed, 0, MAX_SEED)
    x_a, x_b = example_digit(start_digit, seed), example_digit(end_digit, seed)
    frames = vae_frames(x_a, x_b, torch.linspace(0, 1, steps), method)
    return grid(frames, nrow=steps, scale=DIGIT_SCALE, padding=0)




@torch.inference_mode()
def latent_map(model, n: int = 16) -> Image.Image:
    """`model`'s decoder over an n x n grid of its map square (top row = highest y), as tiles."""
    model = check_choice("model", model, MAP_MODELS)
    n = check_int("n", n, 2, 64)
    decoder = load(model)
    z = grid_points(map_square(model), n).to(device_of(decoder))    # (n*n, 2)
    return grid(decoder.decode(z).cpu(), nrow=n, padding=0, scale=MAP_SCALE)


@torch.inference_mode()
def latent_decode(model, u, v) -> Image.Image:
    """The digit `model` decodes at the point (u across from the left, v up from the bottom, both
    0-1) of its map square: 112 x 112."""
    model = check_choice("model", model, MAP_MODELS)
    u, v = check_float("u", u, 0, 1), check_float("v", v, 0, 1)
    x0, y0, side = map_square(model)
    decoder = load(model)
    z = torch.tensor([[x0 + u * side, y0 + v * side]], dtype=torch.float32, device=device_of(decoder))
    return to_pil(decoder.decode(z).cpu()[0], scale=DIGIT_SCALE)
