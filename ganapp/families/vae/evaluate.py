"""VAE figures: test negative ELBO beside the PyTorch example's MLP VAE, reconstructions and
interpolations read by the evaluator, and the 2-d model's map of test encodings."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from ... import load
from ...hub import WeightsUnavailable, local_folder, write_generation_config
from ...messages import Text, say
from ...metrics import evaluator_outputs, map_square, reach_share
from ...reports import figure, markdown_table, write_metrics
from ...sampling import grid_points
from ...training.data import MNISTSampler
from . import MAP_MODELS
from .inference import latent_map, vae_frames, vae_interpolate
from .measures import pixel_entropy, test_iwae_bound, test_negative_elbo, test_reconstruction_nll
from .model import negative_elbo

CARDS = {
    "vae": dict(
        title="Convolutional VAE, 16-d latent, MNIST",
        what="Encoder: two strided convolutions (64 and 128 filters), a 512-unit layer, then mean and log-variance of a "
             "16-d Gaussian. Decoder: the mirror image, ending in per-pixel Bernoulli logits. Trained on the negative "
             "ELBO (binary cross-entropy summed over pixels + KL, the KL weight warmed up from 0 to 1 over the first "
             "2,000 steps), Adam 1e-3 (0.3e-3 from step 12,000), batch 128: 16,000 steps, then resumed to 20,000 at the "
             "low rate (46 passes over the 55,000 training digits; 5,000 more are held out, and the checkpoint kept is "
             "the one with the lowest negative ELBO on them, step 19,000). The test set is used for the figures below only.",
        train="python -m ganapp.train vae --threads 1 --run-dir runs/vae-w64 --steps 16000 --validate-every 1000 "
              "--set width=64 --set hidden=512 --set kl_warmup=2000\n"
              "python -m ganapp.train vae --threads 1 --run-dir runs/vae-w64 --steps 20000 --validate-every 1000 "
              "--set width=64 --set hidden=512 --set kl_warmup=2000 --resume   # shipped: runs/vae-w64/best",
        evaluate="python -m ganapp.evaluate vae --set baseline_epochs=46"),
    "vae2d": dict(
        title="Convolutional VAE, 2-d latent, MNIST (for the latent map)",
        what="The same architecture as `vae` with a 2-d latent space, so that the decoder can be drawn as a map and the "
             "test set's encodings as a scatter plot (below). Two dimensions cost reconstruction quality; that is the point.",
        train="python -m ganapp.train vae2d --threads 1 --export checkpoints   # the vae recipe with vae2d's presets "
              "(registry: latent_dim=2, 4,000 steps)",
        evaluate="python -m ganapp.evaluate vae --set part=maps"),
    "ae2d": dict(
        title="Plain autoencoder, 2-d latent, MNIST (beside the VAE's map)",
        what="Exactly `vae2d`'s encoder and decoder, trained the same number of steps on the same data, but as a plain "
             "autoencoder: the code is the encoder's mean, the loss is the reconstruction alone (Bernoulli NLL), with no "
             "KL term pulling the codes towards N(0, I). It is there to be compared: its codes scatter into islands "
             "with gaps between them, and the figures below measure how much of its map decodes to a digit.",
        train="python -m ganapp.train ae2d --threads 1 --export checkpoints   # the vae recipe with ae2d's presets "
              "(registry: latent_dim=2, variational=false, 4,000 steps)",
        evaluate="python -m ganapp.evaluate vae --set part=maps"),
}


class ExampleMLPVAE(torch.nn.Module):
    """The baseline: the PyTorch examples repository's MNIST VAE (784-400-20, MLP), unchanged."""

    def __init__(self):
        super().__init__()
        self.fc1, self.fc21, self.fc22 = torch.nn.Linear(784, 400), torch.nn.Linear(400, 20), torch.nn.Linear(400, 20)
        self.fc3, self.fc4 = torch.nn.Linear(20, 400), torch.nn.Linear(400, 784)

    def encode(self, x):
        h = F.relu(self.fc1(x.flatten(1)))
        return self.fc21(h), self.fc22(h)

    def decode_logits(self, z):
        return self.fc4(F.relu(self.fc3(z))).view(-1, 1, 28, 28)

    def forward(self, x, generator=None):
        mu, logvar = self.encode(x)
        z = mu + torch.exp(0.5 * logvar) * torch.randn(mu.shape, generator=generator)
        return self.decode_logits(z), mu, logvar


