"""The few labelled digits every arm of the experiment starts from, and nothing else of MNIST's training set.

`labelled_subset(n)` is fixed, not drawn: the first n/10 training images of each digit, in file order, so that
the GAN trained on them, the classifiers trained beside it and a visitor's live run all see the same n digits.
Seeds vary the classifier's training (initialisation, batches, the generated images), never the subset.
"""
from __future__ import annotations

import torch

from ...training.data import MNISTSampler

SIZES = (100, 500, 2000)   # the N: labelled training digits, a tenth of them per digit


def balanced_indices(labels: torch.Tensor, n: int, classes: int = 10) -> torch.Tensor:
    """Indices of the first n // classes examples of each class, in order: (n,) int64."""
    if n % classes:
        raise ValueError(f"n must be a multiple of {classes}, not {n}")
    picked = [torch.nonzero(labels == c).squeeze(1)[: n // classes] for c in range(classes)]
    if any(len(p) < n // classes for p in picked):
        raise ValueError(f"fewer than {n // classes} examples of some class")
    return torch.cat(picked).sort().values


def labelled_subset(n: int, root=None, device="cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """The n labelled training digits: images (n, 1, 28, 28) in [0, 1] and labels (n,)."""
    full = MNISTSampler("train", root, device)
    idx = balanced_indices(full.labels.cpu(), n).to(full.images.device)
    return full.images[idx], full.labels[idx]
