"""Figures shared by several families' evaluations and by training-time validation.

Everything here is a pure function of tensors; nothing loads a model or reads a file.
"""
from __future__ import annotations

import torch


# --- categorical codes against the evaluator's digits (InfoGAN) ----------------------------------

def category_digit_counts(categories: torch.Tensor, digits: torch.Tensor, n_categories: int) -> torch.Tensor:
    """counts[c, d]: how many samples drawn with category c the evaluator read as digit d. (k, 10) int64."""
    counts = torch.zeros(n_categories, 10, dtype=torch.long)
    counts.index_put_((categories.cpu(), digits.cpu()), torch.ones_like(categories.cpu()), accumulate=True)
    return counts


def pick_categories(counts: torch.Tensor) -> list[int]:
    """The digit each category stands for in the app (category_to_digit[c] = d, or -1 when unused).

    Every digit gets exactly one category: greedily the (category, digit) pair whose category draws
    that digit most reliably (highest share of its samples), then the next among those left. With
    as many categories as digits this is a one-to-one assignment; with more (over-clustering), the
    purest category of each digit is used and the others are left out.
    """
    precision = counts.double() / counts.sum(1, keepdim=True).clamp_min(1)  # (k, 10)
    assignment = [-1] * counts.shape[0]
    for _ in range(min(counts.shape)):
        c, d = divmod(int(precision.argmax()), counts.shape[1])
        assignment[c] = d
        precision[c, :] = -1
        precision[:, d] = -1
    return assignment


def picked_accuracy(counts: torch.Tensor, category_to_digit: list[int]) -> list[float]:
    """Per digit: the share of samples from its picked category that the evaluator reads as that digit."""
    per_digit = [0.0] * counts.shape[1]
    for c, d in enumerate(category_to_digit):
        if d >= 0:
            per_digit[d] = float(counts[c, d] / counts[c].sum().clamp_min(1))
    return per_digit
