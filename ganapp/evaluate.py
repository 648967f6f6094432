"""The quality figures: `python -m ganapp.evaluate <model> [--data DIR]`.

Each evaluation prints a markdown table, writes it with the raw figures to
`checkpoints/<name>/metrics.json`, and renders the pictures the model card shows. Generated
digits are judged by the project's MNIST evaluator (`checkpoints/classifier`), and every
figure about generated data is printed beside the same figure for real data.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from . import load
from .device import set_cpu_threads
from .hub import local_folder
from .training.data import MNISTSampler

# --- the evaluator's verdicts and features ----------------------------------------------------


@torch.inference_mode()
def evaluator_outputs(images01: torch.Tensor, batch: int = 1000) -> tuple[torch.Tensor, torch.Tensor]:
    """(N, 1, 28, 28) in [0, 1] -> the evaluator's predicted digits (N,) and features (N, 128)."""
    clf = load("classifier")
    device = next(clf.parameters()).device
    preds, feats = [], []
    for chunk in images01.split(batch):
        f = clf.features(chunk.to(device))
        feats.append(f.cpu())
        preds.append(clf.head(f).argmax(1).cpu())
    return torch.cat(preds), torch.cat(feats)


def frechet_distance(a: torch.Tensor, b: torch.Tensor) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets (Heusel et al., 2017):
    |mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2))."""
    a, b = a.double().numpy(), b.double().numpy()
    mu_a, mu_b = a.mean(0), b.mean(0)
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    # Tr((S_a S_b)^(1/2)) = sum of sqrt(eigenvalues of S_a^(1/2) S_b S_a^(1/2)), which is symmetric PSD.
    w, v = np.linalg.eigh(s_a)
    root_a = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    cross = np.sqrt(np.clip(np.linalg.eigvalsh(root_a @ s_b @ root_a), 0, None)).sum()
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(s_a) + np.trace(s_b) - 2 * cross)


def mean_pairwise_distance(images: torch.Tensor) -> float:
    """Mean L2 distance between distinct pairs of images (B, ...), a measure of variety."""
    flat = images.flatten(1).double()
    d = torch.cdist(flat, flat)
    n = len(flat)
    return float(d.sum() / (n * (n - 1)))


def markdown_table(header: list[str], rows: list[list]) -> str:
    def fmt(v):
        return f"{v:.4g}" if isinstance(v, float) else str(v)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def write_metrics(name: str, metrics: dict, table: str) -> None:
    folder = local_folder(name)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    (folder / "metrics.md").write_text(table + "\n")
    print(table)


# --- per model -----------------------------------------------------------------------------------


def evaluate_classifier(data_root=None, seed: int = 0) -> dict:
    test = MNISTSampler("test", data_root)
    preds, _ = evaluator_outputs(test.images)
    acc = float((preds == test.labels).float().mean())
    table = markdown_table(["figure", "value"], [["MNIST test accuracy (10,000 images)", f"{100 * acc:.2f}%"]])
    write_metrics("classifier", {"test_accuracy": acc}, table)
    return {"test_accuracy": acc}


def evaluate_cgan(data_root=None, per_class: int = 1000, seed: int = 0, noise_scale: float | None = None) -> dict:
    """Label accuracy, Fréchet distance and variety of the samples users get. With
    `noise_scale`, first store that sampling scale in the checkpoint's config.json."""
    from .inference import cgan_samples

    if noise_scale is not None:
        path = local_folder("cgan") / "config.json"
        path.write_text(json.dumps({**json.loads(path.read_text()), "noise_scale": noise_scale}, indent=2) + "\n")
        load.cache_clear()
    train, test = MNISTSampler("train", data_root), MNISTSampler("test", data_root)
    fakes = torch.cat([(cgan_samples(d, per_class, seed + d) + 1) / 2 for d in range(10)])  # (10k, 1, 28, 28)
    labels = torch.arange(10).repeat_interleave(per_class)
    preds, feats = evaluator_outputs(fakes)
    accuracy = float((preds == labels).float().mean())
    per_digit_acc = [float((preds[labels == d] == d).float().mean()) for d in range(10)]

    n = len(fakes)
    g = torch.Generator().manual_seed(seed)
    train_idx = torch.randperm(len(train), generator=g)[:n]
    _, train_feats = evaluator_outputs(train.images[train_idx])
    _, test_feats = evaluator_outputs(test.images[:n])
    fd_gen, fd_real = frechet_distance(feats, train_feats), frechet_distance(test_feats, train_feats)

    ratios = []
    for d in range(10):  # variety: 200 samples per class against 200 real test digits of the class
        real_d = test.images[test.labels == d][:200]
        ratios.append(mean_pairwise_distance(fakes[labels == d][:200]) / mean_pairwise_distance(real_d))

    scale = load("cgan").config.noise_scale
    rows = [[f"label accuracy (evaluator, {per_class:,} per digit), noise scale {scale}", f"{100 * accuracy:.2f}%", "≥ 99%"],
            [f"Fréchet distance to 10k train (evaluator features), n={n}", fd_gen, f"real test vs train: {fd_real:.3g}"],
            ["variety: min over digits of pairwise-distance ratio (generated / real)", min(ratios), "≥ 0.8"]]
    rows += [[f"digit {d}: accuracy / variety ratio", f"{100 * per_digit_acc[d]:.1f}% / {ratios[d]:.3f}", ""] for d in range(10)]
    metrics = {"noise_scale": scale, "label_accuracy": accuracy, "per_digit_accuracy": per_digit_acc, "frechet_distance": fd_gen,
               "frechet_distance_real_test_vs_train": fd_real, "variety_ratio_per_digit": ratios, "n": n}
    write_metrics("cgan", metrics, markdown_table(["figure", "value", "target / baseline"], rows))
    from .inference import cgan_all_digits
    cgan_all_digits(seed, 10).save(local_folder("cgan") / "samples.png")
    return metrics


