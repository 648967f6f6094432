"""A small style-based generator (Karras et al., "A Style-Based Generator Architecture for GANs",
2019), sized for MNIST padded to 32x32 on a CPU, with StyleGAN2's weight (de)modulation in place
of AdaIN (Karras et al., 2020) and its skip connections to the image.

    z --mapping MLP--> w --(one w per block; truncation pulls it towards the average w)
    const 4x4 -> block 4 -> block 8 -> block 16 -> block 32 -> image (B, 1, 32, 32) in [-1, 1]

Each block: (upsample), two 3x3 convolutions whose weights are scaled per input channel by a
style (an affine map of the block's w) and renormalised, per-pixel noise with a learned strength
per channel, a leaky ReLU; then a 1x1 "to image" convolution added to the upsampled image so far.
The styles of blocks 4 and 8 set the coarse shape, 16 the middle, 32 the fine detail: style mixing
takes some blocks' w from another source. Every weight is stored at unit variance and scaled at
run time (the equalised learning rate of Karras et al., 2018), so one learning rate suits all.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ...hub_model import HubModel
from . import LEVELS

BLOCK_SIZES = (4, 8, 16, 32)


@dataclass(frozen=True)
class StyleGANConfig:
    z_dim: int = 64                              # noise dimensions
    w_dim: int = 64                              # style vector dimensions
    mapping_layers: int = 2                      # depth of the z -> w MLP (StyleGAN2-ADA's small-image configs: 2)
    mapping_lr_mul: float = 0.01                 # the mapping network learns this much slower (StyleGAN's; 4 layers
                                                 # at 0.1 drew fewer kinds of digit: benchmarks/stylegan_trials.md)
    channels: tuple = (64, 64, 32, 16)           # feature maps of the blocks at 4, 8, 16 and 32 px (CPU-sized)

    def __post_init__(self):  # config.json stores a list; equal configs compare equal
        object.__setattr__(self, "channels", tuple(self.channels))


class EqualLinear(nn.Module):
    """A linear layer with unit-variance weights scaled by lr_mul / sqrt(fan_in) at run time."""

    def __init__(self, n_in: int, n_out: int, bias_init: float = 0.0, lr_mul: float = 1.0):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(n_out, n_in) / lr_mul)
        self.bias = nn.Parameter(torch.full((n_out,), float(bias_init)))
        self.scale, self.lr_mul = lr_mul / math.sqrt(n_in), lr_mul

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight * self.scale, self.bias * self.lr_mul)


class ScaledLeakyReLU(nn.Module):
    """Leaky ReLU times sqrt(2), so that activations keep their scale layer after layer (with unit-variance
    weights, a plain one would halve the variance at each layer: w would barely depend on z)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.leaky_relu(x, 0.2) * math.sqrt(2)


class EqualConv2d(nn.Module):
    def __init__(self, c_in: int, c_out: int, k: int):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(c_out, c_in, k, k))
        self.bias = nn.Parameter(torch.zeros(c_out))
        self.scale, self.padding = 1 / math.sqrt(c_in * k * k), k // 2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.weight * self.scale, self.bias, padding=self.padding)


class ModulatedConv(nn.Module):
    """A convolution whose weights are scaled per input channel by a style, then (optionally)
    demodulated so that each output channel keeps unit variance (StyleGAN2, eq. 1-3)."""

    def __init__(self, c_in: int, c_out: int, k: int, w_dim: int, demodulate: bool = True):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(c_out, c_in, k, k))
        self.affine = EqualLinear(w_dim, c_in, bias_init=1.0)   # w -> style, starting at 1
        self.scale, self.padding, self.demodulate = 1 / math.sqrt(c_in * k * k), k // 2, demodulate

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        # Scaling the weights per sample equals scaling the input channels, then one ordinary (batched)
        # convolution, then the per-sample output scale of the demodulation: much faster on a CPU.
        style = self.affine(w)                                                   # (B, c_in)
        weight = self.weight * self.scale                                        # (c_out, c_in, k, k)
        out = F.conv2d(x * style[:, :, None, None], weight, padding=self.padding)  # (B, c_out, H, W)
        if self.demodulate:  # 1 / |w'| per output channel, |w'|^2 = sum_in style_in^2 sum_k w_out,in,k^2
            out = out * torch.rsqrt(style.pow(2) @ weight.pow(2).sum((2, 3)).T + 1e-8)[:, :, None, None]
        return out


