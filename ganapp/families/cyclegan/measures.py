"""CycleGAN's measures and bars: content kept is measured on luminance at 64×64 (SSIM, metrics.ssim), and each
bar the validation and the evaluation hold the translations to."""
from __future__ import annotations

import torch
import torch.nn.functional as F


def luminance64(images: torch.Tensor) -> torch.Tensor:
    """(B, 3, H, W) in [-1, 1] -> (B, 1, 64, 64) luminance (ITU-R BT.601) in [0, 1]."""
    rgb = (images + 1) / 2
    y = (rgb * torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)).sum(1, keepdim=True)
    return F.interpolate(y, size=(64, 64), mode="area")


BARS = {"photo2monet_called_monet": 0.85, "monet2photo_called_photo": 0.7, "ssim": 0.5,
        "speckle_ratio": 1.5, "detail_ratio": 1.5}  # ratios: within 1/x..x of real target-domain images
