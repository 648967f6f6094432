"""InfoGAN's training step (Chen et al., 2016, eq. 6):

    min_{G,Q} max_D  V(D, G) - lambda * L_I(G, Q)

where L_I is the variational lower bound on the mutual information between the codes c and
the generated image, on fake samples only: a cross-entropy for the categorical code and, for the
continuous codes, the negative log-likelihood of a Gaussian with sigma fixed at 1, i.e.
0.5 * the squared error summed over the codes. Q learns in the discriminator's step (it shares
its trunk) and the generator in its own; both subtract the same L_I (weight 1 for both, as in the
authors' code: openai/InfoGAN, `launchers/run_mnist_exp.py`, `algos/infogan_trainer.py`).
Weights start from N(0, 0.02) as there. Labels are never used, except in the disclosed
semi-supervised variant (`labels_per_digit`).

Model selection uses no label and no evaluator either: `validate()` asks Q which category each of
5,000 held-out real training digits belongs to and scores how confident and how balanced those
answers are (the mutual information between digit and category that Q sees), beside how closely
each continuous code follows a measurable stroke property (slant, width: image moments).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torchvision.utils import make_grid

from ...losses import descend
from ...training.data import MNISTSampler
from ...training.gan import AdversarialRecipe, init_normal
from .measures import code_correlations, name_codes
from .model import InfoGANConfig, InfoGANDiscriminator, InfoGANGenerator, draw_noise


@dataclass
class InfoGANTrainConfig:
    steps: int = 5000         # the paper's ~10 passes over MNIST at batch 128 (~45 min on one CPU core)
    batch_size: int = 128
    lr_d: float = 2e-4        # the paper's learning rates: 2e-4 for D (and Q), 1e-3 for G
    lr_g: float = 1e-3
    lambda_cat: float = 1.0   # weight of the categorical information term
    lambda_cont: float = 1.0  # weight of the continuous term, 0.5 * squared error summed over the codes (the paper)
    held_out: int = 5000      # last training digits kept out of training, for label-free model selection
    # Semi-supervision, the last resort (disclosed in the card and the tab): this many labelled training
    # digits per class, on which Q must read category d for digit d. 0: no label is ever used.
    labels_per_digit: int = 0
    lambda_sup: float = 1.0   # weight of that supervised cross-entropy
    sup_batch: int = 32       # labelled digits per step


def sample_codes(config: InfoGANConfig, n: int, generator: torch.Generator):
    """Training-time prior: z from the config's prior, category ~ Uniform{0..k-1}, continuous ~ U(-1, 1)."""
    z = draw_noise(config, n, generator)
    category = torch.randint(config.n_categories, (n,), generator=generator)
    continuous = torch.rand(n, config.n_continuous, generator=generator) * 2 - 1
    return z, category, continuous


