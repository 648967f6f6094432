"""The objectives comparison: CapsGAN's capsule discriminator and margin loss, the generators'
public endpoint (/objective_samples), the comparison's evaluation, and the VAE's new bounds."""
from __future__ import annotations

import math

import pytest
import torch
from PIL import Image

from ganapp.checks import InvalidInput
from ganapp.families.objectives import SHIPPED_OBJECTIVES, checkpoint_name, inference
from ganapp.losses import OBJECTIVES, margin_loss
from ganapp.small_gans import CapsuleDiscriminator, GANConfig, squash


def test_squash_keeps_direction_and_maps_length_below_one():
    s = torch.tensor([[3.0, 4.0], [0.3, 0.4]])            # lengths 5 and 0.5
    v = squash(s)
    assert torch.allclose(v.norm(dim=1), torch.tensor([25 / 26, 0.25 / 1.25]))
    assert torch.allclose(v / v.norm(dim=1, keepdim=True), s / s.norm(dim=1, keepdim=True))


def test_capsule_discriminator_returns_two_lengths_in_unit_interval_and_learns():
    torch.manual_seed(0)
    d = CapsuleDiscriminator(GANConfig(width=8))
    lengths = d(torch.randn(5, 1, 28, 28))
    assert lengths.shape == (5, 2) and bool(((lengths >= 0) & (lengths < 1)).all())
    real, fake = torch.ones(16, 1, 28, 28), -torch.ones(16, 1, 28, 28)
    opt = torch.optim.Adam(d.parameters(), 1e-3)
    obj = OBJECTIVES["capsgan"]
    first = None
    for _ in range(30):  # telling two constant images apart must be learnable through the routing
        loss, _, _ = obj.d_loss(d, real, fake)
        first = first if first is not None else loss.item()
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.1 * first


def test_margin_loss_by_hand():
    lengths = torch.tensor([[0.95, 0.05], [0.5, 0.6]])
    # real: (0.9-0.95)+ = 0, (0.05-0.1)+ = 0 | (0.9-0.5)^2 = 0.16, 0.5*(0.6-0.1)^2 = 0.125 -> mean 0.1425
    assert float(margin_loss(lengths, real=True)) == pytest.approx(0.1425)
    # generated: present = column 1: (0.9-0.05)^2 + 0.5*(0.95-0.1)^2 ; (0.9-0.6)^2 + 0.5*(0.5-0.1)^2
    expected = ((0.85 ** 2 + 0.5 * 0.85 ** 2) + (0.09 + 0.5 * 0.16)) / 2
    assert float(margin_loss(lengths, real=False)) == pytest.approx(expected)


@pytest.mark.parametrize("objective", SHIPPED_OBJECTIVES)
def test_objective_samples_is_an_8x8_grid_of_28px_tiles_and_repeats(tiny, objective):
    image = inference.objective_samples(objective, 5)
    assert image.size == (8 * 28 + 9 * 2, 8 * 28 + 9 * 2)  # no upscaling, 2-pixel gaps
    again = inference.objective_samples(objective, 5)
    assert image.tobytes() == again.tobytes()
    assert inference.objective_samples(objective, 6).tobytes() != image.tobytes()


def test_objectives_share_the_noise_but_not_the_weights(tiny):
    a, b = (inference.samples(o, 4, 1) for o in ("nonsaturating", "lsgan"))
    assert not torch.equal(a, b)


@pytest.mark.parametrize("objective, seed", [("minimax", 0), ("gan", 0), ("", 0), ("lsgan", -1), ("lsgan", 1.5),
                                             ("lsgan", "x"), ("lsgan", 2**40)])
def test_objective_samples_refuses_bad_inputs(tiny, objective, seed):
    with pytest.raises(InvalidInput):
        inference.objective_samples(objective, seed)


def test_objective_samples_endpoint_through_the_client(tiny, monkeypatch):
    from conftest import serve
    from gradio_client import Client

    demo, url = serve(tiny, monkeypatch)   # as app.py launches it
    try:
        client = Client(url, verbose=False)
        path = client.predict("wgan-gp", 3, api_name="/objective_samples")
        with Image.open(path) as served:
            assert served.tobytes() == inference.objective_samples("wgan-gp", 3).convert(served.mode).tobytes()
        with pytest.raises(Exception, match="choices|objective"):
            client.predict("nope", 3, api_name="/objective_samples")
    finally:
        demo.close()


