"""StyleGAN figures: sample quality at ψ = 1, and what each level of styles controls, in numbers."""
from __future__ import annotations

import numpy as np
import torch

from ...hub import local_folder
from ...messages import Text, say
from ...metrics import RealReference, evaluator_outputs, ink, spearman
from ...reports import markdown_table, write_metrics
from ...training.data import MNISTSampler
from .inference import mixed_images, mixing_grid, truncation_strip
from .recipe import crop28

CARDS = {
    "stylegan": dict(
        title="Style-based generator (StyleGAN), MNIST 32×32",
        what="A mapping network (4 layers, z 64-d → w 64-d, learning 10× slower than the rest), a learned 4×4 constant, and synthesis blocks at 4, 8, "
             "16 and 32 px (64, 64, 32, 16 feature maps), each with modulated/demodulated 3×3 convolutions styled by "
             "the block's w (StyleGAN2's weight demodulation in place of AdaIN), per-pixel noise with learned "
             "strengths, and skip connections to the image. Discriminator (not shipped): 16-32-64-64 convolutions "
             "with a minibatch-deviation channel. Non-saturating loss, lazy R1 (γ = 1, every 8 steps), style-mixing "
             "regularisation (90% of batches), Adam 2e-3 (β = 0, 0.99), batch 32, equalised learning rates, the "
             "average w tracked for truncation, and the exported weights an exponential moving average (half-life "
             "10,000 images). The checkpoint kept is the one with the lowest Fréchet distance to 2,000 held-out "
             "training digits: step 12,000 (384,000 images), of a run resumed to 14,000 and stopped just after 12,000 "
             "for lack of time (about 100 minutes of one core, mostly shared). MNIST is padded to 32×32 with black.",
        train="python -m ganapp.train stylegan --threads 1 --validate-every 1000 --sample-every 250 --resume  "
              "# shipped: runs/stylegan/best (step 12,000)",
        evaluate="python -m ganapp.evaluate stylegan"),
}
CONFIDENCE_BAR, RAREST_BAR, FINE_BAR, COARSE_BAR = 0.85, 0.05, 0.90, 0.70


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
    return say("plain.stylegan", confidence=round(100 * metrics["confidence"]), rarest=metrics["rarest_digit"],
               share=round(1000 * metrics["rarest_share"]))


def quality_line(metrics: dict) -> Text:
    return say("quality_line.stylegan", frechet=metrics["frechet"], floor=metrics["frechet_real_train_vs_test"],
               confidence=metrics["confidence"], coarse=100 * metrics["coarse_mix_takes_b"],
               fine=100 * metrics["fine_mix_keeps_a"])