# --- VAE -----------------------------------------------------------------------------------------

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


@torch.inference_mode()
def test_negative_elbo(model, test: MNISTSampler, seed: int = 0) -> float:
    """Mean over the 10,000 test images of the one-sample negative ELBO, in nats."""
    from .models.vae import negative_elbo

    g = torch.Generator().manual_seed(seed)
    device = next(model.parameters()).device
    total = 0.0
    for x in test.images.split(1000):
        x = x.to(device)
        mu, logvar = model.encode(x)  # our VAE and the baseline share encode / decode_logits
        z = mu + torch.exp(0.5 * logvar) * torch.randn(mu.shape, generator=g).to(device)
        logits = model.decode_logits(z)
        total += float(negative_elbo(logits, x, mu, logvar).sum())
    return total / len(test)


def train_example_vae(train: MNISTSampler, epochs: int, seed: int = 0) -> ExampleMLPVAE:
    """Train the baseline as the PyTorch example does: Adam 1e-3, batch 128, `epochs` epochs."""
    from tqdm import tqdm

    from .models.vae import negative_elbo

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


def evaluate_vae(data_root=None, baseline_epochs: int = 34, n_triples: int = 1000, steps: int = 8, seed: int = 0) -> dict:
    from .inference import vae_frames

    train, test = MNISTSampler("train", data_root), MNISTSampler("test", data_root)
    vae = load("vae")
    ours = test_negative_elbo(vae, test, seed)
    baseline = test_negative_elbo(train_example_vae(train, baseline_epochs, seed), test, seed)

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

    rows = [[f"test negative ELBO (nats), latent {vae.config.latent_dim}", ours, f"MLP baseline, {baseline_epochs} epochs: {baseline:.2f}; target ≤ 95"],
            ["reconstructions read as the input's label (evaluator)", f"{100 * recon_acc:.2f}%", "≥ 97%"],
            [f"interpolations ({n_triples} random pairs, {steps} frames): ends read as a and b", f"{100 * interp_acc:.1f}%", "≥ 95%"],
            ["smoothness: max / mean consecutive-frame L2, mean over pairs (1 = even steps)", float(np.mean(ratios)), f"worst pair: {max(ratios):.2f}"]]
    metrics = {"test_negative_elbo": ours, "baseline_mlp_negative_elbo": baseline, "baseline_epochs": baseline_epochs,
               "reconstruction_accuracy": recon_acc, "interpolation_end_accuracy": interp_acc,
               "smoothness_ratio_mean": float(np.mean(ratios)), "smoothness_ratio_max": max(ratios)}
    write_metrics("vae", metrics, markdown_table(["figure", "value", "target / baseline"], rows))

    # The 2-d model: its ELBO, and the scatter of test encodings the app shows beside the map.
    vae2d = load("vae2d")
    elbo2d = test_negative_elbo(vae2d, test, seed)
    with torch.inference_mode():
        mu2d = torch.cat([vae2d.encode(x)[0].cpu() for x in test.images.split(1000)])
    plot_latent_scatter(mu2d.numpy(), test.labels.numpy(), local_folder("vae2d") / "latent_scatter.png")
    write_metrics("vae2d", {"test_negative_elbo": elbo2d},
                  markdown_table(["figure", "value"], [["test negative ELBO (nats), latent 2", elbo2d]]))
    from .inference import vae_interpolate, vae_latent_map
    vae_interpolate(3, 8, 10, 0, "lerp").save(local_folder("vae") / "samples.png")
    vae_latent_map().save(local_folder("vae2d") / "samples.png")
    return metrics