def train_example_vae(train: MNISTSampler, epochs: int, seed: int = 0) -> ExampleMLPVAE:
    """Train the baseline as the PyTorch example does: Adam 1e-3, batch 128, `epochs` epochs."""
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    model = ExampleMLPVAE()
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    for _ in tqdm(range(epochs), desc="baseline MLP VAE (epochs)"):
        for idx in torch.randperm(len(train), generator=g).split(128):
            x = train.images[idx]
            logits, mu, logvar = model(x, g)
            loss = negative_elbo(logits, x, mu, logvar).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model


def evaluate_vae(data_root=None, baseline_epochs: int = 34, n_triples: int = 1000, steps: int = 8, seed: int = 0,
                 part: str = "all", iwae_k: int = 100) -> dict:
    """The 16-d VAE's figures beside the MLP baseline, then the 2-d maps (`part="maps"`: the maps only)."""
    if part not in ("all", "maps"):
        raise ValueError("part must be 'all' or 'maps'")
    if part == "maps":
        return evaluate_maps(data_root, seed)
    metrics = _evaluate_vae16(data_root, baseline_epochs, n_triples, steps, seed, iwae_k)
    evaluate_maps(data_root, seed)
    return metrics


def _evaluate_vae16(data_root, baseline_epochs: int, n_triples: int, steps: int, seed: int, iwae_k: int) -> dict:
    train, test = MNISTSampler("train", data_root), MNISTSampler("test", data_root)
    vae = load("vae")
    ours = test_negative_elbo(vae, test, seed)
    baseline_model = train_example_vae(train, baseline_epochs, seed)
    baseline = test_negative_elbo(baseline_model, test, seed)
    iwae, baseline_iwae = test_iwae_bound(vae, test, iwae_k, seed), test_iwae_bound(baseline_model, test, iwae_k, seed)
    floor = pixel_entropy(test)

    with torch.inference_mode():
        recon = torch.cat([vae.decode(vae.encode(x)[0]).cpu() for x in test.images.split(1000)])
    recon_acc = float((evaluator_outputs(recon)[0] == test.labels).float().mean())

    g = torch.Generator().manual_seed(seed)
    ends_ok, ratios = 0, []
    by_digit = [torch.nonzero(test.labels == d).flatten() for d in range(10)]
    firsts, lasts, pairs = [], [], []
    for _ in range(n_triples):
        a, b = (int(v) for v in torch.randint(10, (2,), generator=g))
        ia = by_digit[a][torch.randint(len(by_digit[a]), (), generator=g)]
        ib = by_digit[b][torch.randint(len(by_digit[b]), (), generator=g)]
        frames = vae_frames(test.images[ia], test.images[ib], torch.linspace(0, 1, steps))
        gaps = (frames[1:] - frames[:-1]).flatten(1).norm(dim=1)
        ratios.append(float(gaps.max() / gaps.mean().clamp_min(1e-8)))
        firsts.append(frames[0])
        lasts.append(frames[-1])
        pairs.append((a, b))
    first_pred, _ = evaluator_outputs(torch.stack(firsts))
    last_pred, _ = evaluator_outputs(torch.stack(lasts))
    ends_ok = sum(int(fp == a and lp == b) for fp, lp, (a, b) in zip(first_pred.tolist(), last_pred.tolist(), pairs))
    interp_acc = ends_ok / n_triples

    rows = [[f"test negative ELBO (nats), latent {vae.config.latent_dim}", ours, f"MLP baseline, {baseline_epochs} epochs: {baseline:.2f}; target ≤ 94"],
            [f"test importance-weighted bound, k = {iwae_k} (nats; ≥ -log p(x))", iwae, f"MLP baseline: {baseline_iwae:.2f}"],
            ["floor: the test pixels' own entropy (nats per image)", floor, "no Bernoulli decoder goes below"],
            ["reconstructions read as the input's label (evaluator)", f"{100 * recon_acc:.2f}%", "≥ 97%"],
            [f"interpolations ({n_triples} random pairs, {steps} frames): ends read as a and b", f"{100 * interp_acc:.1f}%", "≥ 95%"],
            ["smoothness: max / mean consecutive-frame L2, mean over pairs (1 = even steps)", float(np.mean(ratios)), f"worst pair: {max(ratios):.2f}"]]
    metrics = {"test_negative_elbo": ours, "baseline_mlp_negative_elbo": baseline, "baseline_epochs": baseline_epochs,
               "test_iwae_nll": iwae, "iwae_k": iwae_k, "baseline_mlp_iwae_nll": baseline_iwae, "pixel_entropy_floor": floor,
               "reconstruction_accuracy": recon_acc, "interpolation_end_accuracy": interp_acc,
               "smoothness_ratio_mean": float(np.mean(ratios)), "smoothness_ratio_max": max(ratios)}
    write_metrics("vae", metrics, markdown_table(["figure", "value", "target / baseline"], rows))

    vae_interpolate(3, 8, 10, 0, "lerp").save(local_folder("vae") / "samples.png")
    return metrics