class InfoGANRecipe(AdversarialRecipe):
    model_config_class = InfoGANConfig  # what `python -m ganapp.train` builds; `--set` overrides
    train_config_class = InfoGANTrainConfig

    def __init__(self, model: InfoGANConfig, train: InfoGANTrainConfig, data_root=None, device="cpu"):
        super().__init__(model, train, InfoGANGenerator(model), InfoGANDiscriminator(model), device,
                         train.lr_g, train.lr_d, (0.5, 0.999))
        for net in (self.g, self.d):
            net.apply(init_normal)
        self.data = MNISTSampler("train", data_root, device)
        self.held_out = self.data.hold_out(min(train.held_out, len(self.data) // 5))  # labels never read
        if train.labels_per_digit:  # a fixed handful, the same for every seed
            order = torch.randperm(len(self.data), generator=torch.Generator().manual_seed(0))
            labels = self.data.labels[order]
            self.labelled = torch.cat([order[labels == d][:train.labels_per_digit] for d in range(10)])  # (10 n,)
        # Sample grid: rows = categories, columns = the first continuous code from -2 to 2.
        fixed = torch.Generator().manual_seed(1234)
        k = model.n_categories
        self.fixed_z = draw_noise(model, 1, fixed).repeat(k * 10, 1).to(device)
        self.fixed_cat = torch.arange(k).repeat_interleave(10).to(device)
        sweep = torch.zeros(k * 10, model.n_continuous)
        sweep[:, 0] = torch.linspace(-2, 2, 10).repeat(k)
        self.fixed_cont = sweep.to(device)

    select_by = "unsupervised_score"

    def validate(self) -> dict[str, float]:
        """Label-free figures, the same inputs each time:
        - `q_information`: I(category; real digit) as Q reads the held-out real digits, H(mean p) - mean H(p),
          divided by log k. Near 1 when Q assigns every real digit confidently and the categories are used equally
          (a category per digit); lower when it hesitates, or when two digits share a category (a 4/9 merge).
        - `rho_slant`, `rho_width`: |Spearman ρ| of the code named after each with that measure, over 40 sweeps.
        `unsupervised_score` is the worst of the three as a fraction of its bar (0.9, 0.9 and 0.8), capped at 1, plus
        a hundredth of their sum: the loop keeps the checkpoint (and we pick the seed) closest to all of them.
        """
        k = self.model_cfg.n_categories
        p = torch.cat([self.d(x * 2 - 1)[1].softmax(1) for x in self.held_out.images.split(1000)])   # (N, k)
        entropy = lambda q: -(q * q.clamp_min(1e-12).log()).sum(-1)  # noqa: E731
        info = float((entropy(p.mean(0)) - entropy(p).mean()) / torch.log(torch.tensor(float(k))))
        figures = {"q_information": info, "q_confidence": float(p.max(1).values.mean()),
                   "q_categories_used": int((torch.bincount(p.argmax(1), minlength=k) > 0.02 * len(p)).sum())}  # of k
        rho = code_correlations(self.g, list(range(k)), 40, 9, torch.Generator().manual_seed(20_001))
        names = name_codes(rho) if self.model_cfg.n_continuous >= 2 else []
        for factor, column in (("slant", 0), ("width", 1)):
            figures[f"rho_{factor}"] = float(abs(rho[names.index(factor), column])) if factor in names else 0.0
        fractions = [min(1.0, f) for f in (info / 0.9, figures["rho_slant"] / 0.9, figures["rho_width"] / 0.8)]
        figures["unsupervised_score"] = min(fractions) + 0.01 * sum(fractions)
        return figures

    def _info_loss(self, q_cat, q_cont, category, continuous) -> torch.Tensor:
        return self.train_cfg.lambda_cat * F.cross_entropy(q_cat, category) + \
            self.train_cfg.lambda_cont * 0.5 * (q_cont - continuous).pow(2).sum(1).mean()

    def train_step(self, step: int, generator: torch.Generator) -> dict[str, float]:
        real, _ = self.data.sample(self.train_cfg.batch_size, generator)  # labels unused
        real = real * 2 - 1
        z, category, continuous = (t.to(self.device) for t in sample_codes(self.model_cfg, len(real), generator))
        fake = self.g(z, category, continuous)

        # D and Q: tell real from fake, and recover the codes of the fakes.
        d_real, _, _ = self.d(real)
        d_fake, q_cat, q_cont = self.d(fake.detach())
        loss_d = F.softplus(-d_real).mean() + F.softplus(d_fake).mean()
        loss_info_d = self._info_loss(q_cat, q_cont, category, continuous)
        if self.train_cfg.labels_per_digit:
            pick = self.labelled[torch.randint(len(self.labelled), (self.train_cfg.sup_batch,), generator=generator)]
            _, q_cat_real, _ = self.d(self.data.images[pick] * 2 - 1)
            loss_info_d = loss_info_d + self.train_cfg.lambda_sup * F.cross_entropy(q_cat_real, self.data.labels[pick])
        descend(self.opt_d, loss_d + loss_info_d)

        # G: fool D, and make the codes recoverable.
        d_fake, q_cat, q_cont = self.d(fake)
        loss_g = F.softplus(-d_fake).mean()
        loss_info = self._info_loss(q_cat, q_cont, category, continuous)
        descend(self.opt_g, loss_g + loss_info)
        return {"d": loss_d.item(), "g": loss_g.item(), "info": loss_info.item()}

    def sample_grid(self) -> torch.Tensor:
        images = self.g(self.fixed_z, self.fixed_cat, self.fixed_cont)
        return make_grid(images, nrow=10, normalize=True, value_range=(-1, 1))

    def exported(self):
        return {"infogan": self.g}
