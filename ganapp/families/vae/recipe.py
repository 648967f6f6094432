"""VAE training (and, with `--set variational=false`, a plain autoencoder's): minimise the negative ELBO (Bernoulli decoder, summed over pixels), averaged
over the batch. Pixel intensities in [0, 1] are the Bernoulli targets, as in the PyTorch
example VAE, so the figures compare with it."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torchvision.utils import make_grid

from ...losses import descend
from ...training.data import MNISTSampler
from .measures import test_negative_elbo, test_reconstruction_nll
from .model import VAE, VAEConfig, negative_elbo, reconstruction_nll


@dataclass
class VAETrainConfig:
    steps: int = 16000        # batch-128 steps, ~37 passes over the 55,000 digits not held out (~35 min, one core)
    batch_size: int = 128
    lr: float = 1e-3
    kl_warmup: int = 0        # steps over which the KL term's weight rises from 0 to 1 (0: full weight from the start)
    validation_size: int = 5000  # training images held out to choose the best checkpoint by (0: none, keep the last)
    export_name: str = "vae"  # checkpoint name: "vae" (interpolation), "vae2d" or "ae2d" (the maps)


class VAERecipe:
    model_config_class = VAEConfig  # what `python -m ganapp.train` builds; `--set` overrides
    train_config_class = VAETrainConfig

    def __init__(self, model: VAEConfig, train: VAETrainConfig, data_root=None, device="cpu"):
        self.train_cfg, self.device = train, torch.device(device)
        self.data = MNISTSampler("train", data_root, device)
        self.test = MNISTSampler("test", data_root, device)  # for the sample grid only, never for choosing
        self.validation = self.data.hold_out(train.validation_size) if train.validation_size else None
        self.vae = VAE(model).to(device)
        self.opt = torch.optim.Adam(self.vae.parameters(), train.lr)
        self.modules, self.optimizers = {"vae": self.vae}, {"vae": self.opt}
        self.fixed_z = torch.randn(32, model.latent_dim, generator=torch.Generator().manual_seed(1234)).to(device)

    def train_step(self, step: int, generator: torch.Generator) -> dict[str, float]:
        for group in self.opt.param_groups:  # a lower learning rate for the last quarter
            group["lr"] = self.train_cfg.lr * (0.3 if step >= 0.75 * self.train_cfg.steps else 1.0)
        x, _ = self.data.sample(self.train_cfg.batch_size, generator)
        logits, mu, logvar = self.vae(x, generator)
        if self.vae.config.variational:
            # KL warm-up: the reconstruction term first, so that more latent dimensions get used.
            beta = min(1.0, (step + 1) / self.train_cfg.kl_warmup) if self.train_cfg.kl_warmup else 1.0
            loss = negative_elbo(logits, x, mu, logvar, beta).mean()
        else:  # a plain autoencoder: reconstruction only, nothing shapes the latent space
            loss = reconstruction_nll(logits, x).mean()
        descend(self.opt, loss)
        return {"neg_elbo" if self.vae.config.variational else "recon_nll": loss.item()}

    select_by = "validation_elbo"

    def validate(self) -> dict[str, float] | None:
        """The held-out training images' negative ELBO (the VAE) or reconstruction NLL (the autoencoder), in nats;
        the loop keeps the checkpoint where its negative is highest. None with nothing held out: no best is kept,
        and the last weights are the ones published."""
        if self.validation is None:
            return None
        figure = test_negative_elbo(self.vae, self.validation) if self.vae.config.variational \
            else test_reconstruction_nll(self.vae, self.validation)
        return {"validation_nats": figure, self.select_by: -figure}

    def sample_grid(self) -> torch.Tensor:
        """Top half: 32 test digits and their reconstructions; bottom: 32 samples from the prior."""
        x = self.test.images[:16]
        recon = self.vae.decode(self.vae.encode(x)[0])
        return make_grid(torch.cat([x, recon, self.vae.decode(self.fixed_z)]), nrow=16)

    def exported(self):
        return {self.train_cfg.export_name: self.vae}
