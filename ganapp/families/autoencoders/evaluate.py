"""Autoencoder figures: the DAE against two classic filters, autoencoders against PCA by code size, and how well
three 2-d codes (PCA, the plain autoencoder, the VAE) separate the digits.

    python -m ganapp.evaluate autoencoders

Fits PCA on the 60,000 training digits (an exact SVD, written to `checkpoints/pca/`), tunes each filter on the
5,000 training digits the DAE never saw (its validation split), and measures everything on the 10,000 test
digits, once. One table for the whole family, stored beside each of its models."""
from __future__ import annotations

import numpy as np
import torch

from ... import load
from ...hub import local_folder, write_generation_config
from ...images import grid
from ...messages import Text, say
from ...metrics import evaluator_outputs
from ...registry import family
from ...reports import figure, markdown_table, write_metrics
from ...training.data import MNISTSampler
from . import CODE_SIZES, autoencoder_name
from .inference import DENOISERS, compressed, denoised
from .model import PCA, PCAConfig, corrupt, gaussian_blur, median_filter, psnr
from .recipe import AutoencoderTrainConfig

FILTER_SIGMAS = tuple(round(0.1 * i, 1) for i in range(1, 11))   # noise levels the filters are tuned at
MEDIAN_SIZES = (3, 5, 7)
BLUR_SIGMAS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5)
REPORTED_SIGMAS = (0.3, 0.5)
NEIGHBOURS = 5          # k of the k-nearest-neighbour accuracy in each 2-d code
BARS = dict(dae_margin_db=3.0, dae_read_right=0.95)   # at sigma 0.5: DAE PSNR over the best filter; evaluator on its output

_TRAIN = ("python -m ganapp.train dae --threads 1 --run-dir runs/dae --validate-every 500   "
          "# the DAE: 8,000 steps, best by validation PSNR at sigma 0.5\n"
          + "\n".join(f"python -m ganapp.train ae{k} --threads 1 --run-dir runs/ae{k}   # 4,000 steps, ae2d's recipe"
                      for k in (4, 8, 16, 32))
          + "\n# then: python -m ganapp.train … --export checkpoints (or copy <run-dir>/best|final/<name>)")
_EVALUATE = "python -m ganapp.evaluate autoencoders"
CARDS = {
    "dae": dict(
        title="Denoising autoencoder, 64-d code, MNIST",
        what="The VAE tab's convolutional encoder and decoder (32 and 64 filters, a 256-unit layer) with a 64-number "
             "code and no KL term, trained to undo corruption: each training digit gets Gaussian noise of a standard "
             "deviation drawn uniformly up to 0.6 of the [0, 1] range, then a fifth as large a share of its pixels "
             "set to black or white (salt and pepper), and the loss (binary cross-entropy, summed over pixels) "
             "compares the output with the clean digit. It is compared below with a median filter and a Gaussian "
             "blur, each tuned on the same 5,000 held-out training digits the DAE was selected on.",
        train=_TRAIN, evaluate=_EVALUATE),
    **{f"ae{k}": dict(
        title=f"Plain autoencoder, {k}-d code, MNIST (beside PCA)",
        what=f"The same network as the VAE tab's 2-d autoencoder (`ae2d`) with a {k}-number code, trained exactly as it "
             "was (reconstruction loss only, Adam 1e-3, batch 128, 4,000 steps on the 60,000 training digits), to be "
             f"compared with PCA keeping {k} components.",
        train=_TRAIN, evaluate=_EVALUATE) for k in (4, 8, 16, 32)},
    "pca": dict(
        title="PCA of the MNIST training digits, 32 components",
        what="The linear autoencoder: the mean training digit and its first 32 principal directions, from an exact "
             "SVD (`torch.linalg.svd`) of the 60,000 centred training digits. Its first k rows give the best k-number "
             "linear code in squared error; reconstructions are clipped to [0, 1] like the autoencoders' outputs.",
        train="python -m ganapp.evaluate autoencoders   # fits it (no training steps)", evaluate=_EVALUATE),
}


@torch.inference_mode()
def _cleaned(model, images: torch.Tensor) -> torch.Tensor:
    """An autoencoder's outputs for `images`, in chunks: (N, 1, 28, 28)."""
    return torch.cat([model.decode(z.to(next(model.parameters()).device)).cpu() for z in _codes(model, images).split(1000)])


def tune_filters(validation: torch.Tensor, seed: int) -> dict:
    """The median window and the blur sigma with the best mean PSNR on `validation` at each of FILTER_SIGMAS."""
    tuned = {"sigma": list(FILTER_SIGMAS), "median_size": [], "blur_sigma": []}
    for i, sigma in enumerate(FILTER_SIGMAS):
        noisy = corrupt(validation, sigma, torch.Generator().manual_seed(seed + 100 + i))
        score = lambda out: float(psnr(out, validation).mean())  # noqa: E731
        tuned["median_size"].append(max(MEDIAN_SIZES, key=lambda s: score(median_filter(noisy, s))))
        tuned["blur_sigma"].append(max(BLUR_SIGMAS, key=lambda s: score(gaussian_blur(noisy, s))))
    return tuned


