"""The photo-or-painting judge: a small CNN that says whether an image looks like a Monet painting or a photo.

It measures the CycleGAN generators (does a translated photo pass for a painting, and the other way round), so
it must judge content and brushwork rather than the cheap cues a filter can fake: it is trained with blur,
sharpening, colour, contrast and noise applied to both classes alike (recipe.py), and its card shows that such
filters alone do not flip its verdict. Inputs: (B, 3, H, W) in [-1, 1], any size (area-resized to
`image_size`). Output: one logit per image, > 0 for "Monet".
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ...hub_model import HubModel


@dataclass(frozen=True)
class DomainConfig:
    image_size: int = 128    # images are area-resized to this square first
    width: int = 16          # filters of the first block; doubled in each next one, up to 8x
    blocks: int = 5          # conv blocks, each halving the size (128 -> 4); the first has one conv (cheap at full size)
    dropout: float = 0.3     # before the last layer, training only


class DomainClassifier(HubModel):
    config_class = DomainConfig
    output_range = None   # a logit

    def example_inputs(self, generator: torch.Generator) -> tuple:
        """Three valid inputs for `forward`, for the tests every model gets."""
        return (torch.rand(3, 3, 40, 56, generator=generator) * 2 - 1,)

    def __init__(self, config: DomainConfig):
        super().__init__()
        self.config = config
        layers, cin = [], 3
        for i in range(config.blocks):
            cout = config.width * 2 ** min(i, 3)
            convs = 1 if i == 0 else 2
            for j in range(convs):
                layers += [nn.Conv2d(cin if j == 0 else cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
            layers.append(nn.MaxPool2d(2))
            cin = cout
        self.trunk = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())  # (B, cin)
        self.head = nn.Sequential(nn.Dropout(config.dropout), nn.Linear(cin, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        size = self.config.image_size
        x = F.interpolate(x, size=(size, size), mode="area") if x.shape[-2:] != (size, size) else x
        return self.head(self.trunk(x)).squeeze(1)  # (B,) logits, > 0: Monet
