"""What a plain autoencoder is for: denoising, compression, and PCA beside it.

The networks are the VAE family's encoder and decoder (`ganapp.families.vae.model.VAE`) with
`variational=False`: the code z is the encoder's output and the loss is the reconstruction alone.
A *denoising* autoencoder (Vincent et al., 2008) is the same network trained to map a corrupted
digit, `corrupt(x)`, back to the clean x. PCA is the linear autoencoder that minimises squared
error: its encoder and decoder are the top principal directions of the training digits, so it is
the baseline every non-linear autoencoder has to beat.
Images: (B, 1, 28, 28) in [0, 1].
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from ...hub_model import HubModel
from ..vae.model import VAE, VAEConfig, reconstruction_nll  # noqa: F401  (the registry names model:VAE here)


@dataclass(frozen=True)
class AutoencoderConfig(VAEConfig):
    """The VAE family's config with an autoencoder's defaults (saved as, and reloaded into, a VAEConfig)."""
    latent_dim: int = 64       # the DAE's code: wide enough to keep the strokes, narrow enough to drop the noise
    variational: bool = False  # no KL term: z is the encoder's output


def salt_and_pepper_share(sigma: float | torch.Tensor):
    """The share of pixels set to black or white at noise level `sigma`: a fifth of it (10% at sigma 0.5)."""
    return sigma / 5


def corrupt(x: torch.Tensor, sigma: float | torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """The noise model: Gaussian noise of standard deviation `sigma` (of the [0, 1] range), then salt and pepper
    on `salt_and_pepper_share(sigma)` of the pixels, clipped to [0, 1]. `sigma` is a float or one value per image
    ((B,)); the noise is drawn with `generator` on the CPU, so a seed gives the same digit on every device.

    (B, 1, 28, 28) -> (B, 1, 28, 28)."""
    b = x.shape[0]
    sigma = torch.as_tensor(sigma, dtype=x.dtype).reshape(-1, 1, 1, 1).expand(b, 1, 1, 1)     # (B, 1, 1, 1)
    gauss = torch.randn(x.shape, generator=generator, dtype=x.dtype)                           # (B, 1, 28, 28)
    hit = torch.rand(x.shape, generator=generator, dtype=x.dtype)                              # which pixels flip
    white = torch.rand(x.shape, generator=generator, dtype=x.dtype) < 0.5                      # salt, else pepper
    noisy = (x.cpu() + sigma * gauss).clamp(0, 1)
    flipped = hit < salt_and_pepper_share(sigma)
    noisy = torch.where(flipped, white.to(x.dtype), noisy)
    return noisy.to(x.device)


def psnr(estimate: torch.Tensor, clean: torch.Tensor) -> torch.Tensor:
    """Peak signal-to-noise ratio in dB per image, for images in [0, 1]: 10 log10(1 / MSE). (B, ...) x2 -> (B,)."""
    mse = (estimate - clean).pow(2).flatten(1).mean(1)
    return 10 * torch.log10(1 / mse.clamp_min(1e-10))


@dataclass(frozen=True)
class PCAConfig:
    n_components: int = 32   # principal directions kept; any first k of them give the k-component PCA
    pixels: int = 784        # 28 x 28


class PCA(HubModel):
    """Principal component analysis of the training digits, as a linear autoencoder: encode = project onto the
    first k directions, decode = the mean plus that combination of them. Fitted by `fit` (an exact SVD of the
    centred data), not trained."""

    config_class = PCAConfig
    output_range = (0.0, 1.0)  # of `generate`: reconstructions clipped to pixel intensities

    def __init__(self, config: PCAConfig):
        super().__init__()
        self.config = config
        self.register_buffer("mean", torch.zeros(config.pixels))                              # (784,)
        self.register_buffer("components", torch.zeros(config.n_components, config.pixels))   # (K, 784), orthonormal rows

    @torch.no_grad()
    def fit(self, images: torch.Tensor) -> "PCA":
        """The principal directions of `images` ((N, 1, 28, 28)), by torch.linalg.svd of the centred data."""
        flat = images.flatten(1).double()                                   # (N, 784)
        mean = flat.mean(0)
        _, _, vh = torch.linalg.svd(flat - mean, full_matrices=False)       # rows of vh: directions, by variance
        self.mean.copy_(mean.float())
        self.components.copy_(vh[: self.config.n_components].float())
        return self

    def encode(self, x: torch.Tensor, k: int) -> torch.Tensor:
        """(B, 1, 28, 28) -> (B, k) coordinates along the first k directions."""
        return (x.flatten(1) - self.mean) @ self.components[:k].T

    def project(self, z: torch.Tensor) -> torch.Tensor:
        """(B, k) -> (B, 1, 28, 28), unclipped: the point of the k-dimensional subspace with these coordinates."""
        k = z.shape[1]
        return (self.mean + z @ self.components[:k]).view(-1, 1, 28, 28)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """(B, k) -> (B, 1, 28, 28) in [0, 1]: the projection, clipped to pixel intensities."""
        return self.project(z).clamp(0, 1)

    def reconstruct(self, x: torch.Tensor, k: int) -> torch.Tensor:
        return self.decode(self.encode(x, k))

    def example_inputs(self, generator: torch.Generator) -> tuple:
        return (torch.randn(3, self.config.n_components, generator=generator),)

    def generate(self, z: torch.Tensor) -> torch.Tensor:
        return self.decode(z)

    def forward(self, x: torch.Tensor, k: int | None = None) -> torch.Tensor:
        return self.reconstruct(x, k or self.config.n_components)


# --- the classic filters the DAE is compared with ------------------------------------------------------------

def median_filter(x: torch.Tensor, size: int) -> torch.Tensor:
    """Each pixel replaced by the median of its size x size window (edges mirrored): the classic cure for salt
    and pepper. (B, 1, H, W) -> (B, 1, H, W)."""
    r = size // 2
    padded = nn.functional.pad(x, (r, r, r, r), mode="reflect")                   # (B, 1, H + 2r, W + 2r)
    windows = padded.unfold(2, size, 1).unfold(3, size, 1)                        # (B, 1, H, W, size, size)
    return windows.flatten(-2).median(-1).values


def gaussian_blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    """A Gaussian blur of standard deviation `sigma` pixels, kernel out to 3 sigma, edges mirrored: the classic cure
    for Gaussian noise. (B, 1, H, W) -> (B, 1, H, W). The same numbers as torchvision's v2 `gaussian_blur` (the
    tests compare them), without importing it here: torchvision's transforms cost the server 165 MB and torch's
    compiler stack."""
    size = 2 * max(1, round(3 * sigma)) + 1
    half = (size - 1) / (2.0 * math.sqrt(2.0))   # positions in units of sqrt(2): softmax(-(x/sigma)^2) is the
    line = torch.linspace(-half, half, steps=size, dtype=x.dtype, device=x.device)   # normalised N(0, sigma^2)
    kernel1d = torch.softmax(line.div(sigma).pow(2).neg(), dim=0)                        # (size,)
    kernel = (kernel1d.unsqueeze(-1) * kernel1d).expand(x.shape[1], 1, size, size)       # (C, 1, size, size)
    r = size // 2
    padded = nn.functional.pad(x, [r, r, r, r], mode="reflect")                         # (B, C, H + 2r, W + 2r)
    return nn.functional.conv2d(padded, kernel, groups=x.shape[1])