MAP_SPAN = 3.0  # the app's latent map and the scatter both cover [-3, 3]^2


def plot_latent_scatter(mu: np.ndarray, labels: np.ndarray, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 5), dpi=100)
    sc = ax.scatter(mu[:, 0], mu[:, 1], c=labels, cmap="tab10", s=2, alpha=0.6)
    ax.set_xlim(-MAP_SPAN, MAP_SPAN)
    ax.set_ylim(-MAP_SPAN, MAP_SPAN)
    ax.set_aspect("equal")
    ax.set_title("test digits encoded (latent means)")
    fig.colorbar(sc, ax=ax, ticks=range(10), fraction=0.046)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


# --- InfoGAN -------------------------------------------------------------------------------------

def slant(images01: torch.Tensor) -> torch.Tensor:
    """Shear from second moments, mu11 / mu02: > 0 when the top leans right. (B, 1, H, W) -> (B,)."""
    b, _, h, w = images01.shape
    m = images01[:, 0].double()
    ys = torch.arange(h, dtype=torch.float64).view(1, h, 1).flip(1)  # y grows upwards
    xs = torch.arange(w, dtype=torch.float64).view(1, 1, w)
    total = m.sum((1, 2)).clamp_min(1e-8)
    cy, cx = (m * ys).sum((1, 2)) / total, (m * xs).sum((1, 2)) / total
    dy, dx = ys - cy.view(b, 1, 1), xs - cx.view(b, 1, 1)
    return ((m * dx * dy).sum((1, 2)) / (m * dy * dy).sum((1, 2)).clamp_min(1e-8)).float()


def ink(images01: torch.Tensor) -> torch.Tensor:
    """Stroke width as ink area: total intensity. (B, 1, H, W) -> (B,)."""
    return images01.flatten(1).sum(1)


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    rx, ry = np.argsort(np.argsort(x)), np.argsort(np.argsort(y))
    if rx.std() == 0 or ry.std() == 0:
        return 0.0
    return float(np.corrcoef(rx, ry)[0, 1])


