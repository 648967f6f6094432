"""The functions the app calls: shapes, determinism, validation, and user-image hygiene."""
from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from PIL import Image

from ganapp.checks import InvalidInput
from ganapp.families.cgan.inference import cgan_all_digits, cgan_generate
from ganapp.families.cyclegan.inference import cyclegan_translate
from ganapp.families.infogan.inference import (
    digit_mapping,
    infogan_generate,
    infogan_traversal,
)
from ganapp.families.vae.inference import (
    example_digit,
    example_digits,
    vae_frames,
    vae_interpolate,
)
from ganapp.families.vae.model import negative_elbo
from ganapp.images import DIGIT_SCALE, BadImage, open_user_image, to_mnist


def png_bytes(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def test_cgan_grid_sizes_and_determinism(tiny):
    one = cgan_generate(3, 1, 0)
    assert one.size == (28 * DIGIT_SCALE,) * 2
    many = cgan_generate(3, 10, 7)
    assert many.size[0] == 4 * 28 * DIGIT_SCALE + 5 * 2 * DIGIT_SCALE  # 4 per row, padded
    assert png_bytes(many) == png_bytes(cgan_generate(3, 10, 7))
    assert png_bytes(many) != png_bytes(cgan_generate(3, 10, 8))


def test_cgan_all_digits_shares_noise_down_columns(tiny):
    img = cgan_all_digits(5, columns=3)
    assert img.size[1] > img.size[0]  # 10 rows x 3 columns
    # Each column is one noise vector: the tile of digit d in column j is the generator's image for
    # (noise j, label d), which is what the grid shows (tiles of 112 px, 8-px gaps at scale 4).
    import ganapp
    from ganapp.families.cgan.inference import noise_scale
    from ganapp.images import to_pil
    from ganapp.sampling import seeded_noise

    g = ganapp.load("cgan")
    z = seeded_noise(5, 3, g.config.z_dim) * noise_scale()
    with torch.inference_mode():
        expected = to_pil(g(z[2:3], torch.tensor([7]))[0], (-1, 1), scale=4)
    step, pad = 112 + 8, 8
    tile = img.crop((pad + 2 * step, pad + 7 * step, pad + 2 * step + 112, pad + 7 * step + 112))
    assert tile.tobytes() == expected.tobytes()


@pytest.mark.parametrize("args", [(10, 1, 0), (-1, 1, 0), (3, 0, 0), (3, 65, 0), (3, 1, -1), (3, 1, 2**40),
                                   (None, 1, 0), ("x", 1, 0), (3.5, 1, 0), (True, 1, 0)])
def test_cgan_rejects_bad_inputs(tiny, args):
    with pytest.raises(InvalidInput):
        cgan_generate(*args)


def test_infogan_uses_the_stored_mapping(tiny):
    assert digit_mapping()[2] == 4  # the tiny config maps category 2 -> digit 4
    a = infogan_generate(7, 0.5, -2, 3)
    assert a.size == (112, 112) and png_bytes(a) == png_bytes(infogan_generate(7, 0.5, -2, 3))
    with pytest.raises(InvalidInput):
        infogan_generate(7, 2.5, 0, 0)
    with pytest.raises(InvalidInput):
        infogan_generate(7, float("nan"), 0, 0)


def test_infogan_traversal_grid_and_frames(tiny):
    image, frames = infogan_traversal(1, 0, steps=5)
    assert len(frames) == 5 and frames[0].size == (10 * 112, 112)


def test_vae_strip_is_one_row_of_equal_square_tiles(tiny):
    strip = vae_interpolate(3, 8, 7, 0, "slerp")
    assert strip.size == (7 * 112, 112)
    assert png_bytes(strip) == png_bytes(vae_interpolate(3, 8, 7, 0, "slerp"))
    with pytest.raises(InvalidInput):
        vae_interpolate(3, 8, 1, 0, "lerp")
    with pytest.raises(InvalidInput):
        vae_interpolate(3, 8, 5, 0, "cubic")


def test_vae_interpolation_ends_are_the_endpoints(tiny):
    a, b = example_digit(2, 0), example_digit(6, 0)
    frames = vae_frames(a, b, torch.tensor([0.0, 1.0]), "slerp")
    direct = vae_frames(a, a, torch.tensor([0.0]), "lerp")
    assert torch.allclose(frames[0], direct[0], atol=1e-5)
    assert torch.allclose(frames[1], vae_frames(b, b, torch.tensor([0.0]), "lerp")[0], atol=1e-5)  # and the last


def test_shipped_example_digits_are_ten_per_class():
    assert example_digits().shape == (10, 10, 1, 28, 28)


def test_negative_elbo_on_a_known_case():
    # Logits 0 -> p = 0.5 per pixel: NLL = 784 ln 2 whatever the image; mu = 0, logvar = 0 -> KL = 0.
    x = torch.rand(2, 1, 28, 28)
    out = negative_elbo(torch.zeros(2, 1, 28, 28), x, torch.zeros(2, 4), torch.zeros(2, 4))
    assert torch.allclose(out, torch.full((2,), 784 * np.log(2)), atol=1e-3)
    # KL of N(1, e^0) against N(0, 1) is 1/2 per dimension.
    out = negative_elbo(torch.zeros(1, 1, 28, 28), x[:1], torch.ones(1, 4), torch.zeros(1, 4))
    assert torch.allclose(out, torch.tensor([784 * float(np.log(2)) + 2.0]), atol=1e-3)


def test_to_mnist_centres_and_inverts_a_drawing():
    canvas = Image.new("RGB", (280, 140), "white")
    canvas.paste(Image.new("RGB", (30, 100), "black"), (200, 20))  # a dark bar, far right, on white
    x = to_mnist(canvas)
    assert x.shape == (1, 28, 28) and 0 <= x.min() and x.max() <= 1
    ys, xs = torch.nonzero(x[0] > 0.5, as_tuple=True)
    assert abs(xs.float().mean() - 13.5) < 1.5 and abs(ys.float().mean() - 13.5) < 1.5
    assert (ys.max() - ys.min() + 1) <= 20  # fitted into the 20x20 box
    assert to_mnist(Image.new("L", (50, 50), 255)).sum() == 0  # blank in, blank out


# --- user images --------------------------------------------------------------------------------

def make(mode: str, size=(40, 30), **save) -> bytes:
    buf = io.BytesIO()
    if mode == "I;16":
        img = Image.fromarray((np.arange(size[0] * size[1]).reshape(size[1], size[0]) * 50).astype(np.uint16))
    elif mode == "P":
        img = Image.new("RGB", size, (200, 30, 30)).convert("P")
        save.setdefault("transparency", 0)
    else:
        img = Image.new(mode, size, {"CMYK": (0, 200, 200, 0), "RGBA": (10, 200, 10, 128)}.get(mode, 128))
    img.save(buf, format=save.pop("format", "PNG"), **save)
    return buf.getvalue()


@pytest.mark.parametrize("mode,fmt,colour", [
    ("L", "PNG", (128, 128, 128)), ("RGBA", "PNG", (132, 227, 132)),  # half-transparent green over white; P: the
    # web palette dithers (200, 30, 30) mostly to (204, 51, 51)
    ("P", "PNG", (204, 51, 51)), ("CMYK", "JPEG", (255, 55, 55)), ("RGB", "GIF", (128, 0, 0)),
    ("1", "BMP", (255, 255, 255)), ("I;16", "PNG", None)])
def test_every_image_mode_becomes_rgb_with_its_colours(mode, fmt, colour):
    img = open_user_image(make(mode, format=fmt))
    assert img.mode == "RGB" and img.size == (40, 30)
    pixels = np.asarray(img).reshape(-1, 3).astype(int)
    if colour is None:  # a 16-bit gradient: rescaled to the full 8-bit range, not clipped to white
        assert pixels.min() == 0 and pixels.max() == 255 and len(np.unique(pixels)) > 200
    else:
        assert np.abs(np.median(pixels, 0) - colour).max() <= 3, np.median(pixels, 0)


def test_exif_orientation_is_applied():
    img = Image.new("RGB", (60, 20), "red")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees to display
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    assert open_user_image(buf.getvalue()).size == (20, 60)


@pytest.mark.parametrize("data,message", [
    (b"", "Not a readable image"),
    (b"hello, I am a text file", "Not a readable image"),
    (make("RGB", format="JPEG")[:200], "Not a readable image"),
])
def test_unusable_files_are_refused_clearly(data, message):
    with pytest.raises(BadImage, match=message):
        open_user_image(data)


def test_decompression_bombs_are_refused_before_decoding():
    # A tiny PNG whose header claims 20000 x 20000 pixels.
    import struct
    import zlib

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b"")
    with pytest.raises(BadImage, match="too large"):
        open_user_image(png)


