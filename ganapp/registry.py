"""Every shipped model, in one explicit table: its name, class, and where its weights live.

Weights are looked for in `checkpoints/<name>/` first, then on the Hugging Face Hub in
`<GANAPP_HUB_ORG>/ganapp-<name>` at the pinned `revision` (`GANAPP_HUB_REVISION` overrides).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from .models.base import HubModel
from .models.classifier import MNISTClassifier
from .models.cgan import CGANGenerator
from .models.cyclegan import CycleGANGenerator
from .models.infogan import InfoGANGenerator
from .models.vae import VAE

DEFAULT_HUB_ORG = "ganapp"
PINNED_REVISION = "v1"  # a tag on each model repo, set by `python -m ganapp.hub push --tag v1`


@dataclass(frozen=True)
class ModelSpec:
    name: str                     # checkpoint folder and Hub repo suffix
    model_class: type[HubModel]   # rebuilt from config.json, then loaded strictly
    summary: str                  # one line, for model cards and error messages

    @property
    def repo_id(self) -> str:
        return f"{os.environ.get('GANAPP_HUB_ORG', DEFAULT_HUB_ORG)}/ganapp-{self.name}"

    @property
    def revision(self) -> str:
        return os.environ.get("GANAPP_HUB_REVISION", PINNED_REVISION)


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in [
        ModelSpec("classifier", MNISTClassifier, "MNIST evaluator CNN (measures the generators)"),
        ModelSpec("cgan", CGANGenerator, "conditional DCGAN generator, MNIST"),
        ModelSpec("infogan", InfoGANGenerator, "InfoGAN generator, MNIST"),
        ModelSpec("vae", VAE, "convolutional VAE, 16-d latent, MNIST"),
        ModelSpec("vae2d", VAE, "convolutional VAE, 2-d latent, MNIST"),
        ModelSpec("cyclegan_photo2monet", CycleGANGenerator, "CycleGAN generator, photo -> Monet"),
        ModelSpec("cyclegan_monet2photo", CycleGANGenerator, "CycleGAN generator, Monet -> photo"),
    ]
}


def spec(name: str) -> ModelSpec:
    try:
        return MODELS[name]
    except KeyError:
        raise KeyError(f"unknown model {name!r}; known: {', '.join(MODELS)}") from None
