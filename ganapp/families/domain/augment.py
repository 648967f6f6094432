"""Image filters: the random ones the domain classifier trains with, and the two fixed, non-learned
"translations" that CycleGAN is compared with (and that the classifier must not fall for).
All take and return (B, 3, H, W) in [-1, 1]."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from PIL import ImageEnhance, ImageFilter

from ...images import to_pil

_LUMA = torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)


def gaussian_blur(x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
    """Per-image Gaussian blur, sigma (B,) in pixels (7x7 kernel, reflected borders)."""
    taps = torch.arange(7, dtype=x.dtype, device=x.device) - 3
    k = torch.exp(-taps**2 / (2 * sigma.view(-1, 1) ** 2))
    k = k / k.sum(1, keepdim=True)                                          # (B, 7)
    b, c, h, w = x.shape
    flat = F.pad(x.reshape(1, b * c, h, w), (3, 3, 3, 3), mode="reflect")
    kernel = k.repeat_interleave(c, 0)                                      # (B*C, 7)
    flat = F.conv2d(flat, kernel.view(b * c, 1, 1, 7), groups=b * c)
    flat = F.conv2d(flat, kernel.view(b * c, 1, 7, 1), groups=b * c)
    return flat.view(b, c, h, w)


def saturate(x: torch.Tensor, amount: torch.Tensor) -> torch.Tensor:
    gray = (x * _LUMA.to(x)).sum(1, keepdim=True)
    return gray + amount.view(-1, 1, 1, 1) * (x - gray)


def contrast(x: torch.Tensor, amount: torch.Tensor) -> torch.Tensor:
    mean = x.mean((1, 2, 3), keepdim=True)
    return mean + amount.view(-1, 1, 1, 1) * (x - mean)


def sharpen(x: torch.Tensor, amount: torch.Tensor, sigma: float = 1.0) -> torch.Tensor:
    """Unsharp masking: x + amount * (x - blur(x))."""
    return x + amount.view(-1, 1, 1, 1) * (x - gaussian_blur(x, torch.full((len(x),), sigma, device=x.device)))


def random_filters(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Each image: maybe blurred or sharpened, re-saturated, re-contrasted, brightened or darkened, noised."""
    b, dev = len(x), x.device

    def u(lo, hi):
        return (lo + (hi - lo) * torch.rand(b, generator=generator)).to(dev)

    def maybe(p):
        return (torch.rand(b, generator=generator) < p).to(dev).view(-1, 1, 1, 1)

    x = torch.where(maybe(0.3), gaussian_blur(x, u(0.4, 1.6)), x)
    x = torch.where(maybe(0.3), sharpen(x, u(0.5, 2.5)), x)
    x = torch.where(maybe(0.6), saturate(x, u(0.4, 1.8)), x)
    x = torch.where(maybe(0.6), contrast(x, u(0.6, 1.6)), x)
    x = torch.where(maybe(0.5), x + u(-0.2, 0.2).view(-1, 1, 1, 1), x)
    noise = torch.randn(x.shape, generator=generator).to(dev) * u(0.0, 0.08).view(-1, 1, 1, 1)
    x = torch.where(maybe(0.3), x + noise, x)
    return x.clamp(-1, 1)


def photo_filter(images: torch.Tensor) -> torch.Tensor:
    """The non-learned Monet -> photo baseline: sharpen, saturate and raise the contrast — the cheap cues of a
    photo. (B, 3, H, W) in [-1, 1]."""
    n = len(images)
    x = sharpen(images, torch.full((n,), 1.5))
    x = saturate(x, torch.full((n,), 1.4))
    return contrast(x, torch.full((n,), 1.3)).clamp(-1, 1)


def painterly_filter(images: torch.Tensor) -> torch.Tensor:
    """The non-learned photo -> Monet baseline: a 7x7 mode filter (flat brush-like patches), then a warm,
    more saturated, lighter colour shift. (B, 3, H, W) in [-1, 1]."""
    out = []
    for x in images:
        img = to_pil(x, (-1, 1)).filter(ImageFilter.ModeFilter(7))
        img = ImageEnhance.Color(img).enhance(1.4)
        arr = np.asarray(img, dtype=np.float32) * np.array([1.05, 1.0, 0.9], dtype=np.float32) + 15
        out.append(torch.from_numpy(np.clip(arr, 0, 255)).permute(2, 0, 1) / 127.5 - 1)
    return torch.stack(out)
