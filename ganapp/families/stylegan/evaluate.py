"""StyleGAN figures: sample quality at ψ = 1, and what each level of styles controls, in numbers."""
from __future__ import annotations

import json

import numpy as np
import torch

from ...hub import beside_weights, local_folder
from ...messages import Text, say
from ...metrics import RealReference, evaluator_outputs, ink, spearman
from ...reports import markdown_table, write_metrics
from ...train import command_for
from ...training.data import MNISTSampler
from .inference import mixed_images, mixing_grid, truncation_strip
from .model import StyleGANConfig
from .recipe import StyleGANTrainConfig, crop28


def _card() -> dict:
    """The model card's words for the shipped generator, as it was trained: its config, and the run's settings in the
    provenance that publishing wrote beside the weights."""
    config = StyleGANConfig(**json.loads((local_folder("stylegan") / "config.json").read_text()))
    provenance = beside_weights("stylegan", "provenance.json")
    settings = provenance.get("settings")
    train = StyleGANTrainConfig(**(settings or {}).get("training", {}))
    run_dir = f"runs/{provenance.get('run', 'stylegan')}"   # where its log is, for the card's curves
    chosen = (f": step {provenance['step']:,} ({provenance['step'] * train.batch_size:,} images) of "
              f"{provenance['run_steps']:,} generator updates" if settings else "")   # weights published without it
    return dict(
        title="Style-based generator (StyleGAN), MNIST 32×32",
        what=f"A mapping network ({config.mapping_layers} layers, z {config.z_dim}-d → w {config.w_dim}-d, learning "
             f"{1 / config.mapping_lr_mul:g}× slower than the rest), a learned 4×4 constant, and synthesis blocks at 4, "
             f"8, 16 and 32 px ({', '.join(map(str, config.channels))} feature maps), each with modulated/demodulated "
             "3×3 convolutions styled by the block's w (StyleGAN2's weight demodulation in place of AdaIN), per-pixel "
             "noise with learned strengths, and skip connections to the image. Discriminator (not shipped): "
             f"{'-'.join(map(str, train.d_channels))} convolutions with a minibatch-deviation channel"
             + (f", judging {train.pack} images at a time, stacked as channels (PacGAN, Lin et al. 2018: a generator "
                "that draws too few kinds of digit is caught by packs whose members look alike)" if train.pack > 1 else "")
             + f". Non-saturating loss, lazy R1 (γ = {train.r1_gamma:g}, every {train.r1_every} steps), style-mixing "
             f"regularisation ({100 * train.mixing_prob:.0f}% of batches), Adam {train.lr:g} (β = "
             f"{train.betas[0]:g}, {train.betas[1]:g}), batch {train.batch_size}, equalised learning rates, the "
             "average w tracked for truncation, and the exported weights an exponential moving average (half-life "
             f"{train.ema_images:,} images). The checkpoint kept is the one with the lowest Fréchet distance to "
             f"{train.validation_size:,} held-out training digits{chosen}. MNIST is padded to "
             "32×32 with black.",
        train=command_for("stylegan", settings, run_dir, validate_every=500) if settings else
              "python -m ganapp.train stylegan --threads 1 --validate-every 500 --resume --export checkpoints",
        evaluate="python -m ganapp.evaluate stylegan",
        run_dir=run_dir)


CARDS = {"stylegan": _card()}
CONFIDENCE_BAR, RAREST_BAR, FINE_BAR, COARSE_BAR = 0.90, 0.05, 0.90, 0.70   # issue #29's bars


