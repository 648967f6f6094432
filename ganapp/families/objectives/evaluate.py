"""The objectives comparison: every shipped generator's samples against real test digits, in the
evaluator's eyes, beside its training run's wall time and stability."""
from __future__ import annotations

import json
from pathlib import Path

import torch

from ... import load
from ...hub import WeightsUnavailable, beside_weights, local_folder
from ...messages import Text, say
from ...metrics import RealReference
from ...reports import write_metrics
from ...train import command_for
from ...training.data import MNISTSampler
from ...training.loop import read_log, training_seconds
from . import SHIPPED_OBJECTIVES, checkpoint_name
from .inference import objective_samples, samples
from .model import ObjectiveGANConfig
from .recipe import ObjectiveTrainConfig
from .table import CONFIDENCE_BAR, FD_BAR, RAREST_BAR, comparison_table

TITLES = {"nonsaturating": "non-saturating GAN (Goodfellow et al. 2014)", "lsgan": "LSGAN (Mao et al. 2017)",
          "wgan": "WGAN, weight clipping (Arjovsky et al. 2017)", "wgan-gp": "WGAN-GP (Gulrajani et al. 2017)",
          "hinge": "hinge loss (Lim & Ye 2017)", "ebgan": "EBGAN (Zhao et al. 2017)",
          "capsgan": "CapsGAN: capsule-network discriminator (Jaiswal et al. 2018)"}
STEPS = ObjectiveTrainConfig.steps   # generator updates, every objective (the cGAN's budget)
WIDTH = ObjectiveGANConfig.width     # filters at 14x14 (twice that at 7x7), every objective (the cGAN's)
EARLIER = {"steps": 5000, "width": 32}   # what the generators published before the fair fight were trained with

def _recipe_changes(settings: dict) -> list[str]:
    """What a run's settings (its model and training configs, as provenance.json records them) changed from the
    objective's own recipe, in words; [] where nothing."""
    model, training = settings.get("model", {}), settings.get("training", {})
    words = []
    if model.get("hidden"):
        words.append(f"InfoGAN's generator body: a {model['hidden']:,}-unit fully connected layer (batch norm, ReLU) "
                     "before the DCGAN layers")
    if training.get("lr_g"):
        words.append(f"the generator's learning rate {training['lr_g']:g} (two time-scales: its discriminator keeps "
                     "the objective's own)")
    if training.get("d_batchnorm") or training.get("d_hidden"):
        hidden = training.get("d_hidden")
        words.append("InfoGAN's discriminator body: " + ", ".join(
            [*([f"a {hidden:,}-unit fully connected layer before the score"] if hidden else []),
             *(["batch norm after the second convolution" + (" and that layer" if hidden else "")]
               if training.get("d_batchnorm") else [])]))
    if training.get("spectral_norm"):
        words.append("every discriminator layer spectrally normalised")
    if training.get("dcgan_init"):
        words.append("DCGAN's N(0, 0.02) initial weights")
    if training.get("ema_images"):
        words.append(f"the shipped generator is the running average of its weights (half-life "
                     f"{training['ema_images']:,.0f} images), its batch-norm statistics measured on its own samples")
    return words


def _card(o: str) -> dict:
    """The model card's words for the generator of `o`, as it was trained (its config and provenance beside it)."""
    folder = local_folder(checkpoint_name(o))
    config = json.loads((folder / "config.json").read_text()) if (folder / "config.json").is_file() else {}
    provenance = json.loads((folder / "provenance.json").read_text()) if (folder / "provenance.json").is_file() else {}
    width, steps = config.get("width", WIDTH), provenance.get("run_steps") or EARLIER["steps"]
    retrained = (width, steps) == (WIDTH, STEPS)
    d = {"capsgan": " — here replaced by a capsule network: a convolution, 8×7×7 primary capsules of 8 dimensions and "
                    "two 16-d output capsules (real, generated) reached by three routing iterations, trained with the "
                    "margin loss", "ebgan": " and an autoencoder head (EBGAN energy)"}.get(o, "")
    settings = provenance.get("settings")
    changes = "; ".join(_recipe_changes(settings)) if settings else ""
    run_dir = f"runs/gan-{o}"
    return dict(
        title=f"DCGAN generator trained with {TITLES[o]}, MNIST",
        what=f"A DCGAN (generator: linear → {2 * width}×7×7 → {width}×14×14 → 1×28×28, batch norm, tanh; "
             f"discriminator: two strided convolutions{d}), trained for {steps:,} generator updates at batch 64 on "
             f"58,000 MNIST training digits under the `{o}` objective, with its own paper's optimiser settings and "
             "critic steps (see `ganapp/losses.py`)" + (f", and these changes of recipe: {changes}. " if changes else ". ")
             + "One of seven generators trained for the comparison; the table compares them all, each with its own "
             "width, updates and recipe (its paper's, or tuned as its card says). "
             + ("This one is the fair fight's: the conditional GAN's width and budget. " if retrained else
                f"This one has the fair fight's width but {steps:,} of its {STEPS:,} updates: its run was stopped "
                "there. " if width == WIDTH else
                f"This one was not retrained for the fair fight (width {WIDTH}, {STEPS:,} updates) yet. ")
             + "The checkpoint kept is the one with the lowest Fréchet distance to 2,000 held-out training digits.",
        train=command_for("objectives", settings, run_dir, validate_every=500) if settings else
              f"python -m ganapp.train objectives --threads 1 --run-dir {run_dir} --steps "
              f"{STEPS if width == WIDTH else steps} --validate-every {500 if width == WIDTH else 250} --set objective={o}"
              + ("" if width == WIDTH else f" --set width={width}")
              + " --export checkpoints",
        evaluate="python -m ganapp.evaluate objectives",
        run_dir=run_dir)


