"""The real distributions of the 2-D GAN, each a mixture of equal round Gaussians, so that its density p_data is
exact (for D* and the Jensen–Shannon divergence) and its samples are exact too.

- ring8: 8 Gaussians on a circle; grid25: a 5 x 5 grid of them (the mode-collapse classics);
- moons, spiral, line: many small Gaussians along a curve (a curve blurred by sigma);
- the visitor's own: one small Gaussian on each point drawn in the page (a kernel density estimate of them).

The plane shown is [-1, 1]^2; every built-in lies inside [-0.8, 0.8]^2.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from . import BUILT_IN, PLANE


@dataclass(frozen=True)
class Mixture:
    """Equal-weight round Gaussians: centres (K, 2), one sigma; `modes` groups the components into the modes that
    coverage counts (a Gaussian of the ring, a stretch of a curve)."""

    name: str
    centres: torch.Tensor        # (K, 2)
    sigma: float
    modes: tuple[tuple[int, ...], ...]   # component indices of each mode

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """(n, 2) exact samples: a component uniformly at random, then its Gaussian."""
        which = torch.randint(len(self.centres), (n,), generator=generator)
        return self.centres[which] + self.sigma * torch.randn(n, 2, generator=generator)

    def log_density(self, x: torch.Tensor) -> torch.Tensor:
        """log p_data at points (N, 2) -> (N,)."""
        return gaussian_mixture_log_density(x, self.centres, self.sigma)

    def nearest_component(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """For points (N, 2): the index of the nearest centre and the distance to it, (N,) each."""
        distance, index = torch.cdist(x, self.centres).min(1)
        return index, distance


def gaussian_mixture_log_density(x: torch.Tensor, centres: torch.Tensor, sigma: float) -> torch.Tensor:
    """log of (1/K) sum_k N(x; centre_k, sigma^2 I) in two dimensions, for points (N, 2) -> (N,)."""
    squared = squared_distances(x, centres)                                                   # (N, K)
    return torch.logsumexp(-squared / (2 * sigma**2), 1) - math.log(2 * math.pi * sigma**2 * len(centres))


def squared_distances(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """|a_i - b_j|^2 for points (N, 2) and (K, 2) -> (N, K), in float32 (fast, and ample for densities on a plane)."""
    a, b = a.detach().float(), b.detach().float()
    return torch.cdist(a, b, compute_mode="use_mm_for_euclid_dist").pow(2).clamp_min(0)


def _curve(name: str, points: torch.Tensor, sigma: float, n_modes: int = 10) -> Mixture:
    """A curve through `points` (K, 2), blurred by sigma; its modes are `n_modes` equal stretches of it."""
    stretches = torch.arange(len(points)).chunk(n_modes)
    return Mixture(name, points.float(), sigma, tuple(tuple(s.tolist()) for s in stretches))


def ring8(radius: float = 0.6, sigma: float = 0.04) -> Mixture:
    angles = torch.arange(8) * (2 * math.pi / 8)
    centres = radius * torch.stack([angles.cos(), angles.sin()], 1)
    return Mixture("ring8", centres, sigma, tuple((k,) for k in range(8)))


def grid25(spacing: float = 0.35, sigma: float = 0.025) -> Mixture:
    ticks = (torch.arange(5) - 2) * spacing
    centres = torch.cartesian_prod(ticks, ticks)
    return Mixture("grid25", centres, sigma, tuple((k,) for k in range(25)))


def moons(sigma: float = 0.04, per_moon: int = 100) -> Mixture:
    t = torch.linspace(0, math.pi, per_moon)
    upper = torch.stack([t.cos(), t.sin()], 1)
    lower = torch.stack([1 - t.cos(), 0.5 - t.sin()], 1)
    points = (torch.cat([upper, lower]) - torch.tensor([0.5, 0.25])) * 0.5     # scikit-learn's moons, centred
    return _curve("moons", points, sigma)


def spiral(sigma: float = 0.03, n: int = 200, turns: float = 1.75) -> Mixture:
    t = torch.linspace(0.15, 1, n)
    angle = t * turns * 2 * math.pi
    points = 0.75 * t.unsqueeze(1) * torch.stack([angle.cos(), angle.sin()], 1)
    return _curve("spiral", points, sigma)


def line(sigma: float = 0.03, n: int = 100) -> Mixture:
    t = torch.linspace(-0.7, 0.7, n)
    return _curve("line", torch.stack([t, 0.5 * t], 1), sigma)


DISTRIBUTIONS = {name: globals()[name] for name in BUILT_IN}   # each built-in is the function of its name


def built_in(name: str) -> Mixture:
    return DISTRIBUTIONS[name]()


def drawn(points, sigma: float = 0.04) -> Mixture:
    """The visitor's own: a small Gaussian on each drawn point ((N, 2) in the plane, 1 <= N <= MAX_DRAWN); each
    point is its own mode."""
    centres = torch.as_tensor(points, dtype=torch.float32).reshape(-1, 2).clamp(-PLANE, PLANE)
    return Mixture("drawn", centres, sigma, tuple((k,) for k in range(len(centres))))
