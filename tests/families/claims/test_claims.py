"""The claims experiment's parts: the three labellings of generated digits, the sharpness figure, the augmentations,
the fixed labelled subsets and the /augment_run contract."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from conftest import needs_data
from torchvision.transforms.v2.functional import gaussian_blur

from ganapp.checks import InvalidInput
from ganapp.families.claims import inference
from ganapp.families.claims.augment import CellSettings, classic_augment, run_cell, soft_targets
from ganapp.families.claims.digits import balanced_indices, labelled_subset, mnist_test_set, shipped_digits
from ganapp.families.claims.recipe import diff_augment
from ganapp.metrics import digit_sharpness

# A hand-made batch: two real digits (a 3 and a 7) and two generated ones (asked for 0 and 5, where a label exists).
LABELS = torch.tensor([3, 7, 0, 5])
GENERATED = torch.tensor([False, False, True, True])
LOGITS = torch.tensor([[0.0] * 10, [0.0] * 10, [0.0] * 10, [0.0] * 10])
LOGITS[2, 8] = 5.0   # the classifier's current guess for the first generated digit: 8
LOGITS[3, 1] = 2.0   # and for the second: 1


def test_extra_class_labels_generated_digits_as_an_eleventh_class():
    logits = torch.cat([LOGITS, torch.zeros(4, 1)], 1)                 # 11 outputs
    expected = torch.stack([F.one_hot(torch.tensor(c), 11).float() for c in (3, 7, 10, 10)])
    assert torch.equal(soft_targets("extra_class", logits, LABELS, GENERATED), expected)


def test_pseudo_label_takes_the_classifiers_current_guess_for_generated_digits_only():
    expected = torch.stack([F.one_hot(torch.tensor(c), 10).float() for c in (3, 7, 8, 1)])
    assert torch.equal(soft_targets("pseudo_label", LOGITS, LABELS, GENERATED), expected)


def test_uniform_gives_generated_digits_one_tenth_for_every_class():
    target = soft_targets("uniform", LOGITS, LABELS, GENERATED)
    assert torch.equal(target[:2], F.one_hot(torch.tensor([3, 7]), 10).float())
    assert torch.allclose(target[2:], torch.full((2, 10), 0.1))


def test_the_conditional_gan_and_real_digits_keep_their_labels():
    expected = F.one_hot(LABELS, 10).float()
    for arm in ("conditional", "none"):
        assert torch.equal(soft_targets(arm, LOGITS, LABELS, GENERATED), expected)


def strokes() -> torch.Tensor:
    """Synthetic crisp digits: a few white bars on black, (8, 1, 28, 28)."""
    x = torch.zeros(8, 1, 28, 28)
    for i in range(8):
        x[i, 0, 4 + i:24, 10 + i % 3:13 + i % 3] = 1.0
        x[i, 0, 12, 6:22] = 1.0
    return x


def test_a_blurred_copy_is_less_sharp_and_more_blur_less_still():
    x = strokes()
    sharp, soft, softer = (float(digit_sharpness(y).mean()) for y in
                           (x, gaussian_blur(x, [7, 7], [0.7, 0.7]), gaussian_blur(x, [9, 9], [1.5, 1.5])))
    assert sharp > soft > softer >= 0
    assert softer < 0.2 * sharp


def test_sharpness_ignores_brightness_and_position():
    x = strokes()
    assert torch.allclose(digit_sharpness(0.5 * x), digit_sharpness(x), atol=1e-6)
    assert torch.allclose(digit_sharpness(torch.roll(x, 2, dims=-1)), digit_sharpness(x), atol=0.03)  # the window tapers


def test_augmentations_are_seeded_and_keep_shapes_and_ranges():
    x = strokes()
    a, b = (classic_augment(x, torch.Generator().manual_seed(1)) for _ in range(2))
    assert torch.equal(a, b) and a.shape == x.shape and not torch.equal(a, x)
    assert float(a.min()) >= 0 and float(a.max()) <= 1
    y = (x * 2 - 1).requires_grad_()
    out = diff_augment(y, 0.125, 0.25, torch.Generator().manual_seed(0))
    assert out.shape == y.shape and float(out.min()) >= -1 and float(out.max()) <= 1
    out.sum().backward()   # differentiable in the generated images, as DiffAugment needs
    assert y.grad is not None and float(y.grad.abs().sum()) > 0


def test_balanced_indices_take_the_first_of_each_class_in_order():
    labels = torch.tensor([1, 0, 1, 1, 0, 2, 2, 0, 2])
    assert balanced_indices(labels, 6, classes=3).tolist() == [0, 1, 2, 4, 5, 6]
    with pytest.raises(ValueError):
        balanced_indices(labels, 12, classes=3)


def test_the_labelled_subsets_are_balanced_and_nested():
    for n in (100, 500, 2000):
        images, labels = labelled_subset(n)
        assert images.shape == (n, 1, 28, 28) and torch.bincount(labels).tolist() == [n // 10] * 10
    small, large = labelled_subset(100), labelled_subset(2000)
    assert all(any(torch.equal(s, g) for g in large[0]) for s in small[0][:5])   # the 100 are among the 2,000
    assert mnist_test_set()[0].shape == (10_000, 1, 28, 28)


@needs_data
def test_the_shipped_digits_are_mnists_own():
    from ganapp.training.data import MNISTSampler

    for split, count in (("train", 12_000), ("test", 10_000)):
        real = MNISTSampler(split)
        images, labels = shipped_digits(split)
        assert torch.equal(images, real.images[:count]) and torch.equal(labels, real.labels[:count])


def test_a_cell_gives_the_same_figure_for_the_same_seed(tiny):
    from ganapp import load

    gans = {"gan": load("claims_gan_n100"), "cgan": load("claims_cgan_n100")}
    real, test = labelled_subset(100), (mnist_test_set()[0][:500], mnist_test_set()[1][:500])
    settings = CellSettings(steps=8)
    for arm in ("extra_class", "pseudo_label", "conditional", "classic"):
        first, again = (run_cell(real, arm, 3, gans, test, settings=settings) for _ in range(2))
        assert first["accuracy"] == again["accuracy"]
    other = run_cell(real, "extra_class", 4, gans, test, settings=settings)
    assert 0 <= other["accuracy"] <= 1


@pytest.mark.parametrize("n,arm,seed", [(200, "none", 0), (100, "gan", 0), (100, "none", -1), (True, "none", 0),
                                        (100, "classic+best", 0)])   # the last: nothing measured in the tiny folder
def test_augment_run_refuses_bad_inputs_with_a_short_message(tiny, n, arm, seed):
    with pytest.raises(InvalidInput):
        inference.augment_run(n, arm, seed)


def test_the_stored_tables_read_in_both_languages():
    from ganapp.families.claims import ARMS, GAN_ARMS
    from ganapp.families.claims.tables import augmentation_table, sharpness_table

    cell = {"mean": 0.9, "sd": 0.01, "accuracies": [0.9] * 5, "seconds": 10.0}
    cells = {f"{a}/x1": cell for a in ARMS}
    figures = {"sizes": [100, 500], "by_n": {"100": {"cells": cells | {f"{a}/x4": cell for a in GAN_ARMS},
                                                     "choice": {"best": "conditional"}},
                                             "500": {"cells": cells, "choice": {"best": "uniform"}}}}
    en, zh = augmentation_table(figures), augmentation_table(figures, "zh-CN")
    assert "real digits only" in en and "×4 generated" in en and "90.00 ± 1.00%" in en and "| — |" in en
    assert "只用真实数字" in zh and "real digits" not in zh
    rows = {"real test digits": {"sharpness": 0.11, "sharpness_vs_real": 1.0, "confidence": 0.99, "read_right": 0.99},
            "GAN, hinge: samples": {"sharpness": 0.1, "sharpness_vs_real": 0.9, "confidence": 0.8, "read_right": None}}
    assert "GAN，hinge：样本" in sharpness_table(rows, "zh-CN") and "real test digits" in sharpness_table(rows)
