"""The small GANs by name: their architectures (built by `ganapp.small_gans`) and objectives, with the optimiser
settings each objective's paper recommends (their losses: `ganapp.losses`).

No torch here: the tabs list them and say what each sets before the server imports torch."""
from __future__ import annotations

from dataclasses import dataclass

ARCHITECTURES = ("mlp", "dcgan")


@dataclass(frozen=True)
class ObjectiveSettings:
    name: str
    optimizer: str = "adam"        # "adam" or "rmsprop"
    lr_d: float = 2e-4
    lr_g: float = 2e-4
    betas: tuple[float, float] = (0.5, 0.999)
    d_steps: int = 1               # discriminator (critic) updates per generator update
    clip: float = 0.0              # WGAN: clip the critic's weights to [-clip, clip]; 0: no clipping
    gp_weight: float = 0.0         # WGAN-GP: λ of the gradient penalty
    margin: float = 0.0            # EBGAN: the margin m


SETTINGS: dict[str, ObjectiveSettings] = {o.name: o for o in [
    ObjectiveSettings("minimax"),
    ObjectiveSettings("nonsaturating"),
    ObjectiveSettings("lsgan"),
    ObjectiveSettings("wgan", optimizer="rmsprop", lr_d=5e-5, lr_g=5e-5, d_steps=5, clip=0.01),
    ObjectiveSettings("wgan-gp", lr_d=1e-4, lr_g=1e-4, betas=(0.5, 0.9), d_steps=5, gp_weight=10.0),
    ObjectiveSettings("hinge"),
    ObjectiveSettings("ebgan", lr_d=2e-4, lr_g=2e-4, margin=0.3),
    ObjectiveSettings("capsgan"),
]}
