"""What every family's inference shares: seeded noise, the device a model sits on,
and grids over a 2-d latent square."""
from __future__ import annotations

import torch


def seeded_noise(seed: int, *shape: int) -> torch.Tensor:
    """Standard normal noise drawn on the CPU with its own generator: the same seed gives the
    same noise on any device, and concurrent callers never share a random state."""
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def device_of(model: torch.nn.Module) -> torch.device:
    return next(model.parameters()).device


def grid_points(square: tuple[float, float, float], n: int) -> torch.Tensor:
    """The centres of an n x n grid of cells over `square` = (x0, y0, side), row by row from the top
    (highest y): (n*n, 2) float32."""
    x0, y0, side = square
    centres = (torch.arange(n, dtype=torch.float64) + 0.5) / n * side
    ys, xs = torch.meshgrid(y0 + centres.flip(0), x0 + centres, indexing="ij")
    return torch.stack([xs.flatten(), ys.flatten()], 1).float()