def evaluate_infogan(data_root=None, n: int = 10000, seed: int = 0, sweeps: int = 200, sweep_steps: int = 9) -> dict:
    g = load("infogan")
    cfg = g.config
    device = next(g.parameters()).device
    gen = torch.Generator().manual_seed(seed)
    with torch.inference_mode():
        z = torch.randn(n, cfg.z_dim, generator=gen)
        cat = torch.arange(cfg.n_categories).repeat(n // cfg.n_categories)
        cont = torch.rand(n, cfg.n_continuous, generator=gen) * 2 - 1
        images = (g(z.to(device), cat.to(device), cont.to(device)).cpu() + 1) / 2
    preds, _ = evaluator_outputs(images)
    counts = torch.zeros(cfg.n_categories, 10, dtype=torch.long)
    counts.index_put_((cat, preds), torch.ones_like(cat), accumulate=True)
    mapping = counts.argmax(1).tolist()  # category -> the digit the evaluator most often reads
    purity = float(counts.max(1).values.sum() / n)
    one_to_one = sorted(mapping) == list(range(10))
    assignment = one_to_one_assignment(counts)  # what the app uses: every digit reachable
    assignment_acc = float(sum(counts[c, d] for c, d in enumerate(assignment)) / n)

    # Continuous codes: sweep one over [-2, 2], the other at 0, for fixed noise and category.
    rho = np.zeros((cfg.n_continuous, 2))  # [code, (slant, width)]
    sweep = torch.linspace(-2, 2, sweep_steps)
    with torch.inference_mode():
        for code in range(cfg.n_continuous):
            rs = []
            for s in range(sweeps):
                zz = torch.randn(1, cfg.z_dim, generator=gen).repeat(sweep_steps, 1)
                cc = torch.full((sweep_steps,), s % cfg.n_categories)
                codes = torch.zeros(sweep_steps, cfg.n_continuous)
                codes[:, code] = sweep
                imgs = (g(zz.to(device), cc.to(device), codes.to(device)).cpu() + 1) / 2
                rs.append([spearman(sweep.numpy(), slant(imgs).numpy()), spearman(sweep.numpy(), ink(imgs).numpy())])
            rho[code] = np.mean(rs, axis=0)
    slant_code = int(np.abs(rho[:, 0]).argmax())
    width_code = 1 - slant_code if cfg.n_continuous == 2 else int(np.abs(rho[:, 1]).argmax())
    names = ["code"] * cfg.n_continuous
    names[slant_code], names[width_code] = "slant", "width"

    rows = [["category purity (10,000 samples, majority mapping)", f"{100 * purity:.2f}%", "≥ 95%"],
            ["majority mapping category → digit", " ".join(f"{c}→{d}" for c, d in enumerate(mapping)),
             "one-to-one" if one_to_one else "NOT one-to-one"],
            ["accuracy under the best one-to-one assignment (stored for the app)", f"{100 * assignment_acc:.2f}%",
             " ".join(f"{c}→{d}" for c, d in enumerate(assignment))]]
    for code in range(cfg.n_continuous):
        rows.append([f"c{code + 1}: Spearman ρ with slant / with width (mean over {sweeps} sweeps)",
                     f"{rho[code, 0]:+.3f} / {rho[code, 1]:+.3f}", f"named '{names[code]}'"])
    metrics = {"category_purity": purity, "majority_mapping": mapping, "one_to_one": one_to_one,
               "category_to_digit": assignment, "assignment_accuracy": assignment_acc,
               "spearman_slant": rho[:, 0].tolist(), "spearman_width": rho[:, 1].tolist(), "continuous_names": names}
    write_metrics("infogan", metrics, markdown_table(["figure", "value", "target"], rows))
    # Store the mapping with the model, so the app can say which category draws which digit.
    path = local_folder("infogan") / "config.json"
    config = json.loads(path.read_text())
    config.update(category_to_digit=assignment, continuous_names=names)
    path.write_text(json.dumps(config, indent=2) + "\n")
    load.cache_clear()
    from .inference import infogan_traversal
    infogan_traversal(slant_code, seed)[0].save(local_folder("infogan") / "samples_slant.png")
    infogan_traversal(width_code, seed)[0].save(local_folder("infogan") / "samples_width.png")
    return metrics


def one_to_one_assignment(counts: torch.Tensor) -> list[int]:
    """Category -> digit, each digit used once, greedily taking the largest remaining count.

    Equals the majority mapping when that is already one-to-one.
    """
    counts = counts.clone().double()
    assignment = [-1] * counts.shape[0]
    for _ in range(counts.shape[0]):
        c, d = divmod(int(counts.argmax()), counts.shape[1])
        assignment[c] = d
        counts[c, :] = -1
        counts[:, d] = -1
    return assignment


# --- CycleGAN ------------------------------------------------------------------------------------

def ssim(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Structural similarity (Wang et al., 2004), 11x11 Gaussian window, sigma 1.5, data range 1.
    (B, 1, H, W) in [0, 1] each -> (B,)."""
    coords = torch.arange(11, dtype=x.dtype) - 5
    g1 = torch.exp(-coords**2 / (2 * 1.5**2))
    window = (g1[:, None] * g1[None, :] / g1.sum() ** 2).view(1, 1, 11, 11)

    def blur(t):
        return F.conv2d(t, window)

    mx, my = blur(x), blur(y)
    vx, vy, cxy = blur(x * x) - mx**2, blur(y * y) - my**2, blur(x * y) - mx * my
    c1, c2 = 0.01**2, 0.03**2
    s = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx**2 + my**2 + c1) * (vx + vy + c2))
    return s.flatten(1).mean(1)


def luminance64(images: torch.Tensor) -> torch.Tensor:
    """(B, 3, H, W) in [-1, 1] -> (B, 1, 64, 64) luminance (ITU-R BT.601) in [0, 1]."""
    rgb = (images + 1) / 2
    y = (rgb * torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)).sum(1, keepdim=True)
    return F.interpolate(y, size=(64, 64), mode="area")


class DomainClassifier(torch.nn.Module):
    """Monet (1) vs photo (0), on whole images downscaled to 96x96. Evaluation only."""

    def __init__(self):
        super().__init__()
        def block(i, o):
            return [torch.nn.Conv2d(i, o, 3, padding=1), torch.nn.BatchNorm2d(o), torch.nn.ReLU(), torch.nn.MaxPool2d(2)]
        self.net = torch.nn.Sequential(*block(3, 16), *block(16, 32), *block(32, 64), *block(64, 64),
                                       torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(64, 1))

    def forward(self, x):  # (B, 3, H, W) in [-1, 1]
        return self.net(F.interpolate(x, size=(96, 96), mode="area")).squeeze(1)


def train_domain_classifier(photos: torch.Tensor, monets: torch.Tensor, steps: int = 600, seed: int = 0) -> DomainClassifier:
    """Balanced batches (16 + 16), random flips; both sets are training images only."""
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    clf = DomainClassifier()
    opt = torch.optim.Adam(clf.parameters(), 1e-3)
    labels = torch.cat([torch.zeros(16), torch.ones(16)])
    for _ in range(steps):
        x = torch.cat([photos[torch.randint(len(photos), (16,), generator=g)],
                       monets[torch.randint(len(monets), (16,), generator=g)]])
        x = torch.where(torch.rand(32, 1, 1, 1, generator=g) < 0.5, x.flip(-1), x)
        loss = F.binary_cross_entropy_with_logits(clf(x), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return clf.eval()


def painterly_filter(images: torch.Tensor) -> torch.Tensor:
    """The non-learned baseline: a 7x7 mode filter (flat brush-like patches), then a warm,
    more saturated, lighter colour shift. (B, 3, H, W) in [-1, 1] -> same."""
    from PIL import ImageEnhance, ImageFilter

    from .images import to_pil

    out = []
    for x in images:
        img = to_pil(x, (-1, 1)).filter(ImageFilter.ModeFilter(7))
        img = ImageEnhance.Color(img).enhance(1.4)
        arr = np.asarray(img, dtype=np.float32) * np.array([1.05, 1.0, 0.9], dtype=np.float32) + 15
        out.append(torch.from_numpy(np.clip(arr, 0, 255)).permute(2, 0, 1) / 127.5 - 1)
    return torch.stack(out)


def evaluate_cyclegan(data_root=None, seed: int = 0, domain_steps: int = 600) -> dict:
    from .inference import translate_tensor
    from .training.data import load_image_folder, monet_photo_folder

    def load_set(split, domain):
        return load_image_folder(monet_photo_folder(split, domain, data_root)).float() / 127.5 - 1

    train_p, train_m = load_set("train", "photo"), load_set("train", "monet")
    test_p, test_m = load_set("test", "photo"), load_set("test", "monet")
    clf = train_domain_classifier(train_p, train_m, steps=domain_steps, seed=seed)
    del train_p, train_m

    @torch.inference_mode()
    def monet_prob(x):
        return torch.cat([torch.sigmoid(clf(c)) for c in x.split(50)])

    acc_photo = float((monet_prob(test_p) < 0.5).float().mean())
    acc_monet = float((monet_prob(test_m) >= 0.5).float().mean())

    def translate_all(x, name):
        return torch.cat([translate_tensor(img[None], name) for img in x])

    methods = {
        "CycleGAN (ours)": lambda x, forward: translate_all(x, "cyclegan_photo2monet" if forward else "cyclegan_monet2photo"),
        "identity": lambda x, forward: x.clone(),
        "painterly filter": lambda x, forward: painterly_filter(x),
    }
    rows, metrics = [], {"domain_classifier_accuracy_photo": acc_photo, "domain_classifier_accuracy_monet": acc_monet}
    for name, fn in methods.items():
        p2m, m2p = fn(test_p, True), fn(test_m, False)
        p_cycle, m_cycle = fn(p2m, False), fn(m2p, True)
        r = {
            "photo2monet_called_monet": float((monet_prob(p2m) >= 0.5).float().mean()),
            "monet2photo_called_photo": float((monet_prob(m2p) < 0.5).float().mean()),
            "ssim_photo2monet": float(ssim(luminance64(test_p), luminance64(p2m)).mean()),
            "ssim_monet2photo": float(ssim(luminance64(test_m), luminance64(m2p)).mean()),
            "cycle_l1_photo": float((p_cycle - test_p).abs().mean() / 2),  # in [0, 1] pixel units
            "cycle_l1_monet": float((m_cycle - test_m).abs().mean() / 2),
        }
        metrics[name] = r
        rows.append([name, f"{100 * r['photo2monet_called_monet']:.1f}%", f"{100 * r['monet2photo_called_photo']:.1f}%",
                     f"{r['ssim_photo2monet']:.3f} / {r['ssim_monet2photo']:.3f}",
                     f"{r['cycle_l1_photo']:.4f} / {r['cycle_l1_monet']:.4f}"])
    save_cyclegan_grid()
    header = ["method", "photo→Monet called Monet", "Monet→photo called photo", "SSIM (lum. 64²) p→M / M→p", "cycle L1 photo / Monet"]
    table = markdown_table(header, rows) + (
        f"\n\nDomain classifier (trained on the training images only), test accuracy: "
        f"photos {100 * acc_photo:.1f}% (200), paintings {100 * acc_monet:.1f}% (30).")
    for name in ("cyclegan_photo2monet", "cyclegan_monet2photo"):
        write_metrics(name, metrics, table)
    return metrics


def save_cyclegan_grid() -> None:
    """Photo -> Monet -> back, painting -> photo -> back, on the app's redistributable examples
    (the test photos' terms forbid copying them, or images made from them, into the project)."""
    from PIL import Image

    from .images import grid
    from .inference import EXAMPLES, translate_tensor

    def square(path):
        img = Image.open(path).convert("RGB")
        side = min(img.size)
        img = img.crop(((img.width - side) // 2, (img.height - side) // 2,
                        (img.width + side) // 2, (img.height + side) // 2)).resize((256, 256), Image.Resampling.LANCZOS)
        return torch.from_numpy(np.asarray(img, dtype=np.float32)).permute(2, 0, 1) / 127.5 - 1

    rows = []
    for prefix, forward, backward in (("photo", "cyclegan_photo2monet", "cyclegan_monet2photo"),
                                      ("monet", "cyclegan_monet2photo", "cyclegan_photo2monet")):
        for path in sorted(EXAMPLES.glob(f"{prefix}_*.jpg"))[:3]:
            x = square(path)[None]
            y = translate_tensor(x, forward)
            rows += [x, y, translate_tensor(y, backward)]
    image = grid(torch.cat(rows), nrow=3, value_range=(-1, 1))
    for name in ("cyclegan_photo2monet", "cyclegan_monet2photo"):
        image.save(local_folder(name) / "samples.png")


EVALUATIONS = {"classifier": evaluate_classifier, "cgan": evaluate_cgan, "infogan": evaluate_infogan,
               "vae": evaluate_vae, "cyclegan": evaluate_cyclegan}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m ganapp.evaluate", description=__doc__.split("\n")[0])
    p.add_argument("model", choices=sorted(EVALUATIONS))
    p.add_argument("--data", help="data folder (default: $GANAPP_DATA or ../shared/data)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int)
    p.add_argument("--noise-scale", type=float, help="cgan only: store this sampling scale in config.json first")
    args = p.parse_args(argv)
    set_cpu_threads(args.threads)
    extra = {"noise_scale": args.noise_scale} if args.noise_scale is not None else {}
    if extra and args.model != "cgan":
        p.error("--noise-scale applies to cgan only")
    EVALUATIONS[args.model](data_root=args.data, seed=args.seed, **extra)


if __name__ == "__main__":
    main()