def test_comparison_evaluation_writes_every_generators_figures(tiny, tiny_data, tmp_path, monkeypatch):
    import shutil

    from ganapp.families.objectives.evaluate import (
        below_target,
        evaluate_objectives,
        quality_line,
    )

    folder = tmp_path / "checkpoints"
    shutil.copytree(tiny, folder)
    monkeypatch.setenv("GANAPP_CHECKPOINTS", str(folder))
    m = evaluate_objectives(tiny_data, n=40, runs_root=str(tmp_path / "no-runs"))
    assert set(m["objectives"]) == set(SHIPPED_OBJECTIVES)
    for o, f in m["objectives"].items():
        assert f["frechet"] >= 0 and 0 <= f["rarest_share"] <= 0.1 and f["kl_from_uniform"] >= 0
        assert (folder / checkpoint_name(o) / "samples.png").is_file()
    assert quality_line(m).render("en") and below_target(m)  # random weights miss the bars


def test_vae_bounds_order_iwae_below_elbo_above_the_pixel_floor(tiny, tiny_data):
    from ganapp import load
    from ganapp.families.vae.measures import (
        pixel_entropy,
        test_iwae_bound,
        test_negative_elbo,
    )
    from ganapp.training.data import MNISTSampler

    test = MNISTSampler("test", tiny_data)
    vae = load("vae")
    elbo, iwae = test_negative_elbo(vae, test), test_iwae_bound(vae, test, k=50)
    assert pixel_entropy(test) < iwae < elbo


def test_pixel_entropy_by_hand():
    from ganapp.families.vae.measures import pixel_entropy

    class Half:
        images = torch.full((3, 1, 28, 28), 0.5)
    class Binary:
        images = (torch.rand(3, 1, 28, 28) > 0.5).float()
    assert pixel_entropy(Half) == pytest.approx(784 * math.log(2))
    assert pixel_entropy(Binary) == pytest.approx(0, abs=1e-6)


def test_hold_out_splits_the_training_digits(tiny_data):
    from ganapp.training.data import MNISTSampler

    data = MNISTSampler("train", tiny_data)
    held = data.hold_out(10)
    assert len(held) == 10 and len(data) == 54
    assert torch.equal(held.images, MNISTSampler("train", tiny_data).images[54:])


def test_the_registry_ships_one_generator_per_compared_objective():
    from ganapp.registry import family

    assert [m.name for m in family("objectives").models] == [checkpoint_name(o) for o in SHIPPED_OBJECTIVES]
    assert [m.tiny["objective"] for m in family("objectives").models] == list(SHIPPED_OBJECTIVES)


@pytest.mark.parametrize("objective", ["nonsaturating", "capsgan", "ebgan"])
def test_spectral_norm_bounds_every_weight_layer_of_the_discriminator(objective):
    """`spectral_norm=true` (a trial option, the shipped generators trained without it): every convolution and
    linear layer of D parametrised, CapsGAN's vote matrices left as they are, and the largest singular value of each
    layer's weight about 1 after a few power iterations."""
    from torch import nn

    from ganapp.small_gans import GANConfig, build, spectrally_normalise

    d = spectrally_normalise(build(GANConfig.for_objective("dcgan", objective, width=8))[1])
    layers = [m for m in d.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear))]
    assert layers and all(nn.utils.parametrize.is_parametrized(m, "weight") for m in layers)
    for _ in range(20):   # the power iteration runs in training mode, one step per forward
        d(torch.randn(4, 1, 28, 28))
    for m in layers:   # (a transposed convolution's output channels are its weight's second dimension)
        w = m.weight.detach().transpose(0, 1) if isinstance(m, nn.ConvTranspose2d) else m.weight.detach()
        assert abs(torch.linalg.matrix_norm(w.flatten(1), ord=2).item() - 1) < 0.1
    if objective == "capsgan":
        assert not nn.utils.parametrize.is_parametrized(d, "votes")
