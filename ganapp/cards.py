"""Model cards: `python -m ganapp.cards <name> [--run-dir runs/<model>] [--readme]`.

Writes `checkpoints/<name>/README.md` from what our own commands produced: the config,
the training command, the training curve (plotted from the run's log), the sample grid and the
metrics table written by `python -m ganapp.evaluate`. Run it after evaluating.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from .hub import local_folder
from .training.loop import read_log

CARDS = {
    "classifier": dict(
        title="MNIST evaluator (small CNN)",
        what="A 4-conv CNN (two blocks of two 3×3 convs, batch norm, max-pool) with a 128-d penultimate layer. "
             "It is the judge for the generators: its predicted labels give label accuracies, its 128-d features "
             "the Fréchet distances.",
        train="python -m ganapp.train classifier --export checkpoints",
        evaluate="python -m ganapp.evaluate classifier"),
    "cgan": dict(
        title="Conditional DCGAN, MNIST",
        what="Generator: noise (64-d) + 16-d label embedding → fully connected 128×7×7 → two transposed convolutions "
             "→ 28×28, tanh. Discriminator (not shipped): two strided convolutions and a dense layer, spectrally "
             "normalised, with a projection head (Miyato & Koyama 2018): realism score + ⟨features, embedding(label)⟩. "
             "Non-saturating GAN loss, Adam 2e-4 (β1 = 0.5), batch 64, trained on all 60,000 MNIST training digits. "
             "Samples are drawn with noise scale 0.8 (`noise_scale` in the config; the truncation trick of Brock et al. "
             "2019): at the full scale 1.0 the evaluator reads 98.12% of them as the asked-for digit, with a Fréchet "
             "distance of 8.35 and a variety ratio of at least 0.936 per digit (`python -m ganapp.evaluate cgan "
             "--noise-scale 1.0`); at 0.8, 99.21% — the table below — for less variety (ratio ≥ 0.855) and a larger "
             "Fréchet distance, since the samples cover less of the real distribution.",
        train="python -m ganapp.train cgan --threads 1 --export checkpoints",
        evaluate="python -m ganapp.evaluate cgan --noise-scale 0.8"),
    "infogan": dict(
        title="InfoGAN, MNIST",
        what="The paper's MNIST architecture (Chen et al. 2016, appendix C.1): 62-d noise, a 10-way categorical code and "
             "two continuous codes U(−1, 1); a Q head on the discriminator's trunk; mutual-information terms "
             "(λ = 1 categorical, 0.1 continuous). Labels are never used in training. `config.json` stores which digit "
             "each category draws and what each continuous code controls, measured by the evaluation.",
        train="python -m ganapp.train infogan --threads 1 --export checkpoints",
        evaluate="python -m ganapp.evaluate infogan"),
    "vae": dict(
        title="Convolutional VAE, 16-d latent, MNIST",
        what="Encoder: two strided convolutions, a 256-unit layer, then mean and log-variance of a 16-d Gaussian. "
             "Decoder: the mirror image, ending in per-pixel Bernoulli logits. Trained on the negative ELBO "
             "(binary cross-entropy summed over pixels + KL), Adam 1e-3, batch 128.",
        train="python -m ganapp.train vae --threads 1 --export checkpoints",
        evaluate="python -m ganapp.evaluate vae"),
    "vae2d": dict(
        title="Convolutional VAE, 2-d latent, MNIST (for the latent map)",
        what="The same architecture as `vae` with a 2-d latent space, so that the decoder can be drawn as a map and the "
             "test set's encodings as a scatter plot (below). Two dimensions cost reconstruction quality; that is the point.",
        train="python -m ganapp.train vae --threads 1 --run-dir runs/vae2d --steps 4000 --set latent_dim=2 "
              "--set export_name=vae2d --export checkpoints",
        evaluate="python -m ganapp.evaluate vae"),
    "cyclegan_photo2monet": dict(
        title="CycleGAN generator, photo → Monet",
        what="A ResNet generator (Zhu et al. 2017) slimmed for a 2-core CPU: 16 base filters (paper: 64), 9 residual "
             "blocks at 64 channels, and resize-then-convolve upsampling instead of transposed convolutions (no "
             "checkerboard artifacts). Trained on random 128-pixel crops of the 256×256 images — 4× cheaper per step "
             "with the same texture scale — with LSGAN, cycle (λ = 10) and identity (0.5 λ) losses, a 50-image "
             "history for the PatchGAN discriminators (32 base filters), batch 1, Adam 2e-4 decaying linearly to 0 "
             "over the second half. Why this size: a 256×256 image must translate in ≤ 150 ms on 2 CPU cores; "
             "this generator takes 119 ms there against 956 ms for the paper's, measured in one run of `python -m benchmarks`. "
             "Both generators were trained together; this is one of the pair.",
        train="python -m ganapp.train cyclegan --threads 1 --snapshot-every 500   # shipped: the step-4500 snapshot (the run was stopped there)",
        evaluate="python -m ganapp.evaluate cyclegan"),
}
CARDS["cyclegan_monet2photo"] = {**CARDS["cyclegan_photo2monet"], "title": "CycleGAN generator, Monet → photo"}
DATA = {"cyclegan_photo2monet": "Kaggle *I'm Something of a Painter Myself*: 240 Monet paintings (public domain) and "
                                "4,000 landscape photos for training; 30 and 200 held out for the evaluation."}
DATA["cyclegan_monet2photo"] = DATA["cyclegan_photo2monet"]
RUN_DIRS = {"cyclegan_photo2monet": "runs/cyclegan", "cyclegan_monet2photo": "runs/cyclegan"}


def plot_curves(run_dir: Path, out: Path) -> bool:
    """Every logged loss against the step, one panel per loss. False when there is no log."""
    if not (run_dir / "log.jsonl").is_file():
        return False
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in read_log(run_dir) if "validation" not in r]  # losses only
    keys = [k for k in rows[0] if k not in ("step", "seconds")]
    fig, axes = plt.subplots(1, len(keys), figsize=(3.2 * len(keys), 2.6), dpi=100, squeeze=False)
    steps = [r["step"] for r in rows]
    for ax, key in zip(axes[0], keys):
        ax.plot(steps, [r[key] for r in rows], lw=0.8)
        ax.set_title(key)
        ax.set_xlabel("step")
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return True


def write_card(name: str, run_dir: Path | None = None) -> Path:
    folder = local_folder(name)
    card = CARDS[name]
    run_dir = Path(run_dir or RUN_DIRS.get(name, f"runs/{name}"))
    config = json.loads((folder / "config.json").read_text())
    metrics = (folder / "metrics.md").read_text() if (folder / "metrics.md").is_file() else "_not evaluated yet_"
    has_curve = plot_curves(run_dir, folder / "training_curve.png")
    lines = [
        "---", "license: mit", "library_name: pytorch", "tags: [ganapp, gan, mnist]" if "cyclegan" not in name
        else "tags: [ganapp, cyclegan, image-to-image]", "---", "",
        f"# {card['title']}", "", card["what"], "",
        "## Data", "", DATA.get(name, "MNIST (LeCun, Cortes and Burges): 60,000 training digits; the 10,000 test "
                                      "digits are used only for evaluation."), "",
        "## Use", "", "```python", "import ganapp", f'model = ganapp.load("{name}")  # this folder, or the Hub', "```", "",
        "Config (`config.json`, rebuilt on load, weights loaded strictly):", "", "```json",
        json.dumps(config, indent=2), "```", "",
        "## Training", "", f"```\n{card['train']}\n```", "",
    ]
    if has_curve:
        lines += ["![training curves](training_curve.png)", ""]
    lines += ["## Results", "", f"Measured by `{card['evaluate']}`:", "", metrics, ""]
    for image in ("samples.png", "samples_slant.png", "samples_width.png", "latent_scatter.png"):
        if (folder / image).is_file():
            lines += [f"![{image[:-4].replace('_', ' ')}]({image})", ""]
    (folder / "README.md").write_text("\n".join(lines))
    return folder / "README.md"


README = Path(__file__).resolve().parent.parent / "README.md"
README_SECTIONS = [("MNIST evaluator", "classifier"), ("Conditional GAN", "cgan"), ("InfoGAN", "infogan"),
                   ("VAE, 16-d latent", "vae"), ("VAE, 2-d latent", "vae2d"), ("CycleGAN", "cyclegan_photo2monet")]
START, END = "<!-- results:start -->", "<!-- results:end -->"


def update_readme(readme: Path = README) -> None:
    """Replace the README's results section with every model's metrics.md and sample grid."""
    parts = []
    for title, name in README_SECTIONS:
        folder = local_folder(name)
        if not (folder / "metrics.md").is_file():
            continue
        parts += [f"### {title} — `{CARDS[name]['evaluate']}`", "", (folder / "metrics.md").read_text().strip(), ""]
        if (folder / "samples.png").is_file():
            parts += [f"![{title} samples](checkpoints/{name}/samples.png)", ""]
    text = readme.read_text()
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    readme.write_text(head + START + "\n" + "\n".join(parts) + END + tail)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m ganapp.cards")
    p.add_argument("names", nargs="*", help=f"models whose cards to write: {', '.join(sorted(CARDS))}")
    p.add_argument("--run-dir", type=Path, help="training run whose log gives the curves")
    p.add_argument("--readme", action="store_true", help="also refresh the README's results section")
    args = p.parse_args(argv)
    unknown = set(args.names) - set(CARDS)
    if unknown:
        p.error(f"unknown model(s): {', '.join(sorted(unknown))}")
    for name in args.names:
        print(write_card(name, args.run_dir))
    if args.readme:
        update_readme()


if __name__ == "__main__":
    main()