@torch.inference_mode()
def evaluate_stylegan(data_root=None, n: int = 10000, pairs: int = 1000, seed: int = 0) -> dict:
    """Samples at ψ = 1 against the real test digits (Fréchet distance in the evaluator's features,
    beside real train vs test; mean confidence; digit coverage); and over `pairs` random (A, B) seed
    pairs: the evaluator's read of A's image mixed with B's fine styles (should stay A's digit) and
    with B's coarse styles (should become B's), and how the fine-mixed image's ink follows B's."""
    test, train = MNISTSampler("test", data_root), MNISTSampler("train", data_root)
    reference = RealReference(test.images[:n])
    fd_real = reference.floor(train.images[torch.randperm(len(train), generator=torch.Generator().manual_seed(seed))[:n]])
    chunks = [list(range(start, min(start + 500, seed + n))) for start in range(seed, seed + n, 500)]
    fakes = torch.cat([crop28(mixed_images(c, c, "fine", 1.0)) for c in chunks])   # each seed's own sample
    samples = reference.compare(fakes)

    rng = np.random.default_rng(seed)
    a_seeds = rng.integers(0, 2**31 - 1, pairs).tolist()
    b_seeds = rng.integers(0, 2**31 - 1, pairs).tolist()
    own_a, own_b = (crop28(mixed_images(s, s, "fine", 1.0)) for s in (a_seeds, b_seeds))
    fine, coarse = (crop28(mixed_images(a_seeds, b_seeds, level, 1.0)) for level in ("fine", "coarse"))
    digit_a, digit_b = evaluator_outputs(own_a)[0], evaluator_outputs(own_b)[0]
    fine_keeps_a = float((evaluator_outputs(fine)[0] == digit_a).double().mean())
    coarse_takes_b = float((evaluator_outputs(coarse)[0] == digit_b).double().mean())
    ink_fine, ink_a, ink_b = ink(fine).numpy(), ink(own_a).numpy(), ink(own_b).numpy()
    rho_b, rho_a = spearman(ink_fine, ink_b), spearman(ink_fine, ink_a)

    fd, confidence = samples["frechet"], samples["confidence"]
    metrics = {"frechet": fd, "frechet_real_train_vs_test": fd_real, "confidence": confidence,
               "rarest_share": samples["rarest_share"], "rarest_digit": samples["rarest_digit"], "n": n, "pairs": pairs,
               "fine_mix_keeps_a": fine_keeps_a, "coarse_mix_takes_b": coarse_takes_b,
               "fine_mix_ink_spearman_with_b": rho_b, "fine_mix_ink_spearman_with_a": rho_a}
    rows = [[f"Fréchet distance, {n:,} samples (ψ = 1) vs {n:,} test digits (evaluator features)", fd,
             f"real train vs test: {fd_real:.2f}"],
            ["mean evaluator confidence", confidence, f"≥ {CONFIDENCE_BAR}"],
            ["rarest digit among the samples", f"{100 * samples['rarest_share']:.1f}% (digit {samples['rarest_digit']})",
             f"≥ {100 * RAREST_BAR:.0f}%"],
            [f"B's fine styles (32 px): the evaluator still reads A's digit ({pairs:,} pairs)", f"{100 * fine_keeps_a:.1f}%",
             f"≥ {100 * FINE_BAR:.0f}%"],
            [f"B's coarse styles (4–8 px): the evaluator reads B's digit ({pairs:,} pairs)", f"{100 * coarse_takes_b:.1f}%",
             f"≥ {100 * COARSE_BAR:.0f}%"],
            ["ink of the fine-mixed image: Spearman ρ with B's / with A's", f"{rho_b:+.3f} / {rho_a:+.3f}",
             "the fine styles carry stroke weight when ρ with B is high"]]
    write_metrics("stylegan", metrics, markdown_table(["figure", "value", "target / baseline"], rows))
    folder = local_folder("stylegan")
    mixing_grid(seed, seed + 100, "coarse", 1.0).save(folder / "samples.png")
    mixing_grid(seed, seed + 100, "fine", 1.0).save(folder / "samples_fine_mix.png")
    truncation_strip(seed).save(folder / "samples_truncation.png")
    return metrics


def below_target(metrics: dict) -> list[Text]:
    """What the stored figures say misses its bar, in words (for the README and the tab)."""
    out = []
    if metrics["confidence"] < CONFIDENCE_BAR or metrics["rarest_share"] < RAREST_BAR:
        out.append(say("below.stylegan_samples", confidence=metrics["confidence"], rarest=100 * metrics["rarest_share"],
                       confidence_bar=CONFIDENCE_BAR, rarest_bar=100 * RAREST_BAR))
    if metrics["fine_mix_keeps_a"] < FINE_BAR:
        out.append(say("below.stylegan_fine", percent=100 * metrics["fine_mix_keeps_a"], target=100 * FINE_BAR))
    if metrics["coarse_mix_takes_b"] < COARSE_BAR:
        out.append(say("below.stylegan_coarse", percent=100 * metrics["coarse_mix_takes_b"], target=100 * COARSE_BAR))
    return out


def plain_words(metrics: dict) -> Text:
    """What the model does and how well, in words a learner knows (the tab's first line)."""
    return say("plain.stylegan_even" if metrics["rarest_share"] >= RAREST_BAR else "plain.stylegan",
               confidence=round(100 * metrics["confidence"]), rarest=metrics["rarest_digit"],
               share=round(1000 * metrics["rarest_share"]))


def quality_line(metrics: dict) -> Text:
    return say("quality_line.stylegan", frechet=metrics["frechet"], floor=metrics["frechet_real_train_vs_test"],
               confidence=metrics["confidence"], coarse=100 * metrics["coarse_mix_takes_b"],
               fine=100 * metrics["fine_mix_keeps_a"])
