"""Claims inference: one cell of the augmentation experiment, trained live, and what the stored evaluation found.

`augment_run(n_labelled, arm, seed)` trains exactly what `python -m ganapp.evaluate claims` trained for that cell
(`augment.run_cell`, the same settings, digits and seed), so it reproduces the table's figure for that seed. It
waits for the live trainer's slot (`gantrain.live.SLOTS`): one training at a time on a small machine.
"""
from __future__ import annotations

import uuid

from ... import load
from ...checks import InvalidInput
from ..gantrain.live import API_WAIT_SECONDS, SLOTS
from . import GAN_ARMS, check_cell, stored_results
from .augment import run_cell
from .digits import labelled_subset, mnist_test_set


def best_gan_arm(n: int) -> str:
    """The GAN arm that did best on validation for N labelled digits, as the evaluation chose it."""
    try:
        return stored_results()["augmentation"]["by_n"][str(n)]["choice"]["best"]
    except KeyError:
        raise InvalidInput("claims.unmeasured") from None


def augment_run(n_labelled, arm, seed, progress=None) -> dict:
    """/augment_run: train the classifier of one (N, arm, seed) cell and measure it on the 10,000 test digits.
    Returns {"test_accuracy": float, "seconds": float}; `progress(step, steps)` is told as training goes."""
    n, arm, seed = check_cell(n_labelled, arm, seed)
    best = best_gan_arm(n) if arm == "classic+best" else None
    labelling = best if arm == "classic+best" else arm
    gans = {"gan": load(f"claims_gan_n{n}") if labelling in GAN_ARMS and labelling != "conditional" else None,
            "cgan": load(f"claims_cgan_n{n}") if labelling == "conditional" else None}
    owner = uuid.uuid4().hex
    if not SLOTS.acquire(owner, API_WAIT_SECONDS):
        raise InvalidInput("gantrain.slot_busy")
    try:
        cell = run_cell(labelled_subset(n), arm, seed, gans, mnist_test_set(), best_gan_arm=best, progress=progress)
    finally:
        SLOTS.release(owner)
    return {"test_accuracy": round(cell["accuracy"], 6), "seconds": round(cell["seconds"], 2)}