class StyledLayer(nn.Module):
    """Modulated 3x3 convolution + per-pixel noise (learned strength per channel) + bias + leaky ReLU."""

    def __init__(self, c_in: int, c_out: int, w_dim: int):
        super().__init__()
        self.conv = ModulatedConv(c_in, c_out, 3, w_dim)
        self.noise_strength = nn.Parameter(torch.zeros(1, c_out, 1, 1))
        self.bias = nn.Parameter(torch.zeros(1, c_out, 1, 1))

    def forward(self, x: torch.Tensor, w: torch.Tensor, noise: torch.Tensor | None) -> torch.Tensor:
        x = self.conv(x, w)
        if noise is not None:                                                    # (B, 1, H, W)
            x = x + self.noise_strength * noise
        return F.leaky_relu(x + self.bias, 0.2) * math.sqrt(2)


class SynthesisBlock(nn.Module):
    def __init__(self, c_in: int, c_out: int, w_dim: int, first: bool):
        super().__init__()
        self.first = first
        self.layers = nn.ModuleList([StyledLayer(c_in, c_out, w_dim)] + ([] if first else [StyledLayer(c_out, c_out, w_dim)]))
        self.to_image = ModulatedConv(c_out, 1, 1, w_dim, demodulate=False)
        self.image_bias = nn.Parameter(torch.zeros(1, 1, 1, 1))

    def forward(self, x, image, w, noises):
        if not self.first:
            x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)          # (B, C, 2H, 2W)
            image = F.interpolate(image, scale_factor=2, mode="bilinear", align_corners=False)
        for layer, noise in zip(self.layers, noises):
            x = layer(x, w, noise)
        skip = self.to_image(x, w) + self.image_bias
        return x, skip if image is None else image + skip


class StyleGANGenerator(HubModel):
    """`forward(z)` -> (B, 1, 32, 32) in [-1, 1]: one w for every block, no truncation, noise drawn from
    `noise_generator`. `map`, `truncate` and `synthesis` give mixing, truncation and noise control."""
    config_class = StyleGANConfig

    def example_inputs(self, generator: torch.Generator) -> tuple:
        """For `generate`: three pairs (z_a, z_b), mixed at the middle level, ψ 0.7, with noise."""
        n, blocks = 3, len(self.config.channels)
        mix = torch.zeros(n, blocks)
        mix[:, list(LEVELS["middle"])] = 1
        return (torch.randn(n, self.config.z_dim, generator=generator), torch.randn(n, self.config.z_dim, generator=generator),
                mix, torch.full((n, 1), 0.7), torch.randn(n, self.noise_size(), generator=generator))

    def __init__(self, config: StyleGANConfig):
        super().__init__()
        self.config = config
        layers = []
        for i in range(config.mapping_layers):
            layers += [EqualLinear(config.z_dim if i == 0 else config.w_dim, config.w_dim, lr_mul=config.mapping_lr_mul),
                       ScaledLeakyReLU()]
        self.mapping = nn.Sequential(*layers)
        self.register_buffer("w_avg", torch.zeros(config.w_dim))     # the average w, tracked in training
        self.const = nn.Parameter(torch.randn(1, config.channels[0], 4, 4))
        chans = config.channels
        self.blocks = nn.ModuleList(
            SynthesisBlock(chans[max(i - 1, 0)], chans[i], config.w_dim, first=i == 0) for i in range(len(chans)))

    def map(self, z: torch.Tensor) -> torch.Tensor:
        """(B, z_dim) -> (B, w_dim); z is normalised to the sphere of radius sqrt(z_dim) first."""
        z = z * torch.rsqrt(z.pow(2).mean(1, keepdim=True) + 1e-8)
        return self.mapping(z)

    def truncate(self, w: torch.Tensor, psi: float) -> torch.Tensor:
        """The truncation trick: w' = w_avg + ψ (w - w_avg)."""
        return self.w_avg + psi * (w - self.w_avg)

    def noise_shapes(self) -> list[tuple[int, int]]:
        """(block, size) of every noise input, in the order `synthesis` takes them."""
        return [(i, size) for i, (size, block) in enumerate(zip(BLOCK_SIZES, self.blocks)) for _ in block.layers]

    def synthesis(self, ws: torch.Tensor, noises: list[torch.Tensor | None]) -> torch.Tensor:
        """ws: (B, n_blocks, w_dim), one w per block; noises: one (B, 1, size, size) or None per noise input."""
        x, image = self.const.expand(len(ws), -1, -1, -1), None
        k = 0
        for i, block in enumerate(self.blocks):
            n = len(block.layers)
            x, image = block(x, image, ws[:, i], noises[k:k + n])
            k += n
        return image                                                 # (B, 1, 32, 32), raw; tanh not applied

    def noise_size(self) -> int:
        """Numbers in one image's noise, all inputs flattened in `noise_shapes` order."""
        return sum(size * size for _, size in self.noise_shapes())

    def generate(self, z_a: torch.Tensor, z_b: torch.Tensor, mix: torch.Tensor, psi: torch.Tensor,
                 noise: torch.Tensor) -> torch.Tensor:
        """Style mixing and truncation in one graph with no random numbers (what the page runs, model.onnx):
        z_a, z_b (B, z_dim); mix (B, n_blocks), 1 where a block takes B's style, else 0; psi (B, 1); noise
        (B, noise_size()), every noise input flattened. -> (B, 1, 32, 32) in [-1, 1]."""
        w_a, w_b = self.truncate(self.map(z_a), psi), self.truncate(self.map(z_b), psi)    # (B, w_dim) each
        ws = w_a[:, None] * (1 - mix[..., None]) + w_b[:, None] * mix[..., None]           # (B, n_blocks, w_dim)
        noises, at = [], 0
        for _, size in self.noise_shapes():
            noises.append(noise[:, at:at + size * size].reshape(-1, 1, size, size))       # (B, 1, size, size)
            at += size * size
        return self.synthesis(ws, noises).clamp(-1, 1)

    def draw_noise(self, n: int, generator: torch.Generator | None = None) -> list[torch.Tensor]:
        return [torch.randn(n, 1, size, size, generator=generator).to(self.const.device) for _, size in self.noise_shapes()]

    def forward(self, z: torch.Tensor, noise_generator: torch.Generator | None = None) -> torch.Tensor:
        ws = self.map(z)[:, None].expand(-1, len(self.blocks), -1)
        return self.synthesis(ws, self.draw_noise(len(z), noise_generator)).clamp(-1, 1)


