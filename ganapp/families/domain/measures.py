"""The photo-or-painting judge's measures: its probability of "Monet painting", and its verdicts on photos and
paintings (accuracy on each, and how often a non-learned filter alone flips it). The evaluation reports them on the
test folders, the recipe's validation on held-out training images, and CycleGAN's validation and evaluation judge
translations with them."""
from __future__ import annotations

import torch

from .augment import painterly_filter, photo_filter


@torch.inference_mode()
def monet_probability(net, images: torch.Tensor) -> torch.Tensor:
    """(N, 3, H, W) in [-1, 1] -> (N,) the judge's probability of "Monet painting"."""
    device = next(net.parameters()).device
    return torch.cat([torch.sigmoid(net(c.to(device))).cpu() for c in images.split(50)])


def verdicts(net, photos: torch.Tensor, monets: torch.Tensor) -> dict[str, float]:
    """Accuracy on photos and paintings (in [-1, 1]), and how often a filter alone flips the verdict."""
    return {"accuracy_photo": float((monet_probability(net, photos) < 0.5).float().mean()),
            "accuracy_monet": float((monet_probability(net, monets) >= 0.5).float().mean()),
            "filtered_monet_called_photo": float((monet_probability(net, photo_filter(monets)) < 0.5).float().mean()),
            "filtered_photo_called_monet": float((monet_probability(net, painterly_filter(photos)) >= 0.5).float().mean())}
