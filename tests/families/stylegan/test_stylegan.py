"""StyleGAN: the modulated convolution against its textbook form, the mixing contract of
/stylegan_mix, truncation and noise, and bad inputs — on tiny random weights."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from ganapp.checks import InvalidInput
from ganapp.families.stylegan import inference
from ganapp.families.stylegan.model import ModulatedConv, StyleGANDiscriminator


@pytest.mark.parametrize("demodulate", [True, False])
def test_modulated_conv_equals_per_sample_modulated_weights(demodulate):
    torch.manual_seed(0)
    conv = ModulatedConv(5, 3, 3, w_dim=4, demodulate=demodulate)
    x, w = torch.randn(2, 5, 6, 6), torch.randn(2, 4)
    out = conv(x, w)
    for i in range(2):  # StyleGAN2 eq. 1-3, one sample at a time
        weight = conv.weight * conv.scale * conv.affine(w[i:i + 1])[0][None, :, None, None]
        if demodulate:
            weight = weight / weight.pow(2).sum((1, 2, 3), keepdim=True).add(1e-8).sqrt()
        assert torch.allclose(out[i:i + 1], F.conv2d(x[i:i + 1], weight, padding=1), atol=1e-5)


def test_a_packing_discriminator_judges_each_pack_of_images_as_one():
    """PacGAN: (B, 1, 32, 32) -> B / pack logits; an image changes its own pack's logit and no other pack's
    (the minibatch-deviation channel, which mixes packs, is off for a batch its groups do not divide)."""
    torch.manual_seed(0)
    d = StyleGANDiscriminator((4, 4, 4, 4), pack=2)
    x = torch.randn(10, 1, 32, 32)                    # 5 packs: groups of 4 do not divide them
    y = x.clone()
    y[3] = torch.randn(1, 32, 32)                     # the second image of the second pack
    before, after = d(x), d(y)
    assert before.shape == (5,)
    assert before[1] != after[1] and torch.equal(before[[0, 2, 3, 4]], after[[0, 2, 3, 4]])


def test_mix_with_itself_is_the_own_sample_and_repeats(tiny):
    own = inference.stylegan_mix(4, 4, "fine", 0.8)
    assert own.size == (128, 128)
    assert inference.stylegan_mix(4, 4, "coarse", 0.8).tobytes() == own.tobytes()
    assert inference.stylegan_mix(4, 9, "coarse", 0.8).tobytes() == inference.stylegan_mix(4, 9, "coarse", 0.8).tobytes()


def test_each_level_takes_b_only_where_it_says(tiny):
    from ganapp import load

    g = load("stylegan")
    w_a, w_b = inference.styles(g, [1], 1.0), inference.styles(g, [2], 1.0)
    for level, blocks in (("coarse", {0, 1}), ("middle", {2}), ("fine", {3})):
        ws = inference.mix_ws(w_a, w_b, level, len(g.blocks))
        for block in range(len(g.blocks)):
            assert torch.equal(ws[0, block], (w_b if block in blocks else w_a)[0])


def test_psi_zero_gives_every_seed_the_average_w(tiny):
    from ganapp import load

    g = load("stylegan")
    g.w_avg.normal_()  # a tracked average, as after training
    w = inference.styles(g, [1, 2, 3], 0.0)
    assert torch.allclose(w, g.w_avg.expand_as(w))
    g.w_avg.zero_()


def test_noise_off_everywhere_makes_draws_identical(tiny):
    from ganapp import load

    strengths = [p for n, p in load("stylegan").named_parameters() if n.endswith("noise_strength")]
    with torch.no_grad():
        for p in strengths:  # as after training (they start at 0)
            p.fill_(0.5)
    try:
        draws, std = inference.stochastic_variation(3, 1.0, [])
        assert max(std.convert("L").getdata()) == 0  # no noise: nothing varies (the map is blank)
        draws_on, std_on = inference.stochastic_variation(3, 1.0, ["fine"])
        assert draws_on.tobytes() != draws.tobytes() and max(std_on.convert("L").getdata()) > 0
    finally:
        with torch.no_grad():
            for p in strengths:
                p.zero_()


@pytest.mark.parametrize("args", [(-1, 0, "fine", 0.5), (0, 2**40, "fine", 0.5), (0, 0, "all", 0.5),
                                  (0, 0, "fine", -0.1), (0, 0, "fine", 1.5), (0, 0, "fine", "x"), (0.5, 0, "fine", 1)])
def test_stylegan_mix_refuses_bad_inputs(tiny, args):
    with pytest.raises(InvalidInput):
        inference.stylegan_mix(*args)


def test_stylegan_mix_endpoint_through_the_client(tiny, monkeypatch):
    from conftest import serve
    from gradio_client import Client

    demo, url = serve(tiny, monkeypatch)   # as app.py launches it
    try:
        client = Client(url, verbose=False)
        path = client.predict(7, 11, "middle", 0.7, api_name="/stylegan_mix")
        with Image.open(path) as served:
            assert served.tobytes() == inference.stylegan_mix(7, 11, "middle", 0.7).convert(served.mode).tobytes()
    finally:
        demo.close()