class StyleGANDiscriminator(nn.Module):
    """32 -> 16 -> 8 -> 4 px convolutions (equalised), the minibatch standard deviation as an extra
    channel (so that a collapsed batch is easy to spot), then two dense layers -> (B / pack,) realism logits.

    `pack` images are judged together, stacked as channels (PacGAN, Lin et al. 2018): a generator that draws
    too few kinds of digit makes packs whose members look alike, which a single image cannot show."""

    def __init__(self, channels: tuple = (16, 32, 64, 64), pack: int = 1):
        super().__init__()
        c = channels
        self.pack = pack
        self.from_image = EqualConv2d(pack, c[0], 1)
        self.convs = nn.ModuleList(EqualConv2d(c[i], c[i + 1], 3) for i in range(3))   # each then halves the size
        self.final = EqualConv2d(c[3] + 1, c[3], 3)
        self.fc = nn.Sequential(EqualLinear(c[3] * 16, c[3]), ScaledLeakyReLU(), EqualLinear(c[3], 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        act = ScaledLeakyReLU()
        x = x.reshape(-1, self.pack, *x.shape[2:])                                    # (B/pack, pack, 32, 32)
        h = act(self.from_image(x))                                                   # (B/pack, c0, 32, 32)
        for conv in self.convs:
            h = F.avg_pool2d(act(conv(h)), 2)                                         # 16, 8, 4
        group = min(4, len(h))
        if len(h) % group == 0:  # minibatch stddev over groups of `group` images
            # the epsilon inside the root: a group of identical images would otherwise give a NaN gradient
            y = (h.view(group, -1, *h.shape[1:]).var(0, unbiased=False) + 1e-8).sqrt().mean((1, 2, 3))  # (B/group,)
            std = y.repeat(group)[:, None, None, None].expand(-1, 1, 4, 4)
        else:
            std = torch.zeros(len(h), 1, 4, 4, device=h.device)
        h = act(self.final(torch.cat([h, std], 1)))                                   # (B, c3, 4, 4)
        return self.fc(h.flatten(1)).squeeze(1)
