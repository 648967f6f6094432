"""The survey's two claims, measured.

    python -m ganapp.evaluate claims                    # both parts (~45 min on one core); cells already run are kept
    python -m ganapp.evaluate claims --set part=sharpness

Claim 1 (augment.py): for each N in data.SIZES and each arm, a classifier trained from `seeds` seeds, measured on the
10,000 test digits. Nothing is tuned on the test set: the cell settings are fixed (augment.CellSettings), and the
GAN arm that "classic+best" combines with classic augmentation is chosen per N on a validation split carved from the
N digits (the last fifth of each digit's; classifiers trained on the other four fifths, two seeds per GAN arm).
Caveat, stated in the card: the GANs themselves were trained on all N, validation digits included.
Each finished cell is appended to `runs/claims/cells.jsonl`, so an interrupted evaluation resumes where it stopped.

Claim 2: `metrics.digit_sharpness` of real test digits, a blurred copy, the VAEs' and autoencoder's outputs and the
GANs' samples, beside the evaluator's confidence on the same images.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from ... import generation_config, load
from ...files import atomic_write
from ...hub import local_folder
from ...messages import Text, render, say
from ...metrics import digit_sharpness
from ...registry import family
from ...reports import figure, splice_readme, write_metrics
from ...training.data import MNISTSampler
from . import ARMS, GAN_ARMS, RESULTS, SIZES
from .augment import CellSettings, run_cell
from .digits import labelled_subset, mnist_test_set
from .tables import ARM_TITLES, OBJECTIVE_SOURCE, augmentation_table, sharpness_table

CELLS = Path("runs") / "claims" / "cells.jsonl"
VALIDATION_SEEDS = 2
SHARPNESS_SAMPLES = 2000
_TRAIN = "\n".join(f"python -m ganapp.train claims_{kind}_n{n} --threads 1 --run-dir runs/claims_{kind}_n{n} --export checkpoints"
                   for n in SIZES for kind in ("gan", "cgan"))
_EVALUATE = "python -m ganapp.evaluate claims"
CARDS = {
    f"claims_{kind}_n{n}": dict(
        title=f"{'Conditional' if kind == 'cgan' else 'Unconditional'} GAN trained on only {n} MNIST digits",
        what=f"The conditional GAN's DCGAN generator and projection discriminator at half width (32 filters), trained "
             f"for 3,000 batch-64 steps on the first {n // 10} training images of each digit and nothing else, every image "
             "the discriminator sees randomly shifted (up to 3 px) and cut out (a blank 7 px square), the DiffAugment "
             "recipe for little data. "
             + ("It draws the digit it is asked for: arm (d) of the augmentation experiment."
                if kind == "cgan" else "One class only: its samples carry no label, and arms (a)-(c) of the augmentation "
                                       "experiment label them three ways.")
             + " It exists to test the survey's claim that GAN images help a classifier that has few labels. Caveats of "
               "that experiment: the classifier's settings are fixed beforehand, the labelled digits are one fixed "
               "subset per N (the seeds vary the classifier, not the subset), and the GAN arm combined with classic "
               "augmentation is chosen on the last fifth of each digit's N digits, which this GAN also saw.",
        train=_TRAIN, evaluate=_EVALUATE)
    for n in SIZES for kind in ("gan", "cgan")}


# --- claim 1: augmentation -------------------------------------------------------------------------------------------

def _cell_key(split: str, n: int, arm: str, seed: int, ratio: int) -> str:
    return f"{split}/{n}/{arm}/{seed}/x{ratio}"


def _cached_cells() -> dict:
    if not CELLS.is_file():
        return {}
    return {row["key"]: row for row in map(json.loads, CELLS.read_text().splitlines()) if row}


def _record(row: dict) -> None:
    CELLS.parent.mkdir(parents=True, exist_ok=True)
    with CELLS.open("a") as f:   # one line per cell: a crash loses at most the cell it was in
        f.write(json.dumps(row) + "\n")


def gans(n: int) -> dict:
    return {"gan": load(f"claims_gan_n{n}"), "cgan": load(f"claims_cgan_n{n}")}


def validation_split(real: tuple[torch.Tensor, torch.Tensor]) -> tuple[tuple, tuple]:
    """The N digits as (the first four fifths of each digit's, the last fifth): training and validation."""
    images, labels = real
    per_digit = len(labels) // 10
    held = torch.zeros(len(labels), dtype=torch.bool)
    for d in range(10):
        held[torch.nonzero(labels == d).squeeze(1)[per_digit * 4 // 5:]] = True
    return (images[~held], labels[~held]), (images[held], labels[held])


def choose_best_gan_arm(n: int, real, cache: dict, seeds: int = VALIDATION_SEEDS) -> dict:
    """Each GAN arm's mean validation accuracy for this N, and the best of them."""
    fit, held = validation_split(real)
    scores = {}
    for arm in GAN_ARMS:
        accs = []
        for seed in range(seeds):
            key = _cell_key("validation", n, arm, seed, 1)
            if key not in cache:
                cache[key] = {"key": key, **run_cell(fit, arm, seed, gans(n), held)}
                _record(cache[key])
            accs.append(cache[key]["accuracy"])
        scores[arm] = float(np.mean(accs))
    return {"validation_accuracy": scores, "best": max(scores, key=scores.get)}


def augmentation_figures(data_root=None, seeds: int = 5, ratios: tuple[int, ...] = (1, 4),
                         more_generated_sizes: tuple[int, ...] = (100,)) -> dict:
    """Test accuracy (mean, sd, every seed) per N, arm and generated-to-real ratio; the validation choice per N.
    Ratios above 1 are run for the GAN arms at `more_generated_sizes` only (where few labels make GAN digits count
    most; the CPU did not allow every N)."""
    cache = _cached_cells()
    test = mnist_test_set()
    out = {"settings": CellSettings().__dict__, "seeds": seeds, "sizes": list(SIZES), "by_n": {}}
    for n in SIZES:
        real = labelled_subset(n)
        choice = choose_best_gan_arm(n, real, cache)
        cells = {}
        for ratio in (r for r in ratios if r == 1 or n in more_generated_sizes):
            for arm in (ARMS if ratio == 1 else GAN_ARMS):
                settings = CellSettings(generated_ratio=ratio)
                accs, secs = [], []
                for seed in range(seeds):
                    key = _cell_key("test", n, arm, seed, ratio)
                    if key not in cache:
                        cache[key] = {"key": key, **run_cell(real, arm, seed, gans(n), test,
                                                             best_gan_arm=choice["best"], settings=settings)}
                        _record(cache[key])
                        print(f"N {n} {arm} x{ratio} seed {seed}: {100 * cache[key]['accuracy']:.2f}%")
                    accs.append(cache[key]["accuracy"])
                    secs.append(cache[key]["seconds"])
                cells[f"{arm}/x{ratio}"] = {"mean": float(np.mean(accs)), "sd": float(np.std(accs, ddof=1)) if seeds > 1 else 0.0,
                                            "accuracies": accs, "seconds": float(np.mean(secs))}
        out["by_n"][str(n)] = {"choice": choice, "cells": cells}
    return out


def plot_augmentation(figures: dict, path: Path) -> None:
    sizes = figures["sizes"]
    with figure(path, figsize=(6.4, 4.2), dpi=100) as (_, ax):
        for arm in ARMS:
            cells = [figures["by_n"][str(n)]["cells"][f"{arm}/x1"] for n in sizes]
            style = "o-" if arm in ("none", "classic") else ("s--" if arm != "classic+best" else "D-.")
            ax.errorbar(sizes, [100 * c["mean"] for c in cells], yerr=[100 * c["sd"] for c in cells], fmt=style,
                        capsize=3, label=ARM_TITLES[arm], lw=1.2, ms=4)
        ax.set_xscale("log")
        ax.set_xticks(sizes, [str(n) for n in sizes])
        ax.set_xlabel("labelled training digits N")
        ax.set_ylabel("test accuracy (%), mean ± sd over seeds")
        ax.set_title("Does adding GAN digits help a small classifier?")
        ax.legend(fontsize=8)


# --- claim 2: sharpness ----------------------------------------------------------------------------------------------

@torch.inference_mode()
def sharpness_sources(data_root=None, count: int = SHARPNESS_SAMPLES) -> dict[str, torch.Tensor]:
    """The images compared, (count, 1, 28, 28) in [0, 1] each, by name; the first ten of each are the strip's."""
    from torchvision.transforms.v2.functional import gaussian_blur

    test = MNISTSampler("test", data_root)
    per_digit = torch.stack([torch.nonzero(test.labels == d).squeeze(1)[: count // 10] for d in range(10)])
    real = test.images[per_digit.T.flatten()]            # (count, 1, 28, 28): 0, 1, ..., 9, 0, 1, ...
    labels = torch.arange(count) % 10                    # real[i] is a labels[i], and the cGAN is asked for it
    z16 = torch.randn(count, 16, generator=torch.Generator().manual_seed(0))
    z2 = torch.randn(count, 2, generator=torch.Generator().manual_seed(0))
    vae, vae2d, ae2d, cgan = load("vae"), load("vae2d"), load("ae2d"), load("cgan")
    zc = torch.randn(count, cgan.config.z_dim, generator=torch.Generator().manual_seed(0))
    zc = zc * float(generation_config("cgan").get("noise_scale", 1.0))
    out = {"real test digits": real,
           "real, blurred (σ 1 px)": gaussian_blur(real, [7, 7], [1.0, 1.0]),
           "VAE 16-d: reconstructions": vae.decode(vae.encode(real)[0]),
           "VAE 16-d: samples": vae.decode(z16),
           "VAE 2-d: samples": vae2d.decode(z2),
           "plain AE 2-d: reconstructions": ae2d.decode(ae2d.encode(real)[0]),
           "conditional GAN: samples": (cgan(zc, labels) + 1) / 2}
    for spec in family("objectives").models:
        g = load(spec.name)
        z = torch.randn(count, g.config.z_dim, generator=torch.Generator().manual_seed(0))
        out[OBJECTIVE_SOURCE.format(objective=g.config.objective)] = (g(z) + 1) / 2
    return {name: x.clamp(0, 1) for name, x in out.items()}, labels


def sharpness_figures(data_root=None) -> tuple[dict, dict]:
    sources, labels = sharpness_sources(data_root)
    clf = load("classifier")
    rows = {}
    for name, x in sources.items():
        with torch.inference_mode():
            probs = torch.cat([clf(c).softmax(1) for c in x.split(1000)])
        asked = not name.endswith(": samples") or name.startswith("conditional")  # images whose digit is known
        rows[name] = {"sharpness": float(digit_sharpness(x).mean()),
                      "confidence": float(probs.max(1).values.mean()),
                      "read_right": float((probs.argmax(1) == labels).float().mean()) if asked else None}
    real = rows["real test digits"]["sharpness"]
    for row in rows.values():
        row["sharpness_vs_real"] = row["sharpness"] / real
    return rows, sources


def plot_strip(sources: dict, path: Path) -> None:
    """One row per source: its first ten images (digits 0-9 where it has labels), each one's sharpness under it."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(sources)
    fig, axes = plt.subplots(len(names), 10, figsize=(10 * 0.9, len(names) * 1.12), dpi=100, squeeze=False)
    for r, name in enumerate(names):
        x = sources[name][:10]
        scores = digit_sharpness(x)
        for c in range(10):
            ax = axes[r][c]
            ax.imshow(x[c, 0].numpy(), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_xlabel(f"{100 * scores[c]:.1f}", fontsize=7, labelpad=1)
        axes[r][0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=8)
    fig.suptitle("Sharpness (% of spectral power above 0.25 cycles/px) under each image", fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


# --- the run ---------------------------------------------------------------------------------------------------------

def evaluate_claims(data_root=None, seed: int = 0, part: str = "all", seeds: int = 5) -> dict:
    folder = local_folder(RESULTS)
    path = folder / "claims.json"
    metrics = json.loads(path.read_text()) if path.is_file() else {}
    if part in ("all", "sharpness"):
        metrics["sharpness"], sources = sharpness_figures(data_root)
        plot_strip(sources, folder / "sharpness_strip.png")
    if part in ("all", "augment"):
        metrics["augmentation"] = augmentation_figures(data_root, seeds)
        plot_augmentation(metrics["augmentation"], folder / "augmentation.png")
    atomic_write(path, json.dumps(metrics, indent=2) + "\n")
    table = "\n\n".join(t for t in (augmentation_table(metrics["augmentation"]) if "augmentation" in metrics else "",
                                    sharpness_table(metrics["sharpness"]) if "sharpness" in metrics else "") if t)
    for spec in family("claims").models:
        write_metrics(spec.name, metrics, table)
        samples_grid(spec.name).save(local_folder(spec.name) / "samples.png")
    if "augmentation" in metrics and "sharpness" in metrics:
        splice_readme("claims", readme_section(metrics))
    return metrics


@torch.inference_mode()
def samples_grid(name: str):
    """Ten samples of a claims GAN per row (the conditional one: a row per digit), for its card."""
    from ...images import grid

    g = load(name)
    z = torch.randn(100, g.config.z_dim, generator=torch.Generator().manual_seed(0))
    labels = (torch.arange(100) // 10) % g.config.n_classes
    return grid(g(z, labels), nrow=10, value_range=(-1, 1), scale=1, padding=2)


def readme_section(m: dict) -> str:
    """The README's "Claims tested" section: what was found, in words, then the tables and pictures."""
    verdict = plain_words(m).render("en")
    return "\n".join([
        f"{verdict}", "",
        f"![test accuracy against N](checkpoints/{RESULTS}/augmentation.png)", "",
        augmentation_table(m["augmentation"]), "",
        f"Each cell: a {CellSettings().width}-filter CNN trained for {CellSettings().steps} batch-{CellSettings().batch_size} "
        f"steps, {m['augmentation']['seeds']} seeds, measured on the 10,000 test digits; `python -m ganapp.evaluate claims`.", "",
        sharpness_table(m["sharpness"]), "",
        f"![the same digits from each model, sharpness under each](checkpoints/{RESULTS}/sharpness_strip.png)"])


# --- what the tab and the README say ---------------------------------------------------------------------------------

def _gains(m: dict, n: int) -> dict:
    """For N labelled digits: the mean test accuracy (%) of real digits only, of the best GAN arm by validation,
    of classic augmentation and of both together."""
    by_n = m["augmentation"]["by_n"][str(n)]
    cells, best = by_n["cells"], by_n["choice"]["best"]
    return {"best": best, "none": 100 * cells["none/x1"]["mean"], "gan": 100 * cells[f"{best}/x1"]["mean"],
            "gan_sd": 100 * cells[f"{best}/x1"]["sd"], "none_sd": 100 * cells["none/x1"]["sd"],
            "classic": 100 * cells["classic/x1"]["mean"], "both": 100 * cells["classic+best/x1"]["mean"]}


def gan_helped(m: dict, n: int) -> bool:
    """The claim holds at N when the best GAN arm's mean beats real-digits-only by more than both spreads."""
    g = _gains(m, n)
    return g["gan"] - g["none"] > g["gan_sd"] + g["none_sd"]


def plain_words(m: dict) -> Text:
    n = min(SIZES)
    g, s = _gains(m, n), m["sharpness"]
    gan_sharp = min(r["sharpness_vs_real"] for k, r in s.items() if "GAN" in k)
    vae_sharp = s["VAE 16-d: samples"]["sharpness_vs_real"]
    helped = [k for k in SIZES if gan_helped(m, k)]
    key = "plain.claims_gan_n100.helped" if helped else "plain.claims_gan_n100.not_helped"
    return say(key, n=n, none=g["none"], gan=g["gan"], arm=ARM_TITLES[g["best"]], classic=g["classic"],
               arm_zh=render(f"claims.arm.{g['best']}", "zh-CN"),   # the arm's name in each text's language
               both=g["both"], sizes=", ".join(map(str, helped)) or "—", gan_sharp=gan_sharp, vae_sharp=vae_sharp)


def below_target(m: dict) -> list[Text]:
    return []   # an experiment, not a model with bars: what it finds is the finding


def quality_line(m: dict) -> Text:
    small, large, s = _gains(m, min(SIZES)), _gains(m, max(SIZES)), m["sharpness"]
    return say("quality_line.claims", n=min(SIZES), none=small["none"], arm=small["best"], gan=small["gan"],
               classic=small["classic"], both=small["both"], n_large=max(SIZES), none_large=large["none"],
               gan_large=large["gan"], vae=s["VAE 16-d: samples"]["sharpness_vs_real"],
               cgan=s["conditional GAN: samples"]["sharpness_vs_real"])
