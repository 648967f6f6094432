"""Figures shared by several families' evaluations and by training-time validation.

Everything here is a pure function of tensors, except `evaluator_outputs`, which asks the
project's MNIST evaluator (`checkpoints/classifier`) what it reads.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from scipy.optimize import linear_sum_assignment

from . import load
from .images import to_ycbcr
from .sampling import grid_points

# --- categorical codes against the evaluator's digits (InfoGAN) ----------------------------------

def category_digit_counts(categories: torch.Tensor, digits: torch.Tensor, n_categories: int) -> torch.Tensor:
    """counts[c, d]: how many samples drawn with category c the evaluator read as digit d. (k, 10) int64."""
    counts = torch.zeros(n_categories, 10, dtype=torch.long)
    counts.index_put_((categories.cpu(), digits.cpu()), torch.ones_like(categories.cpu()), accumulate=True)
    return counts


def pick_categories(counts: torch.Tensor) -> list[int]:
    """The digit each category stands for in the app (category_to_digit[c] = d, or -1 when unused).

    Every digit gets exactly one category, chosen to maximise the summed precision (the share of a
    category's samples read as its digit) with an optimal assignment (Hungarian method, scipy's
    `linear_sum_assignment`). With as many categories as digits this is one-to-one; with more
    (over-clustering), the leftover categories are not used.
    """
    precision = (counts.double() / counts.sum(1, keepdim=True).clamp_min(1)).numpy()  # (k, 10)
    picked = dict(zip(*(a.tolist() for a in linear_sum_assignment(precision, maximize=True))))  # category -> digit
    return [picked.get(c, -1) for c in range(counts.shape[0])]


def picked_accuracy(counts: torch.Tensor, category_to_digit: list[int]) -> list[float]:
    """Per digit: the share of samples from its picked category that the evaluator reads as that digit."""
    per_digit = [0.0] * counts.shape[1]
    for c, d in enumerate(category_to_digit):
        if d >= 0:
            per_digit[d] = float(counts[c, d] / counts[c].sum().clamp_min(1))
    return per_digit


# --- the evaluator's verdicts and features ------------------------------------------------------

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


class RealReference:
    """Real digits that generated ones are measured against with the evaluator: their features are computed
    once; `compare(fakes)` gives the Fréchet distance to them, the mean confidence and the digit coverage."""

    def __init__(self, images01: torch.Tensor):
        self.images = images01      # (N, 1, 28, 28) in [0, 1]
        self._features = None

    @property
    def features(self) -> torch.Tensor:
        if self._features is None:
            self._features = evaluator_outputs(self.images)[1]
        return self._features

    def floor(self, other01: torch.Tensor) -> float:
        """The Fréchet distance of other real digits to these: what a perfect generator would score."""
        return frechet_distance(evaluator_outputs(other01)[1], self.features)

    @torch.inference_mode()
    def compare(self, fakes01: torch.Tensor) -> dict:
        """Generated digits (N, 1, 28, 28) in [0, 1] against these: Fréchet distance, the evaluator's mean top-class
        probability, and which digits it reads (the rarest one's share, KL divergence from uniform)."""
        preds, feats = evaluator_outputs(fakes01)
        head = load("classifier").head
        confidence = torch.softmax(head(feats.to(next(head.parameters()).device)), 1).max(1).values.mean()
        share = torch.bincount(preds, minlength=10).double() / len(preds)
        return {"frechet": frechet_distance(feats, self.features), "confidence": float(confidence),
                "rarest_share": float(share.min()), "rarest_digit": int(share.argmin()),
                "kl_from_uniform": float(sum(p * np.log(10 * p) for p in share.tolist() if p > 0))}


def mean_pairwise_distance(images: torch.Tensor) -> float:
    """Mean L2 distance between distinct pairs of images (B, ...), a measure of variety."""
    flat = images.flatten(1).double()
    return float(torch.cdist(flat, flat).sum() / (len(flat) * (len(flat) - 1)))


# --- shape measures of digits -------------------------------------------------------------------

def _central_moments(images01: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Second central moments of the ink, normalised by its mass, y growing upwards:
    (mu20 = E[dx^2], mu11 = E[dx dy], mu02 = E[dy^2]), each (B,). (B, 1, H, W) in [0, 1]."""
    b, _, h, w = images01.shape
    m = images01[:, 0].double()
    ys = torch.arange(h, dtype=torch.float64).view(1, h, 1).flip(1)
    xs = torch.arange(w, dtype=torch.float64).view(1, 1, w)
    total = m.sum((1, 2)).clamp_min(1e-8)
    cy, cx = (m * ys).sum((1, 2)) / total, (m * xs).sum((1, 2)) / total
    dy, dx = ys - cy.view(b, 1, 1), xs - cx.view(b, 1, 1)
    return (m * dx * dx).sum((1, 2)) / total, (m * dx * dy).sum((1, 2)) / total, (m * dy * dy).sum((1, 2)) / total


def slant(images01: torch.Tensor) -> torch.Tensor:
    """Shear from second moments, mu11 / mu02: > 0 when the top leans right. (B, 1, H, W) -> (B,)."""
    _, mu11, mu02 = _central_moments(images01)
    return (mu11 / mu02.clamp_min(1e-8)).float()


def width(images01: torch.Tensor) -> torch.Tensor:
    """How wide the digit is, slant removed: the standard deviation of the ink's x after shearing
    the slant away, sqrt(mu20 - mu11^2 / mu02), in pixels. (B, 1, H, W) -> (B,)."""
    mu20, mu11, mu02 = _central_moments(images01)
    return (mu20 - mu11**2 / mu02.clamp_min(1e-8)).clamp_min(0).sqrt().float()


def ink(images01: torch.Tensor) -> torch.Tensor:
    """Ink area: total intensity, which grows with stroke thickness and size. (B, 1, H, W) -> (B,)."""
    return images01.flatten(1).sum(1)


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    rx, ry = np.argsort(np.argsort(x)), np.argsort(np.argsort(y))
    if rx.std() == 0 or ry.std() == 0:
        return 0.0
    return float(np.corrcoef(rx, ry)[0, 1])


# --- images against images ----------------------------------------------------------------------

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


# --- 2-d latent maps: where the codes live, and where the decoder makes digits ----------------------

def map_square(points: torch.Tensor, share: float = 0.98) -> tuple[float, float, float]:
    """(x0, y0, side): the axis-aligned square centred on the points' median that holds `share` of
    them (by Chebyshev distance from the median). points: (N, 2)."""
    points = points.double()
    centre = points.median(0).values                                   # (2,)
    half = float(torch.quantile((points - centre).abs().max(1).values, share))
    return float(centre[0]) - half, float(centre[1]) - half, 2 * half


def reach_share(square: tuple[float, float, float], points: torch.Tensor, n: int = 32) -> float:
    """The share of an n x n grid over `square` whose nearest point lies within one cell side: how
    much of the map is 'within reach' of real codes (holes lower it)."""
    grid = grid_points(square, n).double()
    nearest = torch.cdist(grid, points.double()).min(1).values
    return float((nearest <= square[2] / n).double().mean())


def thickness(images01: torch.Tensor) -> torch.Tensor:
    """Mean stroke thickness in pixels, in the spirit of Morpho-MNIST (Castro et al., 2019): twice the mean
    distance to the background along the stroke's ridge (ink pixels where the Euclidean distance transform peaks
    in its 3x3 neighbourhood), minus one. A straight bar w pixels wide measures about w. (B, 1, H, W) -> (B,)."""
    from scipy import ndimage

    out = []
    for image in (images01[:, 0] > 0.5).cpu().numpy():
        dist = ndimage.distance_transform_edt(image)
        ridge = image & (dist >= ndimage.maximum_filter(dist, size=3))
        out.append(2 * dist[ridge].mean() - 1 if ridge.any() else 0.0)
    return torch.tensor(out, dtype=torch.float32)


def size(images01: torch.Tensor) -> torch.Tensor:
    """How large the digit is: the ink's radius of gyration, sqrt(mu20 + mu02), in pixels. (B, 1, H, W) -> (B,)."""
    mu20, _, mu02 = _central_moments(images01)
    return (mu20 + mu02).sqrt().float()


def ycbcr(images: torch.Tensor) -> torch.Tensor:
    """(B, 3, H, W) RGB in [-1, 1] -> (B, 3, H, W): luminance Y in [0, 1] and chroma Cb, Cr in [-0.5, 0.5]."""
    return to_ycbcr((images + 1) / 2)


def high_frequency_share(images: torch.Tensor, cutoff: float = 0.25) -> torch.Tensor:
    """Per image and YCbCr channel, the share of the power spectrum above `cutoff` cycles per pixel (0.25:
    detail finer than a 4-pixel period), after removing the mean and applying a Hann window (so that the
    borders add no false edges). (B, 3, H, W) RGB in [-1, 1] -> (B, 3): Y, Cb, Cr.

    Why it measures speckle: real photos and paintings carry fine detail in their luminance but hardly any in
    their colour (well under 1% of the chroma power lies above 0.25 cycles/pixel; the eye barely resolves
    colour at that scale, which is why JPEG halves the chroma resolution). Pixel-scale colour noise is power
    exactly there. Compare with real images of the same kind and size."""
    x = ycbcr(images)
    h, w = x.shape[-2:]
    window = torch.hann_window(h, periodic=False, dtype=x.dtype)[:, None] * torch.hann_window(w, periodic=False, dtype=x.dtype)
    x = (x - x.mean((2, 3), keepdim=True)) * window
    power = torch.fft.rfft2(x).abs() ** 2                                   # (B, 3, H, W//2+1)
    fy = torch.fft.fftfreq(h, dtype=x.dtype).abs()[:, None]
    fx = torch.fft.rfftfreq(w, dtype=x.dtype)[None, :]
    high = (fy**2 + fx**2).sqrt() > cutoff
    return (power * high).sum((2, 3)) / power.sum((2, 3)).clamp_min(1e-12)


def colour_speckle(images: torch.Tensor) -> torch.Tensor:
    """The speckle figure: the chroma channels' high-frequency share (mean of Cb and Cr), (B,)."""
    return high_frequency_share(images)[:, 1:].mean(1)


def luminance_detail(images: torch.Tensor, cutoff: float = 0.125) -> torch.Tensor:
    """The detail figure: the luminance's high-frequency share (power above `cutoff` cycles per pixel: periods
    under 8 pixels, leaves, grain, brush strokes), (B,). A blurred or smeared image has little of it (a Gaussian
    blur of σ = 1 px keeps 0.18× that of the 256-pixel photos it blurs), a sharp photo or a brushy painting more;
    compare with real images of the target kind and size (a ratio near 1: as detailed as real ones)."""
    return high_frequency_share(images, cutoff)[:, 0]


def digit_sharpness(images01: torch.Tensor, cutoff: float = 0.25) -> torch.Tensor:
    """The sharpness figure for grey digits, (B, 1, H, W) in [0, 1] -> (B,): the share of each image's power
    spectrum above `cutoff` cycles per pixel (periods under 4 pixels), mean removed, Hann-windowed
    (`high_frequency_share` on the grey level).

    Why this figure: a stroke's edges are where its fine-scale power lives, and a blur (what a reconstruction loss
    regresses to: the mean of the digits it cannot tell apart) takes exactly that away; of the real test digits, a σ = 0.5 px
    blur keeps 57% of theirs and a σ = 1 px blur 7%. The total-variation kind of figure (mean gradient magnitude) would
    not do: blurring a step spreads its gradient but keeps its sum, so a blurred stroke scores almost as high."""
    grey = images01.expand(-1, 3, -1, -1) * 2 - 1     # RGB with R = G = B: Y is the grey level
    return high_frequency_share(grey, cutoff)[:, 0]