@pytest.mark.parametrize("size", [(1, 1), (5000, 100), (37, 53), (512, 512)])
def test_cyclegan_translates_any_size_back_to_its_bounded_size(tiny, size):
    img = Image.fromarray(np.random.default_rng(0).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))
    out = cyclegan_translate(png_bytes(img), "photo2monet", max_side=512)
    back = cyclegan_translate(out, "monet2photo", max_side=512)   # and back, as the tab draws the way back
    scale = min(1, 512 / max(size))
    expected = (max(1, round(size[0] * scale)), max(1, round(size[1] * scale)))
    assert out.size == expected and back.size == expected
    assert png_bytes(out) == png_bytes(cyclegan_translate(png_bytes(img), "photo2monet"))


def test_cyclegan_rejects_unknown_direction(tiny):
    with pytest.raises(InvalidInput, match="direction"):
        cyclegan_translate(make("RGB"), "monet2picasso")


def test_latent_decode_maps_u_v_onto_each_models_square(tiny):
    from ganapp.families.vae import map_square
    from ganapp.families.vae.inference import latent_decode, latent_map

    assert map_square("ae2d") == (-5.0, -4.0, 10.0)  # stored with the tiny model
    a = png_bytes(latent_decode("ae2d", 0.25, 0.75))
    assert a == png_bytes(latent_decode("ae2d", 0.25, 0.75)) and a != png_bytes(latent_decode("ae2d", 0.75, 0.25))
    assert latent_decode("vae2d", 0, 1).size == (112, 112)
    assert latent_map("vae2d", 4).size == (4 * 56, 4 * 56)
    for bad in [("vae", 0.5, 0.5), ("ae2d", 1.5, 0.5), ("ae2d", 0.5, None)]:
        with pytest.raises(InvalidInput):
            latent_decode(*bad)