def denoising_figures(test: MNISTSampler, tuned: dict, seed: int) -> dict:
    """At each of REPORTED_SIGMAS: mean test PSNR (dB) and evaluator accuracy of the noisy digit, the DAE's output
    and each filter's, with the filter settings tuned at that level."""
    dae, out = load("dae"), {}
    for sigma in REPORTED_SIGMAS:
        noisy = corrupt(test.images, sigma, torch.Generator().manual_seed(seed + int(sigma * 1000)))
        i = tuned["sigma"].index(sigma)
        pictures = {"noisy": noisy, "dae": _cleaned(dae, noisy),
                    "median": median_filter(noisy, tuned["median_size"][i]),
                    "blur": gaussian_blur(noisy, tuned["blur_sigma"][i])}
        out[str(sigma)] = {name: {"psnr": float(psnr(x, test.images).mean()),
                                  "read_right": float((evaluator_outputs(x)[0] == test.labels).float().mean())}
                           for name, x in pictures.items()}
    out["clean_read_right"] = float((evaluator_outputs(test.images)[0] == test.labels).float().mean())
    return out


def compression_figures(train: MNISTSampler, test: MNISTSampler) -> dict:
    """PCA fitted on the training digits and stored; the test MSE per pixel of each autoencoder and of PCA with as
    many components, by code size."""
    pca = PCA(PCAConfig(n_components=max(CODE_SIZES))).fit(train.images)
    pca.save_pretrained(local_folder("pca"))
    mse = {}
    with torch.inference_mode():
        for k in CODE_SIZES:
            by_ae = _cleaned(load(autoencoder_name(k)), test.images)
            by_pca = pca.reconstruct(test.images, k)
            mse[str(k)] = {"ae": float((by_ae - test.images).pow(2).mean()),
                           "pca": float((by_pca - test.images).pow(2).mean())}
    return mse


def knn_accuracy(reference: torch.Tensor, reference_labels: torch.Tensor, queries: torch.Tensor,
                 query_labels: torch.Tensor, k: int = NEIGHBOURS) -> float:
    """The share of `queries` whose k nearest `reference` points (Euclidean) vote for their own label."""
    votes = []
    for chunk in queries.split(2000):
        nearest = torch.cdist(chunk, reference).topk(k, largest=False).indices      # (chunk, k)
        votes.append(torch.mode(reference_labels[nearest], dim=1).values)
    return float((torch.cat(votes) == query_labels).float().mean())


@torch.inference_mode()
def two_d_codes(train: MNISTSampler, test: MNISTSampler, pca: PCA, n_reference: int = 10000) -> dict:
    """The 2-d codes of the first `n_reference` training digits and of the test digits, for PCA (2 components), the
    plain autoencoder and the VAE (its means): {name: (reference codes, test codes)}."""
    codes = {"pca": (pca.encode(train.images[:n_reference], 2), pca.encode(test.images, 2))}
    for name in ("ae2d", "vae2d"):
        codes[name] = (_codes(load(name), train.images[:n_reference]), _codes(load(name), test.images))
    return codes


@torch.inference_mode()
def _codes(model, images: torch.Tensor) -> torch.Tensor:
    """An encoder's means for `images`, in chunks: (N, latent)."""
    device = next(model.parameters()).device
    return torch.cat([model.encode(x.to(device))[0].cpu() for x in images.split(1000)])


MAP_TITLES = {"pca": "PCA, 2 components", "ae2d": "plain autoencoder, 2-d code", "vae2d": "VAE, 2-d code (means)"}


