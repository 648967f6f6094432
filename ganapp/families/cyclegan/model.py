"""CycleGAN (Zhu, Park, Isola and Efros, "Unpaired Image-to-Image Translation using
Cycle-Consistent Adversarial Networks", 2017), sized for a 2-core CPU.

Two ResNet generators (photo -> Monet and Monet -> photo) and two 70x70-style PatchGAN
discriminators. Differences from the paper's generator, and why:
- fewer base filters and blocks (`CycleGANConfig`): the paper's 64 filters / 9 blocks take
  ~1.25 s per 256x256 image on 2 CPU cores; the app needs well under 150 ms;
- resize-then-convolve upsampling instead of transposed convolutions, which avoids the
  checkerboard artifacts of early training (Odena, Dumoulin and Olah, 2016).
Images are float tensors in [-1, 1], shape (B, 3, H, W), H and W multiples of
`generator.size_multiple` (the app pads and crops back).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ...hub_model import HubModel


@dataclass(frozen=True)
class CycleGANConfig:
    channels: int = 3            # image channels (RGB)
    base_filters: int = 16       # filters of the first conv; doubled at each downsampling (paper: 64)
    n_blocks: int = 9            # residual blocks at the bottleneck (paper: 9 at 256x256)
    n_downsample: int = 2        # stride-2 stages; inputs must be multiples of 2**n_downsample
    upsample: str = "resize"     # "resize" (nearest + conv) or "transpose" (the paper's ConvTranspose2d)
    disc_filters: int = 32       # PatchGAN discriminator's first-layer filters (training only; paper: 64)
    disc_layers: int = 3         # PatchGAN stride-2 layers; 3 gives 70x70 receptive fields


class ResidualBlock(nn.Module):
    def __init__(self, ch: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(ch, ch, 3), nn.InstanceNorm2d(ch), nn.ReLU(inplace=True),
            nn.ReflectionPad2d(1), nn.Conv2d(ch, ch, 3), nn.InstanceNorm2d(ch),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class CycleGANGenerator(HubModel):
    """One translation direction: (B, 3, H, W) in [-1, 1] -> same shape in [-1, 1]."""
    config_class = CycleGANConfig


    def example_inputs(self, generator: torch.Generator) -> tuple:
        """A valid input for `forward` (any multiple of 4 per side), for the tests every model gets."""
        return (torch.rand(1, 3, 36, 52, generator=generator) * 2 - 1,)

    def __init__(self, config: CycleGANConfig):
        super().__init__()
        self.config = config
        c, f = config.channels, config.base_filters
        layers: list[nn.Module] = [
            nn.ReflectionPad2d(3), nn.Conv2d(c, f, 7), nn.InstanceNorm2d(f), nn.ReLU(inplace=True),
        ]
        for i in range(config.n_downsample):  # (B, f*2^i, H/2^i, W/2^i) -> half size, double filters
            ch = f * 2**i
            layers += [nn.Conv2d(ch, 2 * ch, 3, stride=2, padding=1), nn.InstanceNorm2d(2 * ch), nn.ReLU(inplace=True)]
        bottleneck = f * 2**config.n_downsample
        layers += [ResidualBlock(bottleneck) for _ in range(config.n_blocks)]
        for i in reversed(range(config.n_downsample)):  # back up to full size
            ch = f * 2**i
            if config.upsample == "resize":
                layers += [nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(2 * ch, ch, 3, padding=1)]
            elif config.upsample == "transpose":
                layers += [nn.ConvTranspose2d(2 * ch, ch, 3, stride=2, padding=1, output_padding=1)]
            else:
                raise ValueError(f"upsample must be 'resize' or 'transpose', not {config.upsample!r}")
            layers += [nn.InstanceNorm2d(ch), nn.ReLU(inplace=True)]
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(f, c, 7), nn.Tanh()]
        self.net = nn.Sequential(*layers)

    @property
    def size_multiple(self) -> int:
        """Height and width of inputs must be multiples of this."""
        return 2**self.config.n_downsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, w = x.shape[-2:]
        if h % self.size_multiple or w % self.size_multiple:
            raise ValueError(f"input {h}x{w}: height and width must be multiples of {self.size_multiple}")
        return self.net(x)


class PatchDiscriminator(nn.Module):
    """PatchGAN: one real/fake logit per overlapping 70x70 patch, (B, 3, H, W) -> (B, 1, H/8-2, W/8-2)."""

    def __init__(self, config: CycleGANConfig):
        super().__init__()
        f = config.disc_filters
        layers: list[nn.Module] = [nn.Conv2d(config.channels, f, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True)]
        ch = f
        for i in range(1, config.disc_layers + 1):
            out = f * min(2**i, 8)
            stride = 2 if i < config.disc_layers else 1
            layers += [nn.Conv2d(ch, out, 4, stride, 1), nn.InstanceNorm2d(out), nn.LeakyReLU(0.2, inplace=True)]
            ch = out
        layers += [nn.Conv2d(ch, 1, 4, 1, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)
