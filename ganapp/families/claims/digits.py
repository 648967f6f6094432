"""The few labelled digits every arm of the experiment starts from, and the test digits it is measured on.

Both come from files the app ships (`python -m ganapp.make_assets` writes them from MNIST, byte for byte), so the
tab's live run, the training of its GANs and the evaluation read the same digits, with or without `../shared`:
the first 12,000 training images with their labels, and the 10,000 test images with theirs.

`labelled_subset(n)` is fixed, not drawn: the first n/10 training images of each digit, in file order, so that
the GAN trained on them, the classifiers trained beside it and a visitor's live run all see the same n digits.
Seeds vary the classifier's training (initialisation, batches, the generated images), never the subset.
"""
from __future__ import annotations

import functools
from pathlib import Path

import torch

from ...images import tile_sheet

ASSETS = Path(__file__).resolve().parents[2] / "assets"
SHEETS = {"train": ("mnist_train_12k.png", "mnist_train_12k_labels.txt"),
          "test": ("mnist_test_10k.png", "mnist_test_labels.txt")}


@functools.cache
def shipped_digits(split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The shipped MNIST digits of `split` ("train": the first 12,000; "test": all 10,000): images (N, 1, 28, 28)
    in [0, 1], as MNISTSampler holds them, and labels (N,) int64. Read once; treat as read-only."""
    sheet, labels_file = SHEETS[split]
    images = tile_sheet(ASSETS / sheet).flatten(0, 1)                               # (N, 1, 28, 28), row by row
    labels = torch.tensor([int(c) for c in (ASSETS / labels_file).read_text().strip()])
    return images, labels


def balanced_indices(labels: torch.Tensor, n: int, classes: int = 10) -> torch.Tensor:
    """Indices of the first n // classes examples of each class, in order: (n,) int64."""
    if n % classes:
        raise ValueError(f"n must be a multiple of {classes}, not {n}")
    picked = [torch.nonzero(labels == c).squeeze(1)[: n // classes] for c in range(classes)]
    if any(len(p) < n // classes for p in picked):
        raise ValueError(f"fewer than {n // classes} examples of some class")
    return torch.cat(picked).sort().values


def labelled_subset(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The n labelled training digits: images (n, 1, 28, 28) in [0, 1] and labels (n,)."""
    images, labels = shipped_digits("train")
    idx = balanced_indices(labels, n)
    return images[idx], labels[idx]


def mnist_test_set() -> tuple[torch.Tensor, torch.Tensor]:
    """The 10,000 MNIST test digits and labels, what every classifier of the experiment is measured on."""
    return shipped_digits("test")
