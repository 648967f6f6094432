"""What the 2-D view measures: the generator's density by a kernel density estimate, the optimal discriminator
D*, the Jensen–Shannon divergence, and mode coverage.

The data's density is exact (distributions.Mixture); the generator's, p_g, is estimated from its samples with a
Gaussian kernel whose bandwidth maximises the likelihood of a second, held-out set of its samples (so a tight
generator gets a tight estimate and a spread one a smooth one). Then, for a fixed G (Goodfellow et al. 2014,
Prop. 1 and Thm. 1):
    D*(x) = p_data(x) / (p_data(x) + p_g(x)),   V(G, D*) = 2 JSD(p_data || p_g) - log 4.
"""
from __future__ import annotations

import math

import torch

from .distributions import Mixture, gaussian_mixture_log_density, squared_distances

BANDWIDTHS = tuple(0.005 * 1.5**i for i in range(11))   # 0.005 ... 0.29: the kernel widths tried
COVERED_SHARE = 0.01     # a mode is covered when it holds at least this share of the samples...
WITHIN_SIGMAS = 3.0      # ...within this many of the data's sigmas of one of its components


class KDE:
    """A Gaussian kernel density estimate of the points (N, 2), its bandwidth chosen on `held_out` points (M, 2)."""

    def __init__(self, points: torch.Tensor, held_out: torch.Tensor | None = None, bandwidth: float | None = None):
        self.points = points.detach().float()
        if bandwidth is None:
            held = held_out if held_out is not None else points
            squared = squared_distances(held, self.points)                        # (M, N), once for every width
            mean_log_likelihood = lambda h: float((torch.logsumexp(-squared / (2 * h * h), 1)  # noqa: E731
                                                   - math.log(2 * math.pi * h * h)).mean())
            bandwidth = max(BANDWIDTHS, key=mean_log_likelihood)
        self.bandwidth = bandwidth

    def log_density(self, x: torch.Tensor) -> torch.Tensor:      # (N, 2) -> (N,)
        return gaussian_mixture_log_density(x, self.points, self.bandwidth)


def jsd(data: Mixture, real: torch.Tensor, fake: torch.Tensor, fake_fit: torch.Tensor) -> tuple[float, KDE]:
    """The Jensen–Shannon divergence in nats (0 to log 2) between the data and the generator, by Monte Carlo:
        JSD = ½ E_data[log p / m] + ½ E_g[log q / m],  m = (p + q) / 2,
    with p exact, q the KDE of `fake_fit` (its bandwidth chosen on `fake`), and the expectations over `real`
    (data samples) and `fake` (generator samples not in the fit). Returns it and the KDE."""
    q = KDE(fake_fit, held_out=fake)
    log_p_real, log_q_real = data.log_density(real), q.log_density(real)
    log_p_fake, log_q_fake = data.log_density(fake), q.log_density(fake)
    log_m_real = torch.logaddexp(log_p_real, log_q_real) - math.log(2)
    log_m_fake = torch.logaddexp(log_p_fake, log_q_fake) - math.log(2)
    value = 0.5 * float((log_p_real - log_m_real).mean()) + 0.5 * float((log_q_fake - log_m_fake).mean())
    return min(max(value, 0.0), math.log(2)), q


def optimal_discriminator(data: Mixture, p_g: KDE, x: torch.Tensor) -> torch.Tensor:
    """D*(x) = p_data / (p_data + p_g) at points (N, 2) -> (N,), computed in log space (sigmoid of the log ratio)."""
    return torch.sigmoid(data.log_density(x) - p_g.log_density(x))


def coverage(data: Mixture, fake: torch.Tensor) -> dict:
    """Modes covered (each holding >= 1% of the samples within 3 sigma of one of its components), of how many, and
    the high-quality share: samples within 3 sigma of any component."""
    index, distance = data.nearest_component(fake.detach())
    near = distance <= WITHIN_SIGMAS * data.sigma
    mode_of = torch.empty(len(data.centres), dtype=torch.long)
    for m, members in enumerate(data.modes):
        mode_of[list(members)] = m
    counts = torch.bincount(mode_of[index[near]], minlength=len(data.modes))
    covered = int((counts >= COVERED_SHARE * len(fake)).sum())
    return {"modes_covered": covered, "modes_total": len(data.modes), "high_quality_share": float(near.float().mean())}


def weighted_gap(d: torch.Tensor, d_star: torch.Tensor, weight: torch.Tensor) -> float:
    """Mean |D - D*| over grid points weighted by `weight` (p_data + p_g there): how far D is from optimal where
    there is mass to judge it on."""
    weight = weight.double() / weight.double().sum()
    return float(((d.double() - d_star.double()).abs() * weight).sum())
