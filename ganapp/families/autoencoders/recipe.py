"""Autoencoder training: the VAE family's recipe with `variational=False` (reconstruction only), and, with
`noise_max` > 0, a denoising autoencoder: each training digit is corrupted at its own noise level, drawn
uniformly in [0, noise_max], and the loss compares the output with the clean digit."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torchvision.utils import make_grid

from ...losses import descend
from ..vae.recipe import VAERecipe, VAETrainConfig
from .model import AutoencoderConfig, corrupt, psnr, reconstruction_nll

VALIDATION_SIGMA = 0.5   # the noise level the DAE is selected at (the headline level)


@dataclass
class AutoencoderTrainConfig(VAETrainConfig):
    steps: int = 8000            # batch-128 steps, ~19 passes over the 55,000 digits not held out
    noise_max: float = 0.6       # 0: a plain autoencoder; else each digit's noise level ~ U(0, noise_max)
    export_name: str = "dae"     # checkpoint name: "dae", or "ae4" ... "ae32" (the compression comparison)


class AutoencoderRecipe(VAERecipe):
    model_config_class = AutoencoderConfig
    train_config_class = AutoencoderTrainConfig

    def __init__(self, model: AutoencoderConfig, train: AutoencoderTrainConfig, data_root=None, device="cpu"):
        if model.variational:
            raise SystemExit("the autoencoders recipe trains plain autoencoders: --set variational=false "
                             "(the VAE is `python -m ganapp.train vae`)")
        super().__init__(model, train, data_root, device)
        self.validation_noisy = None
        if self.validation is not None and train.noise_max:  # one fixed corruption, so the figure is comparable
            self.validation_noisy = corrupt(self.validation.images, VALIDATION_SIGMA, torch.Generator().manual_seed(0))

    def train_step(self, step: int, generator: torch.Generator) -> dict[str, float]:
        for group in self.opt.param_groups:  # a lower learning rate for the last quarter, as the VAE's
            group["lr"] = self.train_cfg.lr * (0.3 if step >= 0.75 * self.train_cfg.steps else 1.0)
        x, _ = self.data.sample(self.train_cfg.batch_size, generator)                        # (B, 1, 28, 28) clean
        if self.train_cfg.noise_max:
            sigma = torch.rand(len(x), generator=generator) * self.train_cfg.noise_max        # (B,) one level per digit
            x_in = corrupt(x, sigma, generator)
        else:
            x_in = x
        logits = self.vae.decode_logits(self.vae.encode(x_in)[0])
        loss = reconstruction_nll(logits, x).mean()                                     # against the clean digit
        descend(self.opt, loss)
        return {"recon_nll": loss.item()}

    select_by = "validation_score"

    @torch.no_grad()
    def validate(self) -> dict[str, float] | None:
        """The DAE: PSNR (dB) of its output on the held-out digits corrupted at sigma 0.5; a plain autoencoder:
        its held-out reconstruction NLL (nats). None with nothing held out."""
        if self.validation is None:
            return None
        if self.validation_noisy is None:
            figures = super().validate()
            return {"validation_nats": figures["validation_nats"], self.select_by: figures[VAERecipe.select_by]}
        out = torch.cat([self.vae.decode(self.vae.encode(x)[0]) for x in self.validation_noisy.split(1000)])
        score = float(psnr(out, self.validation.images).mean())
        return {"validation_psnr_sigma05": score, self.select_by: score}

    def sample_grid(self) -> torch.Tensor:
        """Rows of 16 test digits: clean, corrupted at sigma 0.5 (the DAE), and the model's output."""
        x = self.test.images[:16]
        x_in = corrupt(x, VALIDATION_SIGMA, torch.Generator().manual_seed(0)) if self.train_cfg.noise_max else x
        return make_grid(torch.cat([x, x_in, self.vae.decode(self.vae.encode(x_in)[0])]), nrow=16)