def test_even_positions_step_where_the_picture_changes():
    from ganapp.families.vae.inference import even_positions, evenness

    t = torch.linspace(0, 1, 201)
    frames = (t**4).view(-1, 1) * torch.ones(1, 4)           # a path whose picture changes late: f(t) = t^4
    positions = even_positions(frames, torch.tensor([0.0, 0.5, 1.0]))
    assert positions.tolist() == pytest.approx([0.0, 0.5**0.25, 1.0], abs=2e-3)
    uneven = frames[torch.linspace(0, 200, 10).round().long()]
    even = (even_positions(frames, torch.linspace(0, 1, 10))**4).view(-1, 1) * torch.ones(1, 4)
    assert evenness(uneven) > 2 and evenness(even) == pytest.approx(1.0, abs=0.01)
    assert torch.equal(even_positions(torch.zeros(5, 3), torch.tensor([0.3])), torch.tensor([0.3]))  # no change at all


@pytest.mark.parametrize("sigma", [0.3, 0.8, 1.0, 1.7])
def test_the_denoisers_gaussian_blur_is_torchvisions_without_importing_it(sigma):
    """The denoising comparison's blur gives torchvision's numbers (its measured PSNRs stay true), written out so that
    serving does not import torchvision's transforms (165 MB of the server's memory, and torch's compiler stack)."""
    from torchvision.transforms.v2.functional import gaussian_blur as torchvision_blur

    from ganapp.families.autoencoders.model import gaussian_blur

    x = torch.rand(4, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    size = 2 * max(1, round(3 * sigma)) + 1
    assert torch.equal(gaussian_blur(x, sigma), torchvision_blur(x, [size, size], [sigma, sigma]))


def test_denoising_imports_neither_torchvision_nor_torchs_compiler():
    import subprocess
    import sys

    code = ("import sys, torch; from ganapp.families.autoencoders import inference; inference.denoise(0.5, 1); "
            "print('torchvision.transforms' in sys.modules, 'torch._dynamo' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split() \
        == ["False", "False"]
