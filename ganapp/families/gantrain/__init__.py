"""Train a GAN: pick an architecture and an objective, press Start, and watch a GAN learn MNIST live.

What the tab shows before anything trains, without torch: limits and starting rates (the architectures and
objectives it offers: ganapp.gan_settings)."""
import os

from ...gan_settings import SETTINGS

MAX_RUNS = int(os.environ.get("GANAPP_TRAIN_SLOTS", "1"))             # runs training at once
RUN_SECONDS = float(os.environ.get("GANAPP_TRAIN_SECONDS", "300"))    # training-time cap of one tab run
SAMPLES = 64               # the 8x8 grid, from noise fixed for the run
# The live trainer's (D, G) learning rates where a grid chose them for live training, else the objective's own
# (which the objectives comparison trains with). Non-saturating: the InfoGAN paper's rates reached recognisable
# digits in 400-675 generator steps over 5 seeds, against 1,100-1,300 at 2e-4 / 2e-4 (DCGAN, batch 64;
# `python -m benchmarks.live_grid`, benchmarks/live_grid_5seeds.md).
LIVE_RATES = {"nonsaturating": (2e-4, 1e-3)}


def live_rates(objective: str) -> tuple[float, float]:
    """(lr_d, lr_g) a live run of `objective` starts with."""
    return LIVE_RATES.get(objective, (SETTINGS[objective].lr_d, SETTINGS[objective].lr_g))