CONFIDENT = 0.9   # a grid point "makes a digit" when the evaluator's top class has at least this probability


def evaluate_maps(data_root=None, seed: int = 0, n: int = 32) -> dict:
    """For vae2d and ae2d: the square holding 98% of the test encodings (stored with each model for
    the app), the share of an n x n grid over it that decodes to a confident digit, the share within
    reach of test encodings, the test likelihood figure, the scatter and the map pictures."""
    test = MNISTSampler("test", data_root)
    out, rows = {}, []
    for name in MAP_MODELS:
        try:
            model = load(name)
        except WeightsUnavailable:
            print(f"{name}: no weights, skipped")
            continue
        with torch.inference_mode():
            mu = torch.cat([model.encode(x)[0].cpu() for x in test.images.split(1000)])      # (10000, 2)
            square = map_square(mu)
            decoded = model.decode(grid_points(square, n).to(next(model.parameters()).device)).cpu()
            confident = float((torch.softmax(load("classifier")(decoded), 1).max(1).values >= CONFIDENT).double().mean())
        reach = reach_share(square, mu, n)
        variational = model.config.variational
        nll = test_negative_elbo(model, test, seed) if variational else test_reconstruction_nll(model, test)
        write_generation_config(name, map_square=[round(v, 4) for v in square])
        plot_latent_scatter(mu.numpy(), test.labels.numpy(), square, local_folder(name) / "latent_scatter.png")
        latent_map(name).save(local_folder(name) / "samples.png")
        figures = {"map_square": list(square), "confident_share": confident, "reach_share": reach,
                   "test_negative_elbo" if variational else "test_reconstruction_nll": nll, "grid": n}
        out[name] = figures
        what = "negative ELBO" if variational else "reconstruction NLL (no KL term)"
        table_rows = [[f"test {what} (nats)", nll, ""],
                      ["map square (98% of test encodings): x0, y0, side", ", ".join(f"{v:.2f}" for v in square), ""],
                      [f"{n}×{n} grid points read with confidence ≥ {CONFIDENT} (evaluator)", f"{100 * confident:.1f}%",
                       "digits everywhere (no holes) is high"],
                      ["grid points within one cell of a test encoding", f"{100 * reach:.1f}%", "gaps between codes lower it"]]
        write_metrics(name, figures, markdown_table(["figure", "value", "what it says"], table_rows))
        rows.append(name)
    return out


def plot_latent_scatter(mu: np.ndarray, labels: np.ndarray, square, path: Path) -> None:
    """The test encodings over the map's square, coloured by digit. No words drawn in: the picture serves both
    languages, and the page's label (and the card's heading) say what it shows (#34 item 9)."""
    x0, y0, side = square
    with figure(path, figsize=(5, 5), dpi=100) as (fig, ax):
        sc = ax.scatter(mu[:, 0], mu[:, 1], c=labels, cmap="tab10", s=2, alpha=0.6)
        ax.set_xlim(x0, x0 + side)
        ax.set_ylim(y0, y0 + side)
        ax.set_aspect("equal")
        fig.colorbar(sc, ax=ax, ticks=range(10), fraction=0.046)


def below_target(metrics: dict) -> list[Text]:
    """What the stored figures say misses its bar, in words (for the README and the tab)."""
    out = []
    if metrics["test_negative_elbo"] > 94:
        out.append(say("below.vae_elbo", nats=metrics["test_negative_elbo"]))
    if metrics["reconstruction_accuracy"] < 0.97:
        out.append(say("below.vae_reconstructions", percent=100 * metrics["reconstruction_accuracy"]))
    if metrics["interpolation_end_accuracy"] < 0.95:
        out.append(say("below.vae_interpolation", percent=100 * metrics["interpolation_end_accuracy"]))
    return out


def plain_words(metrics: dict) -> Text:
    """What the model does and how well, in words a learner knows (the tab's first line)."""
    return say("plain.vae", percent=round(100 * metrics["reconstruction_accuracy"]))


def quality_line(metrics: dict) -> Text:
    return say("quality_line.vae", elbo=metrics["test_negative_elbo"], baseline=metrics["baseline_mlp_negative_elbo"],
               reconstructions=100 * metrics["reconstruction_accuracy"], ends=100 * metrics["interpolation_end_accuracy"])
