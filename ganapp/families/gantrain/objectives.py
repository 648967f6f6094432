"""The GAN objectives of the survey, each with the optimiser settings its paper recommends.

Notation: r = D(x) on real images, f = D(G(z)) on generated ones, raw scores (logits for the
probabilistic losses); softplus(t) = log(1 + e^t), so log sigmoid(t) = -softplus(-t).

- minimax (Goodfellow et al. 2014, eq. 1): D maximises log D(x) + log(1 - D(G(z)));
  G minimises log(1 - D(G(z))) = -softplus(f), whose gradient vanishes while D wins easily.
- nonsaturating (same paper, sec. 3): G maximises log D(G(z)) instead: loss softplus(-f).
- lsgan (Mao et al. 2017, eq. 2 with a=0, b=c=1): D: ½(r-1)² + ½f², G: ½(f-1)².
- wgan (Arjovsky et al. 2017): the critic maximises r - f, G maximises f; the critic's weights are
  clipped to [-c, c] after each step; RMSprop, 5 critic steps per generator step.
- wgan-gp (Gulrajani et al. 2017): WGAN's loss plus λ(‖∇D(x̂)‖ - 1)² on random interpolates x̂,
  no clipping; Adam (β1 = 0.5, β2 = 0.9), 5 critic steps.
- hinge (Lim & Ye 2017; Miyato et al. 2018): D: relu(1 - r) + relu(1 + f), G: -f.
- ebgan (Zhao et al. 2017, eq. 1-2): D is an autoencoder and its score the reconstruction energy E;
  D: E(x) + relu(m - E(G(z))), G: E(G(z)).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class Objective:
    name: str
    optimizer: str = "adam"        # "adam" or "rmsprop"
    lr_d: float = 2e-4
    lr_g: float = 2e-4
    betas: tuple[float, float] = (0.5, 0.999)
    d_steps: int = 1               # discriminator (critic) updates per generator update
    clip: float = 0.0              # WGAN: clip the critic's weights to [-clip, clip]; 0: no clipping
    gp_weight: float = 0.0         # WGAN-GP: λ of the gradient penalty
    margin: float = 0.0            # EBGAN: the margin m
    scores: str = "D(x), D(G(z)) as probabilities"   # what the score plot shows

    def d_loss(self, d, real: torch.Tensor, fake: torch.Tensor,
               generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The discriminator's loss on a batch, and its raw scores (r, f) for the plots; `generator`
        draws WGAN-GP's interpolation weights (so a seeded run repeats exactly)."""
        r, f = d(real), d(fake)
        n = self.name
        if n in ("minimax", "nonsaturating"):
            loss = F.softplus(-r).mean() + F.softplus(f).mean()
        elif n == "lsgan":
            loss = 0.5 * ((r - 1) ** 2).mean() + 0.5 * (f**2).mean()
        elif n in ("wgan", "wgan-gp"):
            loss = f.mean() - r.mean()
            if self.gp_weight:
                loss = loss + self.gp_weight * gradient_penalty(d, real, fake, generator)
        elif n == "hinge":
            loss = F.relu(1 - r).mean() + F.relu(1 + f).mean()
        elif n == "ebgan":
            loss = r.mean() + F.relu(self.margin - f).mean()
        else:
            raise ValueError(f"unknown objective {n!r}")
        return loss, r, f

    def g_loss(self, f: torch.Tensor) -> torch.Tensor:
        """The generator's loss from the discriminator's scores of its samples."""
        n = self.name
        if n == "minimax":
            return -F.softplus(f).mean()          # log(1 - sigmoid(f))
        if n == "nonsaturating":
            return F.softplus(-f).mean()          # -log sigmoid(f)
        if n == "lsgan":
            return 0.5 * ((f - 1) ** 2).mean()
        if n in ("wgan", "wgan-gp", "hinge"):
            return -f.mean()
        if n == "ebgan":
            return f.mean()
        raise ValueError(f"unknown objective {n!r}")

    def readable_scores(self, r: torch.Tensor, f: torch.Tensor) -> tuple[float, float]:
        """Mean scores as plotted: probabilities for the logistic losses, raw values otherwise."""
        if self.name in ("minimax", "nonsaturating"):
            return float(torch.sigmoid(r).mean()), float(torch.sigmoid(f).mean())
        return float(r.mean()), float(f.mean())


def gradient_penalty(d, real: torch.Tensor, fake: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """E[(‖∇_x̂ D(x̂)‖₂ - 1)²] at x̂ = εx + (1-ε)G(z), ε ~ U(0, 1) per sample (Gulrajani et al., eq. 3)."""
    eps = torch.rand(len(real), 1, 1, 1, generator=generator).to(real.device)
    mixed = (eps * real + (1 - eps) * fake.detach()).requires_grad_(True)
    grad, = torch.autograd.grad(d(mixed).sum(), mixed, create_graph=True)
    return ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()


OBJECTIVES: dict[str, Objective] = {o.name: o for o in [
    Objective("minimax"),
    Objective("nonsaturating"),
    Objective("lsgan", scores="D(x), D(G(z)) (targets 1 and 0)"),
    Objective("wgan", optimizer="rmsprop", lr_d=5e-5, lr_g=5e-5, d_steps=5, clip=0.01, scores="critic scores"),
    Objective("wgan-gp", lr_d=1e-4, lr_g=1e-4, betas=(0.5, 0.9), d_steps=5, gp_weight=10.0, scores="critic scores"),
    Objective("hinge", scores="D(x), D(G(z)) (margins at ±1)"),
    Objective("ebgan", lr_d=2e-4, lr_g=2e-4, margin=0.3, scores="energies E(x), E(G(z))"),
]}
