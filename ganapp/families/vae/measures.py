"""The VAE's measures, pure figures of a model on a set of digits (the test set in the evaluation, held-out training
digits in the recipe's validation): the negative ELBO, the importance-weighted bound, a plain autoencoder's
reconstruction NLL, all in nats per image; and the floor under them (the pixels' own entropy).
"""
from __future__ import annotations

import math

import torch

from ...training.data import MNISTSampler
from .model import negative_elbo, reconstruction_nll


@torch.inference_mode()
def test_negative_elbo(model, test: MNISTSampler, seed: int = 0) -> float:
    """Mean over the 10,000 test images of the one-sample negative ELBO, in nats."""
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


@torch.inference_mode()
def test_iwae_bound(model, test: MNISTSampler, k: int = 100, seed: int = 0, batch: int = 100) -> float:
    """Mean over the test images of the importance-weighted bound (Burda et al. 2016) with `k` samples, as a
    negative log-likelihood in nats: -log (1/k) sum_i p(x|z_i) p(z_i) / q(z_i|x), z_i ~ q(z|x). Tighter than the
    ELBO (k = 1) and closer to -log p(x) as k grows."""
    g = torch.Generator().manual_seed(seed)
    device = next(model.parameters()).device
    total = 0.0
    for x in test.images.split(batch):
        x = x.to(device)
        mu, logvar = model.encode(x)                                                   # (B, d)
        eps = torch.randn((k, *mu.shape), generator=g).to(device)                      # (k, B, d)
        z = mu + torch.exp(0.5 * logvar) * eps                                         # (k, B, d)
        logits = model.decode_logits(z.flatten(0, 1))                                  # (k B, 1, 28, 28)
        log_px_z = -reconstruction_nll(logits, x.repeat(k, 1, 1, 1)).view(k, len(x))   # (k, B)
        log_pz = -0.5 * (z.pow(2) + math.log(2 * math.pi)).sum(-1)                     # (k, B)
        log_qz = -0.5 * (eps.pow(2) + logvar + math.log(2 * math.pi)).sum(-1)          # (k, B)
        total += float(-(torch.logsumexp(log_px_z + log_pz - log_qz, 0) - math.log(k)).sum())
    return total / len(test)


@torch.inference_mode()
def test_reconstruction_nll(model, test: MNISTSampler) -> float:
    """A plain autoencoder's mean Bernoulli NLL over the test set, decoding the encoder's mean."""
    device = next(model.parameters()).device
    total = 0.0
    for x in test.images.split(1000):
        x = x.to(device)
        total += float(reconstruction_nll(model.decode_logits(model.encode(x)[0]), x).sum())
    return total / len(test)


def pixel_entropy(test: MNISTSampler) -> float:
    """The floor under any Bernoulli NLL on greyscale targets: each pixel's own entropy, summed per image, in nats."""
    p = test.images.double().clamp(1e-12, 1 - 1e-12)
    return float(-(p * p.log() + (1 - p) * (1 - p).log()).flatten(1).sum(1).mean())
