"""InfoGAN's training step (Chen et al., 2016, eq. 6):

    min_{G,Q} max_D  V(D, G) - lambda * L_I(G, Q)

where L_I is the variational lower bound on the mutual information between the codes c and
the generated image: a cross-entropy for the categorical code and, for each continuous code, a
Gaussian log-likelihood with fixed variance (a squared error). Q learns in the discriminator's
step (it shares its trunk) and the generator in its own; both minimise the same L_I. Labels
are never used.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torchvision.utils import make_grid

from ...metrics import pick_categories, picked_accuracy
from ...training.data import MNISTSampler
from .evaluate import category_counts, code_correlations, name_codes
from .model import InfoGANConfig, InfoGANDiscriminator, InfoGANGenerator


@dataclass
class InfoGANTrainConfig:
    steps: int = 5000         # the paper's ~10 passes over MNIST at batch 128 (~45 min on one CPU core)
    batch_size: int = 128
    lr_d: float = 2e-4        # the paper's learning rates: 2e-4 for D (and Q), 1e-3 for G
    lr_g: float = 1e-3
    lambda_cat: float = 1.0   # weight of the categorical information term
    lambda_cont: float = 0.1  # weight of the continuous information term
    # Semi-supervision, the last resort (disclosed in the card and the tab): this many labelled training
    # digits per class, on which Q must read category d for digit d. 0: no label is ever used.
    labels_per_digit: int = 0
    lambda_sup: float = 1.0   # weight of that supervised cross-entropy
    sup_batch: int = 32       # labelled digits per step


def sample_codes(cfg: InfoGANConfig, n: int, generator: torch.Generator):
    """Training-time prior: z ~ N(0, I), category ~ Uniform{0..k-1}, continuous ~ U(-1, 1)."""
    z = torch.randn(n, cfg.z_dim, generator=generator)
    category = torch.randint(cfg.n_categories, (n,), generator=generator)
    continuous = torch.rand(n, cfg.n_continuous, generator=generator) * 2 - 1
    return z, category, continuous


class InfoGANRecipe:
    model_config_class = InfoGANConfig  # what `python -m ganapp.train` builds; `--set` overrides
    train_config_class = InfoGANTrainConfig

    def __init__(self, model: InfoGANConfig, train: InfoGANTrainConfig, data_root=None, device="cpu"):
        self.cfg, self.model_cfg, self.device = train, model, torch.device(device)
        self.data = MNISTSampler("train", data_root, device)
        self.g, self.d = InfoGANGenerator(model).to(device), InfoGANDiscriminator(model).to(device)
        self.opt_g = torch.optim.Adam(self.g.parameters(), train.lr_g, betas=(0.5, 0.999))
        self.opt_d = torch.optim.Adam(self.d.parameters(), train.lr_d, betas=(0.5, 0.999))
        self.modules, self.optimizers = {"g": self.g, "d": self.d}, {"g": self.opt_g, "d": self.opt_d}
        if train.labels_per_digit:  # a fixed handful, the same for every seed
            order = torch.randperm(len(self.data), generator=torch.Generator().manual_seed(0))
            labels = self.data.labels[order]
            self.labelled = torch.cat([order[labels == d][:train.labels_per_digit] for d in range(10)])  # (10 n,)
        # Sample grid: rows = categories, columns = the first continuous code from -2 to 2.
        fixed = torch.Generator().manual_seed(1234)
        k = model.n_categories
        self.fixed_z = torch.randn(1, model.z_dim, generator=fixed).repeat(k * 10, 1).to(device)
        self.fixed_cat = torch.arange(k).repeat_interleave(10).to(device)
        sweep = torch.zeros(k * 10, model.n_continuous)
        sweep[:, 0] = torch.linspace(-2, 2, 10).repeat(k)
        self.fixed_cont = sweep.to(device)

    select_by = "bars_met"

    def validate(self) -> dict[str, float]:
        """How well the categories draw digits (the evaluator's read of 2,000 fresh samples) and how closely the
        continuous codes follow slant and width (40 sweeps each), the same samples each time.

        `bars_met` is the worst of the four figures as a fraction of its bar (picked digit 95%, worst digit 90%,
        |ρ| 0.9 for slant and for width): the loop keeps the checkpoint closest to meeting all of them. The
        evaluator's labels only choose among checkpoints (and, later, name the categories); the training step
        never sees a label (unless semi-supervised, disclosed).
        """
        k = self.model_cfg.n_categories
        counts = category_counts(self.g, 2000 // k, torch.Generator().manual_seed(20_000))
        assignment = pick_categories(counts)
        per_digit = picked_accuracy(counts, assignment)
        figures = {"purity": float(counts.max(1).values.sum() / counts.sum()),
                   "picked_accuracy": sum(per_digit) / 10, "worst_digit_accuracy": min(per_digit)}
        rho = code_correlations(self.g, [c for c in assignment if c >= 0] or [0], 40, 9, torch.Generator().manual_seed(20_001))
        names = name_codes(rho) if self.model_cfg.n_continuous >= 2 else []
        for factor, column in (("slant", 0), ("width", 1)):
            figures[f"rho_{factor}"] = float(abs(rho[names.index(factor), column])) if factor in names else 0.0
        figures["bars_met"] = min(figures["picked_accuracy"] / 0.95, figures["worst_digit_accuracy"] / 0.9,
                                  figures["rho_slant"] / 0.9, figures["rho_width"] / 0.9)
        return figures

    def _info_loss(self, q_cat, q_cont, category, continuous) -> torch.Tensor:
        return self.cfg.lambda_cat * F.cross_entropy(q_cat, category) + \
            self.cfg.lambda_cont * F.mse_loss(q_cont, continuous)

    def train_step(self, step: int, generator: torch.Generator) -> dict[str, float]:
        real, _ = self.data.sample(self.cfg.batch_size, generator)  # labels unused
        real = real * 2 - 1
        z, category, continuous = (t.to(self.device) for t in sample_codes(self.model_cfg, len(real), generator))
        fake = self.g(z, category, continuous)

        # D and Q: tell real from fake, and recover the codes of the fakes.
        d_real, _, _ = self.d(real)
        d_fake, q_cat, q_cont = self.d(fake.detach())
        loss_d = F.softplus(-d_real).mean() + F.softplus(d_fake).mean()
        loss_info_d = self._info_loss(q_cat, q_cont, category, continuous)
        if self.cfg.labels_per_digit:
            pick = self.labelled[torch.randint(len(self.labelled), (self.cfg.sup_batch,), generator=generator)]
            _, q_cat_real, _ = self.d(self.data.images[pick] * 2 - 1)
            loss_info_d = loss_info_d + self.cfg.lambda_sup * F.cross_entropy(q_cat_real, self.data.labels[pick])
        self.opt_d.zero_grad(set_to_none=True)
        (loss_d + loss_info_d).backward()
        self.opt_d.step()

        # G: fool D, and make the codes recoverable.
        d_fake, q_cat, q_cont = self.d(fake)
        loss_g = F.softplus(-d_fake).mean()
        loss_info = self._info_loss(q_cat, q_cont, category, continuous)
        self.opt_g.zero_grad(set_to_none=True)
        (loss_g + loss_info).backward()
        self.opt_g.step()
        return {"d": loss_d.item(), "g": loss_g.item(), "info": loss_info.item()}

    def sample_grid(self) -> torch.Tensor:
        images = self.g(self.fixed_z, self.fixed_cat, self.fixed_cont)
        return make_grid(images, nrow=10, normalize=True, value_range=(-1, 1))

    def exported(self):
        return {"infogan": self.g}