def plot_maps(codes: dict, labels: np.ndarray, accuracy: dict, path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(codes), figsize=(4.2 * len(codes), 4.4), dpi=100)
    for ax, (name, (_, z)) in zip(axes, codes.items()):
        z = z.numpy()
        lo, hi = np.percentile(z, 1, axis=0), np.percentile(z, 99, axis=0)
        sc = ax.scatter(z[:, 0], z[:, 1], c=labels, cmap="tab10", s=2, alpha=0.6, vmin=-0.5, vmax=9.5)
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        ax.set_title(f"{MAP_TITLES[name]}\n{NEIGHBOURS}-NN accuracy {100 * accuracy[name]:.1f}%", fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(sc, ax=list(axes), ticks=range(10), fraction=0.02)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


def plot_mse(mse: dict, path) -> None:
    sizes = [int(k) for k in mse]
    with figure(path, figsize=(4.8, 3.4), dpi=100) as (_, ax):
        ax.plot(sizes, [mse[str(k)]["ae"] for k in sizes], "o-", label="autoencoder")
        ax.plot(sizes, [mse[str(k)]["pca"] for k in sizes], "s--", label="PCA")
        ax.set_xscale("log", base=2)
        ax.set_xticks(sizes, [str(k) for k in sizes])
        ax.set_xlabel("code size (numbers per digit)")
        ax.set_ylabel("test MSE per pixel")
        ax.set_title("Reconstruction error against code size")
        ax.legend()


def _table(m: dict) -> str:
    d = m["denoising"]
    rows = []
    for sigma in REPORTED_SIGMAS:
        for name, label in (("noisy", "noisy input"), ("dae", "denoising autoencoder"), ("median", "median filter"),
                            ("blur", "Gaussian blur")):
            f = d[str(sigma)][name]
            rows.append([f"denoising, σ {sigma}: {label}", f"{f['psnr']:.2f} dB", f"{100 * f['read_right']:.1f}% read right"])
    rows.append(["clean test digits", "", f"{100 * d['clean_read_right']:.1f}% read right"])
    for k, f in m["compression_mse"].items():
        rows.append([f"compression, code of {k}: test MSE per pixel, autoencoder / PCA",
                     f"{f['ae']:.5f} / {f['pca']:.5f}", "AE lower" if f["ae"] < f["pca"] else "PCA lower"])
    for name, acc in m["knn_2d"].items():
        rows.append([f"2-d code, {MAP_TITLES[name]}: {NEIGHBOURS}-NN accuracy on test codes", f"{100 * acc:.1f}%", ""])
    return markdown_table(["figure", "value", "note"], rows)


def evaluate_autoencoders(data_root=None, seed: int = 0) -> dict:
    train, test = MNISTSampler("train", data_root), MNISTSampler("test", data_root)
    validation = MNISTSampler("train", data_root).hold_out(AutoencoderTrainConfig.validation_size).images
    tuned = tune_filters(validation, seed)
    write_generation_config("dae", filters=tuned)
    metrics = {"filters": tuned, "denoising": denoising_figures(test, tuned, seed),
               "compression_mse": compression_figures(train, test)}
    pca = load("pca")
    codes = two_d_codes(train, test, pca)
    n_ref = len(codes["pca"][0])
    metrics["knn_2d"] = {name: knn_accuracy(ref, train.labels[:n_ref], z, test.labels) for name, (ref, z) in codes.items()}
    for spec in family("autoencoders").models:
        write_metrics(spec.name, metrics, _table(metrics))
    pictures = local_folder("pca")
    plot_mse(metrics["compression_mse"], pictures / "mse_by_size.png")
    plot_maps(codes, test.labels.numpy(), metrics["knn_2d"], pictures / "maps_2d.png")
    compressed(8).save(pictures / "samples.png")
    rows = torch.cat([denoised(0.5, s)[0] for s in range(0, 100, 11)])  # clean, noisy, DAE, median, blur
    grid(rows, nrow=len(DENOISERS), scale=2, padding=2).save(local_folder("dae") / "samples.png")
    return metrics


# --- what the tab and the README say -------------------------------------------------------------------------

def _margin(m: dict) -> float:
    f = m["denoising"]["0.5"]
    return f["dae"]["psnr"] - max(f["median"]["psnr"], f["blur"]["psnr"])


def below_target(m: dict) -> list[Text]:
    out = []
    if _margin(m) < BARS["dae_margin_db"]:
        out.append(say("below.dae_margin", db=_margin(m)))
    if m["denoising"]["0.5"]["dae"]["read_right"] < BARS["dae_read_right"]:
        out.append(say("below.dae_read", percent=100 * m["denoising"]["0.5"]["dae"]["read_right"]))
    losing = [k for k in ("2", "4", "8") if m["compression_mse"][k]["ae"] >= m["compression_mse"][k]["pca"]]
    if losing:
        out.append(say("below.ae_vs_pca", sizes=", ".join(losing)))
    return out


def plain_words(m: dict) -> Text:
    f = m["denoising"]["0.5"]
    return say("plain.dae", read=round(100 * f["dae"]["read_right"]), noisy=round(100 * f["noisy"]["read_right"]),
               margin=_margin(m))


def quality_line(m: dict) -> Text:
    f, c = m["denoising"]["0.5"], m["compression_mse"]
    return say("quality_line.autoencoders", dae=f["dae"]["psnr"], median=f["median"]["psnr"], blur=f["blur"]["psnr"],
               noisy=f["noisy"]["psnr"], read=100 * f["dae"]["read_right"], ae=c["8"]["ae"], pca=c["8"]["pca"])