CARDS = {checkpoint_name(o): _card(o) for o in SHIPPED_OBJECTIVES}


def _budget(o: str) -> dict:
    """The width, generator updates and recipe ("own": its paper's; "tuned": see its card) the shipped generator of
    `o` was trained with (its config, its provenance)."""
    provenance = beside_weights(checkpoint_name(o), "provenance.json")
    return {"width": load(checkpoint_name(o)).config.width,
            "steps": provenance.get("run_steps") or EARLIER["steps"],
            "recipe": "tuned" if _recipe_changes(provenance.get("settings", {})) else "own"}


def _run_figures(run: Path, o: str) -> dict:
    """Wall time per 1,000 generator updates and the validation curve, from a training run's log (where the run is
    not on this machine: as the last evaluation stored them)."""
    if not (run / "log.jsonl").is_file():   # as stored, where they are the same weights' (the same width, updates)
        before = beside_weights(checkpoint_name(o), "metrics.json").get("objectives", {}).get(o, {})
        same = all(before.get(k, EARLIER.get(k, "own")) == v for k, v in _budget(o).items())
        return {k: before.get(k) if same else None for k in ("seconds_per_1000", "validation_curve", "fd_spread_last5")}
    rows = read_log(run)
    timed = [r for r in rows if "seconds" in r]
    curve = [[r["step"], r["validation"]["frechet"]] for r in rows if "validation" in r]
    last = [fd for _, fd in curve[-5:]]
    return {"seconds_per_1000": 1000 * training_seconds(rows) / timed[-1]["step"] if timed else None,
            "validation_curve": curve,
            # stability: how much the validation distance still moves over the last five checks
            "fd_spread_last5": (max(last) - min(last)) if last else None}


@torch.inference_mode()
def evaluate_objectives(data_root=None, n: int = 10000, seed: int = 0, runs_root: str = "runs") -> dict:
    """Per shipped objective: Fréchet distance of `n` samples to the `n` real test digits (evaluator
    features), beside real train vs test; mean evaluator confidence; digit coverage (KL from uniform,
    rarest digit's share); wall time per 1,000 updates and the validation curve's spread from its run."""
    train, test = MNISTSampler("train", data_root), MNISTSampler("test", data_root)
    reference = RealReference(test.images[:n])
    fd_real = reference.floor(train.images[torch.randperm(len(train), generator=torch.Generator().manual_seed(seed))[:n]])
    per_objective = {}
    for o in SHIPPED_OBJECTIVES:
        try:
            fakes = (samples(o, n, seed) + 1) / 2
        except WeightsUnavailable:
            continue
        per_objective[o] = {**reference.compare(fakes), **_budget(o), **_run_figures(Path(runs_root) / f"gan-{o}", o)}
    best = min(per_objective, key=lambda o: per_objective[o]["frechet"])
    metrics = {"n": n, "frechet_real_train_vs_test": fd_real, "steps": STEPS, "best": best, "objectives": per_objective}

    table = comparison_table(metrics)
    for o in per_objective:
        write_metrics(checkpoint_name(o), metrics, table)
        objective_samples(o, seed).save(local_folder(checkpoint_name(o)) / "samples.png")
    return metrics


def below_target(metrics: dict) -> list[Text]:
    """What the stored figures say misses its bar, in words (for the README and the tab)."""
    out = []
    for o, f in metrics["objectives"].items():
        if f["confidence"] < CONFIDENCE_BAR or f["rarest_share"] < RAREST_BAR:
            out.append(say("below.objective", objective=o, confidence=f["confidence"], rarest=100 * f["rarest_share"],
                           confidence_bar=CONFIDENCE_BAR, rarest_bar=100 * RAREST_BAR))
    best = metrics["objectives"][metrics["best"]]["frechet"]
    if best > FD_BAR:
        out.append(say("below.objectives_best", objective=metrics["best"], frechet=best, fd_bar=FD_BAR,
                       floor=metrics["frechet_real_train_vs_test"]))
    return out


def plain_words(metrics: dict) -> Text:
    """What the comparison found, in words a learner knows (the tab's first line)."""
    return say("plain.objectives", best=metrics["best"])


def quality_line(metrics: dict) -> Text:
    f, best = metrics["objectives"], metrics["best"]
    met = sum(1 for v in f.values() if v["confidence"] >= CONFIDENCE_BAR and v["rarest_share"] >= RAREST_BAR)
    return say("quality_line.objectives", best=best, frechet=f[best]["frechet"],
               floor=metrics["frechet_real_train_vs_test"], met=met, total=len(f))
