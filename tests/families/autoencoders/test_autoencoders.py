"""The Autoencoders tab's parts: the noise model, PSNR, PCA, the classic filters, the 2-d separation figure and
the /denoise contract."""
from __future__ import annotations

import io
import math

import pytest
import torch

from ganapp.checks import InvalidInput
from ganapp.families.autoencoders import inference
from ganapp.families.autoencoders.evaluate import knn_accuracy
from ganapp.families.autoencoders.model import PCA, PCAConfig, corrupt, gaussian_blur, median_filter, psnr


def grey(n: int = 64, value: float = 0.5) -> torch.Tensor:
    return torch.full((n, 1, 28, 28), value)


def test_no_noise_leaves_the_digit_unchanged():
    x = torch.rand(4, 1, 28, 28)
    assert torch.equal(corrupt(x, 0.0, torch.Generator().manual_seed(0)), x)


def test_noise_has_the_stated_spread_and_share_of_specks():
    x = grey()
    sigma = 0.1  # small enough that clipping at 0 and 1 does not shrink the spread
    noisy = corrupt(x, sigma, torch.Generator().manual_seed(0))
    specks = (noisy == 0) | (noisy == 1)
    assert float(specks.float().mean()) == pytest.approx(sigma / 5, abs=0.003)
    assert float((noisy - x)[~specks].std()) == pytest.approx(sigma, rel=0.03)
    assert float(noisy.min()) >= 0 and float(noisy.max()) <= 1


def test_noise_is_seeded_and_can_differ_per_image():
    x = grey(2)
    a = corrupt(x, torch.tensor([0.0, 0.5]), torch.Generator().manual_seed(3))
    b = corrupt(x, torch.tensor([0.0, 0.5]), torch.Generator().manual_seed(3))
    assert torch.equal(a, b)
    assert torch.equal(a[0], x[0]) and not torch.equal(a[1], x[1])


def test_psnr_matches_a_hand_computation():
    clean = torch.zeros(2, 1, 28, 28)
    off = clean.clone()
    off[0] += 0.1                       # MSE 0.01 -> 10 log10(1 / 0.01) = 20 dB
    off[1, 0, :14] = 1.0                # half the pixels wrong by 1: MSE 0.5 -> 3.0103 dB
    assert psnr(off, clean).tolist() == pytest.approx([20.0, 10 * math.log10(2)], abs=1e-4)


def test_pca_reconstruction_is_the_projection_onto_its_components():
    g = torch.Generator().manual_seed(0)
    images = torch.rand(200, 1, 28, 28, generator=g)
    pca = PCA(PCAConfig(n_components=6)).fit(images)
    v = pca.components                                                      # (6, 784)
    assert torch.allclose(v @ v.T, torch.eye(6), atol=1e-4)                 # orthonormal directions
    x = images[:5].flatten(1)
    for k in (1, 3, 6):
        expected = pca.mean + (x - pca.mean) @ v[:k].T @ v[:k]
        assert torch.allclose(pca.project(pca.encode(images[:5], k)).flatten(1), expected, atol=1e-5)
    # the first direction carries the most variance: reconstruction error falls as k grows
    errors = [float((pca.project(pca.encode(images, k)) - images).pow(2).mean()) for k in (1, 3, 6)]
    assert errors == sorted(errors, reverse=True)


def test_pca_recovers_data_of_low_rank_exactly():
    g = torch.Generator().manual_seed(1)
    basis, weights = torch.randn(3, 784, generator=g), torch.randn(100, 3, generator=g)
    images = (0.5 + 0.01 * weights @ basis).view(100, 1, 28, 28)
    pca = PCA(PCAConfig(n_components=3)).fit(images)
    assert torch.allclose(pca.project(pca.encode(images, 3)), images, atol=1e-5)


def test_median_filter_removes_an_isolated_speck_and_keeps_flat_areas():
    x = grey(1, 0.25)
    x[0, 0, 10, 10] = 1.0
    out = median_filter(x, 3)
    assert out.shape == x.shape and torch.allclose(out, grey(1, 0.25))


def test_blur_keeps_a_flat_image_and_spreads_a_point():
    flat = grey(1, 0.5)
    assert torch.allclose(gaussian_blur(flat, 1.0), flat, atol=1e-6)
    point = torch.zeros(1, 1, 28, 28)
    point[0, 0, 14, 14] = 1.0
    blurred = gaussian_blur(point, 1.0)
    assert float(blurred[0, 0, 14, 14]) < 1 and float(blurred[0, 0, 14, 15]) > 0
    assert float(blurred.sum()) == pytest.approx(1.0, abs=1e-4)


def test_knn_accuracy_on_separated_and_on_mixed_clusters():
    g = torch.Generator().manual_seed(0)
    centres = torch.tensor([[0.0, 0.0], [10.0, 10.0]])
    labels = torch.arange(2).repeat_interleave(50)
    points = centres[labels] + 0.1 * torch.randn(100, 2, generator=g)
    assert knn_accuracy(points, labels, points + 0.01, labels) == 1.0
    assert knn_accuracy(points, labels, points, 1 - labels) == 0.0


def test_denoise_row_is_five_112px_tiles_and_the_same_inputs_give_the_same_bytes(tiny):
    a, b = inference.denoise(0.5, 7), inference.denoise(0.5, 7)
    assert a.size == (5 * 112, 112)
    png = lambda img: (img.save(buf := io.BytesIO(), format="PNG"), buf.getvalue())[1]  # noqa: E731
    assert png(a) == png(b)
    assert png(inference.denoise(0.5, 8)) != png(a)


def test_denoise_scores_put_the_clean_digit_at_infinity_and_the_rest_in_db(tiny):
    row, scores = inference.denoised(0.3, 0)
    assert row.shape == (5, 1, 28, 28) and list(scores) == list(inference.DENOISERS)
    assert math.isinf(scores["clean"]) and all(math.isfinite(scores[k]) for k in ("noisy", "dae", "median", "blur"))


@pytest.mark.parametrize("noise,seed", [(-0.1, 0), (1.5, 0), ("loud", 0), (0.5, -1), (0.5, 2.5)])
def test_denoise_refuses_bad_inputs(tiny, noise, seed):
    with pytest.raises(InvalidInput):
        inference.denoise(noise, seed)


def test_compression_shows_digits_autoencoder_and_pca_rows(tiny):
    image = inference.compressed("2")
    assert image.size[1] > image.size[0] / 10 * 2   # three rows of ten tiles
    with pytest.raises(InvalidInput):
        inference.compressed(3)
