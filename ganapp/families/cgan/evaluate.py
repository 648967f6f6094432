"""Conditional GAN figures: label accuracy, Fréchet distance and variety of what users get."""
from __future__ import annotations

import torch

from ...hub import local_folder, write_generation_config
from ...messages import Text, say
from ...metrics import evaluator_outputs, frechet_distance, mean_pairwise_distance
from ...reports import markdown_table, write_metrics
from ...training.data import MNISTSampler
from .inference import cgan_all_digits, cgan_samples
from .inference import noise_scale as cgan_noise_scale

CARDS = {
    "cgan": dict(
        title="Conditional DCGAN, MNIST",
        what="Generator: noise (64-d) + 16-d label embedding → fully connected 128×7×7 → two transposed convolutions "
             "→ 28×28, tanh. Discriminator (not shipped): two strided convolutions and a dense layer, spectrally "
             "normalised, with a projection head (Miyato & Koyama 2018): realism score + ⟨features, embedding(label)⟩. "
             "Non-saturating GAN loss, Adam 2e-4 (β1 = 0.5), batch 64, trained on all 60,000 MNIST training digits. "
             "Samples are drawn with noise scale 0.8 (`noise_scale` in generation_config.json; the truncation trick of Brock et al. "
             "2019): the table below gives the figures as served and at the full scale 1.0 — a smaller scale reads "
             "as the asked-for digit more often, for less variety and a larger Fréchet distance, since the samples "
             "cover less of the real distribution.",
        train="python -m ganapp.train cgan --threads 1 --export checkpoints",
        evaluate="python -m ganapp.evaluate cgan --set noise_scale=0.8"),
}


def evaluate_cgan(data_root=None, per_class: int = 1000, seed: int = 0, noise_scale: float | None = None) -> dict:
    """Label accuracy, Fréchet distance and variety of the samples users get (at the stored noise
    scale) and at the full scale 1.0. With `noise_scale`, first store that sampling scale beside the
    weights (generation_config.json)."""
    if noise_scale is not None:
        write_generation_config("cgan", noise_scale=noise_scale)
    train, test = MNISTSampler("train", data_root), MNISTSampler("test", data_root)
    n = 10 * per_class
    g = torch.Generator().manual_seed(seed)
    _, train_feats = evaluator_outputs(train.images[torch.randperm(len(train), generator=g)[:n]])
    _, test_feats = evaluator_outputs(test.images[:n])
    fd_real = frechet_distance(test_feats, train_feats)
    labels = torch.arange(10).repeat_interleave(per_class)

    def figures(scale: float) -> dict:
        fakes = torch.cat([(cgan_samples(d, per_class, seed + d, scale) + 1) / 2 for d in range(10)])  # (n, 1, 28, 28)
        preds, feats = evaluator_outputs(fakes)
        ratios = []
        for d in range(10):  # variety: 200 samples per class against 200 real test digits of the class
            real_d = test.images[test.labels == d][:200]
            ratios.append(mean_pairwise_distance(fakes[labels == d][:200]) / mean_pairwise_distance(real_d))
        return {"noise_scale": scale, "label_accuracy": float((preds == labels).float().mean()),
                "per_digit_accuracy": [float((preds[labels == d] == d).float().mean()) for d in range(10)],
                "frechet_distance": frechet_distance(feats, train_feats), "variety_ratio_per_digit": ratios}

    shipped = figures(cgan_noise_scale())
    full = figures(1.0) if shipped["noise_scale"] != 1.0 else shipped
    rows = []
    for f, what in ((shipped, "as served"), (full, "full scale")) if full is not shipped else ((shipped, "as served"),):
        rows += [[f"label accuracy (evaluator, {per_class:,} per digit), noise scale {f['noise_scale']} ({what})",
                  f"{100 * f['label_accuracy']:.2f}%", "≥ 99%"],
                 [f"Fréchet distance to {n:,} train digits (evaluator features), noise scale {f['noise_scale']}",
                  f["frechet_distance"], f"real test vs train: {fd_real:.3g}"],
                 [f"variety: min over digits of pairwise-distance ratio (generated / real), noise scale {f['noise_scale']}",
                  min(f["variety_ratio_per_digit"]), "≥ 0.8"]]
    rows += [[f"digit {d}: accuracy / variety ratio (as served)",
              f"{100 * shipped['per_digit_accuracy'][d]:.1f}% / {shipped['variety_ratio_per_digit'][d]:.3f}", ""]
             for d in range(10)]
    metrics = {**shipped, "full_scale": full, "frechet_distance_real_test_vs_train": fd_real, "n": n}
    write_metrics("cgan", metrics, markdown_table(["figure", "value", "target / baseline"], rows))
    cgan_all_digits(seed, 10).save(local_folder("cgan") / "samples.png")
    return metrics


def below_target(metrics: dict) -> list[Text]:
    """What the stored figures say misses its bar, in words (for the README and the tab)."""
    out = []
    if metrics["label_accuracy"] < 0.99:
        out.append(say("below.cgan_accuracy", percent=100 * metrics["label_accuracy"]))
    if min(metrics["variety_ratio_per_digit"]) < 0.8:
        out.append(say("below.cgan_variety", ratio=min(metrics["variety_ratio_per_digit"])))
    return out


def plain_words(metrics: dict) -> Text:
    """What the model does and how well, in words a learner knows (the tab's first line)."""
    return say("plain.cgan", percent=round(100 * metrics["label_accuracy"]))


def quality_line(metrics: dict) -> Text:
    return say("quality_line.cgan", accuracy=100 * metrics["label_accuracy"], n=metrics["n"], scale=metrics["noise_scale"],
               variety=min(metrics["variety_ratio_per_digit"]))
