"""Text to digit: a GAN conditioned on a sentence (Reed et al., 2016, "Generative Adversarial Text to Image
Synthesis"), scaled to MNIST.

    tokens --TextEncoder--> sentence embedding e (text_dim)
    (z, e) --generator--> (1, 28, 28) digit
    (image, e) --discriminator--> realism *and match*: a projection head (Miyato and Koyama, 2018) scores
    <features(image), W e>, so a real seven with the caption "a thin two" is as wrong as a fake (GAN-CLS).

The shipped model (`Text2DigitGenerator`) holds the encoder and the generator and keeps its vocabulary in its
config, so config.json alone rebuilds everything the app needs. Images are (B, 1, 28, 28) in [-1, 1].
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ...blocks import discriminator_trunk, generator_layers
from ...hub_model import HubModel
from .captions import MAX_TOKENS, build_vocab


@dataclass(frozen=True)
class Text2DigitConfig:
    vocab: tuple[str, ...] = build_vocab()  # token of each id; id 0 pads (captions.py makes them)
    token_dim: int = 64      # token embedding width
    text_dim: int = 128      # sentence embedding width
    z_dim: int = 64          # noise dimensions (the style the words leave open)
    g_width: int = 64        # generator filters at 14x14 (twice that at 7x7)
    d_width: int = 64        # discriminator filters at 14x14 (twice that at 7x7)

    def __post_init__(self):  # config.json stores a list; equal configs compare equal
        object.__setattr__(self, "vocab", tuple(self.vocab))


class TextEncoder(nn.Module):
    """(B, L) token ids, 0 = padding -> (B, text_dim). A width-3 convolution over token embeddings reads
    neighbours together (向右 vs 向左, "leaning left"), then max and mean pooling over the tokens make the
    sentence's embedding independent of its length and mostly of word order."""

    def __init__(self, config: Text2DigitConfig):
        super().__init__()
        self.embed = nn.Embedding(len(config.vocab), config.token_dim, padding_idx=0)
        self.conv = nn.Conv1d(config.token_dim, 2 * config.token_dim, 3, padding=1)
        self.out = nn.Sequential(nn.Linear(4 * config.token_dim, config.text_dim), nn.LayerNorm(config.text_dim))

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        mask = (ids > 0).unsqueeze(1).float()                              # (B, 1, L)
        h = torch.relu(self.conv(self.embed(ids).transpose(1, 2))) * mask  # (B, 2*token_dim, L)
        mean = h.sum(2) / mask.sum(2).clamp_min(1)
        top = h.masked_fill(mask == 0, -1e4).amax(2).clamp_min(0)          # empty text: zeros, not -1e4
        return self.out(torch.cat([mean, top], 1))                         # (B, text_dim)


class Text2DigitGenerator(HubModel):
    """(z: (B, z_dim), ids: (B, L) token ids) -> (B, 1, 28, 28) in [-1, 1]; `generate` takes sentence embeddings."""
    config_class = Text2DigitConfig

    def example_inputs(self, generator: torch.Generator) -> tuple:
        """Three valid inputs for `generate` (noise and sentence embeddings), for the tests every model gets."""
        ids = torch.randint(1, len(self.config.vocab), (3, 6), generator=generator)
        with torch.no_grad():
            text = self.text(ids)
        return torch.randn(3, self.config.z_dim, generator=generator), text

    def __init__(self, config: Text2DigitConfig):
        super().__init__()
        self.config = config
        self.text = TextEncoder(config)
        self.project, self.net = generator_layers(config.z_dim + config.text_dim, config.g_width)  # the cGAN's body

    def decode(self, z: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        """From a sentence embedding (B, text_dim), e.g. one between two sentences (GAN-INT)."""
        h = self.project(torch.cat([z, text], dim=1))  # (B, 2w*49)
        return self.net(h.view(len(z), -1, 7, 7))       # (B, 1, 28, 28)

    def forward(self, z: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
        return self.decode(z, self.text(ids[:, :MAX_TOKENS]))

    def generate(self, z: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        """What the page runs (model.onnx): `decode`, from the embeddings the server sends (its text encoder stays
        on the server, so that the page never tokenises)."""
        return self.decode(z, text)


class Text2DigitDiscriminator(nn.Module):
    """(images, sentence embeddings) -> (B,) logits of "a real digit that fits this text". Spectrally
    normalised throughout, as the conditional GAN's, so the match term cannot grow unchecked."""

    def __init__(self, config: Text2DigitConfig):
        super().__init__()
        sn = nn.utils.parametrizations.spectral_norm
        self.trunk = discriminator_trunk(config.d_width)      # (B, 256), the cGAN's
        self.realism = sn(nn.Linear(256, 1))
        self.match = sn(nn.Linear(config.text_dim, 256, bias=False))

    def forward(self, x: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        h = self.trunk(x)                                              # (B, 256)
        return self.realism(h).squeeze(1) + (self.match(text) * h).sum(1)
