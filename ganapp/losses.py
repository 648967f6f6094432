"""The GAN objectives of the survey, each with the optimiser settings its paper recommends (gan_settings.py).

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
- capsgan (Jaiswal et al. 2018): D is a capsule network with two output capsules, "real" and
  "generated", whose lengths in [0, 1) say how present each is; CapsNet's margin loss
  (Sabour et al. 2017, eq. 4) with m+ = 0.9, m- = 0.1, λ = 0.5: D labels real images real and
  generated ones generated, G wants its images labelled real.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .gan_settings import SETTINGS, ObjectiveSettings


@dataclass(frozen=True)
class Objective(ObjectiveSettings):
    """An objective's settings (`gan_settings.SETTINGS`) and its losses and steps."""

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
        elif n == "capsgan":
            loss = margin_loss(r, real=True) + margin_loss(f, real=False)
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
        if n == "capsgan":
            return margin_loss(f, real=True)
        raise ValueError(f"unknown objective {n!r}")

    def readable_scores(self, r: torch.Tensor, f: torch.Tensor) -> tuple[float, float]:
        """Mean scores as plotted: probabilities for the logistic losses, raw values otherwise."""
        if self.name in ("minimax", "nonsaturating"):
            return float(torch.sigmoid(r).mean()), float(torch.sigmoid(f).mean())
        if self.name == "capsgan":  # the "real" capsule's length
            return float(r[:, 0].mean()), float(f[:, 0].mean())
        return float(r.mean()), float(f.mean())

    def optimizers(self, g: nn.Module, d: nn.Module, lr_d: float | None = None,
                   lr_g: float | None = None) -> tuple[torch.optim.Optimizer, torch.optim.Optimizer]:
        """The objective's recommended optimisers for (G, D); `lr_d` / `lr_g` override its learning rates."""
        lr_d, lr_g = lr_d or self.lr_d, lr_g or self.lr_g
        if self.optimizer == "rmsprop":
            return torch.optim.RMSprop(g.parameters(), lr_g), torch.optim.RMSprop(d.parameters(), lr_d)
        return (torch.optim.Adam(g.parameters(), lr_g, betas=self.betas),
                torch.optim.Adam(d.parameters(), lr_d, betas=self.betas))

    def d_step(self, d: nn.Module, opt_d, real: torch.Tensor, fake: torch.Tensor,
               generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """One discriminator (critic) update on a real and a generated batch (WGAN's clipping included); returns
        its loss and scores. Alone, with G frozen, it is the 2-D view's "Train D only"."""
        loss_d, r, f = self.d_loss(d, real, fake, generator)
        descend(opt_d, loss_d)
        if self.clip:
            with torch.no_grad():
                for p in d.parameters():
                    p.clamp_(-self.clip, self.clip)
        return loss_d, r, f

    def train_step(self, g: nn.Module, d: nn.Module, opt_g, opt_d, real_batch: Callable[[], torch.Tensor],
                   noise: Callable[[], torch.Tensor], generator: torch.Generator | None = None) -> dict[str, float]:
        """`d_steps` discriminator updates, then one generator update — one step of every GAN here, live
        in the tab or in `python -m ganapp.train objectives`. `real_batch()` and `noise()` each draw a batch."""
        g.train()
        d.train()
        for _ in range(self.d_steps):
            loss_d, r, f = self.d_step(d, opt_d, real_batch(), g(noise()).detach(), generator)
        loss_g = self.g_loss(d(g(noise())))
        descend(opt_g, loss_g)
        score_real, score_fake = self.readable_scores(r.detach(), f.detach())
        return {"loss_d": loss_d.item(), "loss_g": loss_g.item(), "score_real": score_real, "score_fake": score_fake}


def descend(optimizer: torch.optim.Optimizer, loss: torch.Tensor) -> None:
    """One gradient step on `loss` for the parameters `optimizer` holds, their old gradients cleared first."""
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()


def margin_loss(lengths: torch.Tensor, real: bool, m_plus: float = 0.9, m_minus: float = 0.1,
                down_weight: float = 0.5) -> torch.Tensor:
    """CapsNet's margin loss (Sabour et al. 2017, eq. 4) for capsule lengths (B, 2) = ("real", "generated"):
    the capsule of the true class should be longer than m+, the other shorter than m-."""
    present, absent = (lengths[:, 0], lengths[:, 1]) if real else (lengths[:, 1], lengths[:, 0])
    return (F.relu(m_plus - present) ** 2 + down_weight * F.relu(absent - m_minus) ** 2).sum(0) / len(lengths)


def gradient_penalty(d, real: torch.Tensor, fake: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """E[(‖∇_x̂ D(x̂)‖₂ - 1)²] at x̂ = εx + (1-ε)G(z), ε ~ U(0, 1) per sample (Gulrajani et al., eq. 3)."""
    eps = torch.rand(len(real), *([1] * (real.dim() - 1)), generator=generator).to(real.device)  # images or points
    mixed = (eps * real + (1 - eps) * fake.detach()).requires_grad_(True)
    grad, = torch.autograd.grad(d(mixed).sum(), mixed, create_graph=True)
    return ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()


OBJECTIVES: dict[str, Objective] = {name: Objective(**dataclasses.asdict(s)) for name, s in SETTINGS.items()}
