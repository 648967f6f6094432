"""Claims put to the test: do GAN-made digits help a classifier trained on few labelled ones?"""
from __future__ import annotations

from ... import WeightsUnavailable
from ...checks import MAX_SEED, check_choice, check_int
from ...hub import beside_weights

SIZES = (100, 500, 2000)   # the N: labelled training digits, a tenth of them per digit
GAN_ARMS = ("extra_class", "pseudo_label", "uniform", "conditional")
ARMS = ("none", *GAN_ARMS, "classic", "classic+best")
RESULTS = "claims_gan_n100"   # beside its weights: claims.json, the evaluation's tables (evaluate.py writes it)


def stored_results() -> dict:
    """The evaluation's figures ({} before `python -m ganapp.evaluate claims` has run, or without the weights)."""
    try:
        return beside_weights(RESULTS, "claims.json")
    except WeightsUnavailable:
        return {}


def check_cell(n_labelled, arm, seed) -> tuple[int, str, int]:
    n = check_choice("n_labelled", check_int("n_labelled", n_labelled, min(SIZES), max(SIZES)), SIZES)
    return n, check_choice("arm", arm, ARMS), check_int("seed", seed, 0, MAX_SEED)
