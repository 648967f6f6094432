"""CycleGAN inference: a photo painted like Monet, a painting made a photo, at any size."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ... import generation_config, load
from ...checks import check_choice, check_int
from ...images import fit_longest_side, from_ycbcr, open_user_image, to_pil, to_ycbcr
from ...sampling import device_of
from . import DIRECTIONS

MIN_SIDE = 16  # smaller inputs are padded up: the bottleneck needs a few pixels for its padding


def smooth_chroma(x: torch.Tensor, sigma: float) -> torch.Tensor:
    """Blur the colour (Cb, Cr) of (B, 3, H, W) RGB in [-1, 1] with a Gaussian of `sigma` pixels, luminance
    untouched: pixel-scale colour noise goes, detail stays (the eye resolves colour far more coarsely than
    brightness, which is why JPEG halves the chroma resolution). sigma 0: unchanged."""
    if sigma <= 0:
        return x
    radius = max(1, int(round(2 * sigma)))
    taps = torch.arange(-radius, radius + 1, dtype=x.dtype)
    k = torch.exp(-taps**2 / (2 * sigma**2))
    k = (k / k.sum()).to(x.device)
    ycc = to_ycbcr(x)
    chroma = F.pad(ycc[:, 1:], (radius,) * 4, mode="replicate")                    # (B, 2, H+2r, W+2r)
    chroma = F.conv2d(chroma, k.view(1, 1, 1, -1).expand(2, 1, 1, -1), groups=2)    # along rows
    chroma = F.conv2d(chroma, k.view(1, 1, -1, 1).expand(2, 1, -1, 1), groups=2)    # along columns
    return from_ycbcr(torch.cat([ycc[:, :1], chroma], 1)).clamp(-1, 1)


def chroma_sigma(model_name: str) -> float:
    """The output's colour smoothing, chosen on held-out training images by `python -m ganapp.evaluate cyclegan
    --set part=chroma` and stored in generation_config.json; 0 (none) when not chosen."""
    return float(generation_config(model_name).get("chroma_sigma", 0.0))


@torch.inference_mode()
def translate_tensor(x: torch.Tensor, model_name: str, sigma: float | None = None) -> torch.Tensor:
    """(1, 3, H, W) in [-1, 1], any H and W -> the same size: replicate-pad to what the network
    needs, translate, crop back, smooth the colour by `sigma` (default: the stored one)."""
    g = load(model_name)
    m = g.size_multiple
    h, w = x.shape[-2:]
    ph, pw = max(MIN_SIDE, -(-h // m) * m), max(MIN_SIDE, -(-w // m) * m)
    padded = F.pad(x, (0, pw - w, 0, ph - h), mode="replicate")
    y = g(padded.to(device_of(g)))[..., :h, :w].cpu()
    return smooth_chroma(y, chroma_sigma(model_name) if sigma is None else sigma)


def cyclegan_translate(image, direction, max_side: int = 512):
    """An image file (or PIL image) -> its translation, longest side at most `max_side`.

    `direction`: "photo2monet" or "monet2photo".
    """
    forward, _ = DIRECTIONS[check_choice("direction", direction, tuple(DIRECTIONS))]
    max_side = check_int("max_side", max_side, 16, 1024)
    img = fit_longest_side(open_user_image(image), max_side)
    x = torch.from_numpy(np.asarray(img, dtype=np.float32)).permute(2, 0, 1).unsqueeze(0) / 127.5 - 1
    return to_pil(translate_tensor(x, forward)[0], (-1, 1))
