"""What every family's inference shares: seeded noise, the device a model sits on, the tile scale."""
from __future__ import annotations

import torch

DIGIT_SCALE = 4   # MNIST tiles are shown 112x112, upscaled nearest-neighbour


def seeded_noise(seed: int, *shape: int) -> torch.Tensor:
    """Standard normal noise drawn on the CPU with its own generator: the same seed gives the
    same noise on any device, and concurrent callers never share a random state."""
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def device_of(model: torch.nn.Module) -> torch.device:
    return next(model.parameters()).device
