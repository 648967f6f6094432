"""The MNIST evaluator: a small CNN whose verdicts and features measure the generators.

`logits(x)` gives the digit it reads; `features(x)` the 128-d penultimate activations in
which Fréchet distances are computed. Inputs: (B, 1, 28, 28) in [0, 1], MNIST-style
(white digit on black).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ...hub_model import HubModel


@dataclass(frozen=True)
class ClassifierConfig:
    width: int = 32          # filters of the first conv block; doubled in the second
    features: int = 128      # size of the penultimate layer (the Fréchet-distance feature space)
    dropout: float = 0.3     # before the last layer, training only
    classes: int = 10        # outputs: the ten digits (11 where a "generated" class is added, claims/augment.py)


class MNISTClassifier(HubModel):
    config_class = ClassifierConfig

    output_range = None   # logits

    def example_inputs(self, generator: torch.Generator) -> tuple:
        """Three valid inputs for `forward`, for the tests every model gets."""
        return (torch.rand(3, 1, 28, 28, generator=generator),)

    def __init__(self, config: ClassifierConfig):
        super().__init__()
        self.config = config
        w = config.width

        def block(cin: int, cout: int) -> nn.Sequential:
            return nn.Sequential(
                nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                nn.MaxPool2d(2),
            )

        self.trunk = nn.Sequential(block(1, w), block(w, 2 * w), nn.Flatten())   # (B, 2w*7*7)
        self.embed = nn.Sequential(nn.Linear(2 * w * 7 * 7, config.features), nn.ReLU(inplace=True))
        self.head = nn.Sequential(nn.Dropout(config.dropout), nn.Linear(config.features, config.classes))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.embed(self.trunk((x - 0.1307) / 0.3081))  # (B, features); MNIST mean/std

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))  # (B, classes) logits
