"""Tabs that draw in the visitor's browser (ui/inpage.py, ui/static/inpage.js), in headless Chromium: a dragged
slider redraws with no request to the server, the canvas shows exactly the API's picture, the server draws when the
browser cannot, and Gradio serves no file beyond the page's own and the exported models."""
from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from conftest import CHROMIUM, FLAGS, SHOTS, serve

from ganapp.registry import MODELS

pytest.importorskip("onnxscript", reason="exporting needs the development dependencies (requirements-dev.txt)")
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def served(tiny_checkpoints, tmp_path_factory):
    """The app over tiny checkpoints whose in-page models are exported, as `python -m ganapp.export onnx` does."""
    from ganapp.export import export_onnx, in_page_models

    folder = tmp_path_factory.mktemp("inpage") / "checkpoints"
    shutil.copytree(tiny_checkpoints, folder)
    for name in in_page_models():
        export_onnx(name, folder / name)
    mp = pytest.MonkeyPatch()
    demo, url = serve(folder, mp)
    yield url, folder
    demo.close()
    mp.undo()


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_only_the_page_files_and_the_exported_models_are_served(served):
    url, folder = served
    base = url.rstrip("/") + "/gradio_api/file="
    assert status_of(base + str(ROOT / "ganapp/ui/static/inpage.js")) == 200
    assert status_of(base + str(folder / "infogan/model.onnx.gz")) == 200   # what the page fetches
    for refused in (ROOT / "app.py", folder / "infogan/config.json", folder / "infogan/model.safetensors",
                    ROOT.parent / "shared/data/README.md", ROOT / "ganapp/ui/static/../common.py"):
        assert status_of(base + str(refused)) in (403, 404), refused


def test_the_vendored_runtime_is_the_one_its_note_names():
    """VENDOR.md's table: the loader's SHA-256, the binary's (unzipped) and the committed .gz's."""
    import gzip
    import hashlib
    import re

    vendor = ROOT / "ganapp/ui/static/vendor/onnxruntime-web"
    stated = re.findall(r"^\| (\S+) \| ([^|]+) \| `([0-9a-f]{64})` \|$", (vendor / "VENDOR.md").read_text(), re.M)
    assert len(stated) == 3, stated
    for name, how, digest in stated:
        data = (vendor / name).read_bytes()
        if "unzipped" in how:
            data = gzip.decompress(data)
        assert hashlib.sha256(data).hexdigest() == digest, (name, how)


def server_png(url: str, api_name: str, *args) -> np.ndarray:
    from gradio_client import Client
    from PIL import Image

    return np.array(Image.open(Client(url, verbose=False).predict(*args, api_name=api_name)).convert("L"))


def canvas_grey(page, elem_id: str) -> np.ndarray:
    width, data = page.evaluate(f"""() => {{ const c = document.querySelector('#{elem_id} canvas');
        return [c.width, Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)]; }}""")
    return np.array(data, dtype=np.uint8).reshape(-1, width, 4)[..., 0]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def open_page(browser, url, width=1280, **context):
    page = browser.new_context(viewport={"width": width, "height": 1000}, **context).new_page()
    page.errors, page.requests = [], []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: page.requests.append(r.url))
    page.goto(url)
    page.wait_for_selector("button[role=tab]")
    return page


# what draws in the page, its tab (?tab=), the public endpoint, the server's picture, the dragged slider (nth range input in the tab),
# and inputs whose in-page drawing must equal the endpoint's PNG.
TABS = [
    ("infogan", "infogan", "/infogan_generate", "infogan-sample", 0,
     [(3, 0.5, -1.25, 7), (7, -2.0, 2.0, 0), (0, 1.95, 0.05, 123456)]),
    # (3, 16, 42) after (3, 4, 42): the page computes only the 12 samples it adds to the 4 it kept
    ("cgan", "cgan", "/cgan_generate", "cgan-samples", 0, [(3, 4, 42), (3, 16, 42), (9, 1, 0), (0, 10, 77)]),
    ("vae2d", "vae", "/latent_decode", "vae2d-map", None, [(0.5, 0.5), (0.1, 0.9), (0.731, 0.0625)]),
    ("ae2d", "vae", "/latent_decode", "ae2d-map", None, [(0.25, 0.75), (1.0, 0.0)]),
    ("stylegan", "stylegan", "/stylegan_mix", "stylegan-cell", 0,   # ψ
     [(3, 100, "coarse", 0.7), (5, 5, "fine", 1.2), (0, 12345, "middle", 0.0)]),
]
MAPS = {"vae2d", "ae2d"}   # no slider: the pointer moves over the map, and /latent_decode takes the model first


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 400])
@pytest.mark.parametrize("tab,family,api,server_image,slider_index,draws", TABS, ids=[t[0] for t in TABS])
def test_sliders_redraw_in_the_page_with_no_request_and_match_the_api(served, browser, width, tab, family, api,
                                                                        server_image, slider_index, draws):
    url, _ = served
    page = open_page(browser, f"{url}?tab={family}", width)  # a link opens the tab (on a phone its button is in a menu)
    page.locator(f"#{tab}-page").scroll_into_view_if_needed()   # each part loads its model when it comes into view
    page.wait_for_selector(f"#{tab}-page .inpage-ready canvas", timeout=30000)
    canvas = page.locator(f"#{tab}-page canvas").first   # the picture the endpoint draws
    page.wait_for_function(f"() => document.querySelector('#{tab}-page canvas').dataset.drawn")
    assert not page.locator(f"#{server_image}").is_visible()  # the server's picture stepped aside
    if tab in MAPS:  # the map itself is drawn in the page too, as the server draws it
        scale = 2    # ganapp.families.vae.MAP_SCALE
        shown = page.evaluate(f"""() => {{ const c = document.querySelector('#{tab}-page canvas.inpage-map');
            return [c.width, Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)]; }}""")
        grey = np.array(shown[1], dtype=np.uint8).reshape(-1, shown[0], 4)[..., 0]
        from ganapp.families.vae.inference import latent_map

        expected = np.array(latent_map(tab).convert("L"))[::scale, ::scale]
        off = np.abs(grey.astype(int) - expected)
        # 256 points in one batch: the runtime's kernels may round a last bit differently from torch's
        assert off.max() <= 1 and (off > 0).mean() <= 0.02, f"{(off > 0).sum()} pixels off, at most {off.max()}"
    page.wait_for_timeout(500)
    before, drawn = len(page.requests), set()
    if tab in MAPS:  # the pointer sweeps across the map
        page.locator(f"#{tab}-page canvas.inpage-map").scroll_into_view_if_needed()
        box = page.locator(f"#{tab}-page canvas.inpage-map").bounding_box()
        for f in np.linspace(0.05, 0.95, 17):
            page.mouse.move(box["x"] + f * box["width"], box["y"] + (1 - f) * box["height"])
            page.wait_for_timeout(20)
            drawn.add(canvas.get_attribute("data-drawn"))
    else:
        slider = page.locator(".tabitem:visible input[type=range]").nth(slider_index)
        lo, hi = float(slider.get_attribute("min")), float(slider.get_attribute("max"))
        for value in np.linspace(lo, hi, 17):
            slider.fill(f"{value:.2f}")
            page.wait_for_timeout(20)
            drawn.add(canvas.get_attribute("data-drawn"))
    page.wait_for_timeout(300)
    asked = [r for r in page.requests[before:] if "/gradio_api/" in r and "file=" not in r]
    assert asked == [], f"requests to the server while the slider moved: {asked}"
    assert len(drawn) > 5, "the canvas did not follow the slider"
    for values in draws:
        shown = json.dumps(list(values))
        page.evaluate(f"() => window.ganappInPage.request({json.dumps(tab)}, {shown})")
        page.wait_for_function(f"() => document.querySelector('#{tab}-page canvas').dataset.drawn === "
                               f"JSON.stringify({shown})")
        expected = server_png(url, api, *((tab,) if tab in MAPS else ()), *values)
        scale = 4   # images.DIGIT_SCALE: the server's PNGs are its digits upscaled, nearest
        off = np.abs(canvas_grey(page, f"{tab}-page").astype(int) - expected[::scale, ::scale])
        if MODELS[tab if tab in MODELS else family].page_weights == "fp32":
            assert not off.any(), f"{values}: {(off > 0).sum()} pixels off, at most {off.max()}"
        else:  # weights stored as fp16 in the page: at most one grey level off, on at most 2% of the pixels
            assert off.max() <= 1 and (off > 0).mean() <= 0.02, f"{values}: {(off > 0).sum()} off, at most {off.max()}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"inpage-{tab}-{width}.png"))
    assert not page.errors, page.errors
    page.context.close()


@pytest.mark.browser
def test_a_part_below_the_fold_loads_its_model_only_when_scrolled_to(served, browser):
    url, _ = served
    page = open_page(browser, f"{url}?tab=vae", 1280)
    page.set_viewport_size({"width": 1280, "height": 500})   # the maps sit well below the fold
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(3000)
    onnx = lambda: [r for r in page.requests if r.endswith("model.onnx.gz")]  # noqa: E731
    assert not any("/vae2d/" in r or "/ae2d/" in r for r in onnx()), onnx()
    page.locator("#vae2d-page").scroll_into_view_if_needed()
    page.wait_for_selector("#vae2d-page .inpage-ready canvas", timeout=30000)
    assert any("/vae2d/" in r for r in onnx())
    page.context.close()


@pytest.mark.browser
def test_without_webassembly_the_server_draws_and_says_so(served, browser, tmp_path):
    url, _ = served
    page = open_page(browser, url)
    page.context.add_init_script("delete window.WebAssembly")  # for the reload below: a browser without it
    page.reload()
    page.wait_for_selector("button[role=tab]")
    page.wait_for_selector("#infogan-page .inpage-server", timeout=30000)
    page.locator("#infogan-sample img").first.wait_for(timeout=20000)   # drawn by the server
    assert "server" in page.locator("#infogan-page .inpage-note").inner_text()
    first = page.locator("#infogan-sample img").first.get_attribute("src")
    page.locator("input[type=range]").first.fill("1.5")
    for _ in range(100):
        if page.locator("#infogan-sample img").first.get_attribute("src") != first:
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("the server's picture did not follow the slider")
    page.context.close()


# every part that draws in the page, its tab and the server's picture it stands in for
PARTS = [("infogan", "infogan", "infogan-sample"), ("cgan", "cgan", "cgan-samples"), ("vae-morph", "vae", "vae-at-t"),
         ("text2digit-strip", "text2digit", "text2digit-strip"), ("text2digit-morph", "text2digit", "text2digit-at-t"),
         ("stylegan", "stylegan", "stylegan-cell"), ("stylegan-mixing", "stylegan", "stylegan-grid")]


@pytest.mark.browser
@pytest.mark.parametrize("part,tab,server_image", PARTS, ids=[p[0] for p in PARTS])
def test_without_webassembly_every_part_is_drawn_by_the_server_and_says_so(served, browser, part, tab, server_image):
    url, _ = served
    page = open_page(browser, f"{url}?tab={tab}")
    page.context.add_init_script("delete window.WebAssembly")
    page.reload()
    page.locator(f"#{part}-page").scroll_into_view_if_needed()
    page.wait_for_selector(f"#{part}-page .inpage-server", timeout=30000)
    assert "server" in page.locator(f"#{part}-page .inpage-note").inner_text()
    page.locator(f"#{server_image} img").first.wait_for(timeout=20000)   # the server's picture, shown
    page.context.close()


@pytest.mark.browser
def test_without_webassembly_text_to_digits_strip_and_frame_are_drawn_by_the_server(served, browser):
    url, _ = served
    page = open_page(browser, f"{url}?tab=text2digit")
    page.context.add_init_script("delete window.WebAssembly")
    page.reload()
    page.locator("#text2digit-morph-page").scroll_into_view_if_needed()
    page.wait_for_selector("#text2digit-morph-page .inpage-server", timeout=30000)
    page.locator("#text2digit-strip img").first.wait_for(timeout=20000)   # both drawn by the server
    picture = page.locator("#text2digit-at-t img").first
    picture.wait_for(timeout=20000)
    first = picture.get_attribute("src")
    page.locator(".tabitem:visible input[type=range]").nth(1).fill("0.9")   # the count, then t
    for _ in range(100):
        if picture.get_attribute("src") != first:
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("the server's picture did not follow the slider")
    page.context.close()


def drag_t_with_no_request(page, part: str, server_image: str, slider_index: int) -> None:
    """Once `part` draws in the page (its server picture stepped aside), drag the tab's slider number
    `slider_index` across 0-1: the canvas follows and no request reaches the server."""
    page.locator(f"#{part}-page").scroll_into_view_if_needed()
    page.wait_for_selector(f"#{part}-page .inpage-ready canvas", timeout=30000)
    page.wait_for_function(f"() => document.querySelector('#{part}-page canvas').dataset.drawn")
    assert not page.locator(f"#{server_image}").is_visible()
    page.wait_for_timeout(500)
    before, drawn = len(page.requests), set()
    slider = page.locator(".tabitem:visible input[type=range]").nth(slider_index)
    for value in np.linspace(0, 1, 17):
        slider.fill(f"{value:.2f}")
        page.wait_for_timeout(20)
        drawn.add(page.locator(f"#{part}-page canvas").get_attribute("data-drawn"))
    page.wait_for_timeout(300)
    asked = [r for r in page.requests[before:] if "/gradio_api/" in r and "file=" not in r]
    assert asked == [] and len(drawn) > 5, asked


def assert_drawn_like(page, part: str, values: list, expected: np.ndarray) -> None:
    """The page draws `values` on `part`'s canvas: fp16 weights, so at most one grey level off `expected` (the
    server's picture at one pixel per model pixel), on at most 2% of the pixels."""
    shown = json.dumps(values)
    page.evaluate(f"() => window.ganappInPage.request({json.dumps(part)}, {shown})")
    page.wait_for_function(f"() => document.querySelector('#{part}-page canvas').dataset.drawn === "
                           f"JSON.stringify({shown})")
    off = np.abs(canvas_grey(page, f"{part}-page").astype(int) - expected)
    assert off.max() <= 1 and (off > 0).mean() <= 0.02, f"{values[1:]}: {(off > 0).sum()} off, at most {off.max()}"


@pytest.mark.browser
def test_the_vae_morphs_frame_at_t_is_decoded_in_the_page_and_matches_the_server(served, browser):
    import torch

    from ganapp.families.vae import inference
    from ganapp.images import to_pil

    url, _ = served
    page = open_page(browser, f"{url}?tab=vae")
    drag_t_with_no_request(page, "vae-morph", "vae-at-t", slider_index=1)   # steps, then t
    ends = inference.latent_means(inference.example_digit(3, 0), inference.example_digit(8, 0))
    for method, t in (("lerp", 0.37), ("slerp", 0.8), ("even", 0.5), ("lerp", 1.0)):
        expected = np.array(to_pil(inference.frames_between(ends, torch.tensor([t]), method)[0]).convert("L"))
        assert_drawn_like(page, "vae-morph", [ends.tolist(), method, t], expected)
    assert not page.errors, page.errors
    page.context.close()


@pytest.mark.browser
def test_text_to_digits_strip_and_frame_at_t_are_drawn_in_the_page_and_match_the_server(served, browser):
    import torch

    from ganapp.families.text2digit import inference
    from ganapp.families.text2digit.tab import MORPH_EXAMPLES
    from ganapp.images import to_pil

    url, _ = served
    page = open_page(browser, f"{url}?tab=text2digit")
    drag_t_with_no_request(page, "text2digit-morph", "text2digit-at-t", slider_index=1)   # the count, then t
    z, ends = inference.morph_ends(*MORPH_EXAMPLES, 0)   # what the page was sent (seed 0)
    # the strip, drawn in the page from the same: the server's strip, one model pixel per pixel
    strip = np.array(inference.text_interpolate(*MORPH_EXAMPLES, 0).convert("L"))[::4, ::4].astype(int)
    page.wait_for_function("() => document.querySelector('#text2digit-strip-page canvas').dataset.drawn")
    assert not page.locator("#text2digit-strip").is_visible()
    off = np.abs(canvas_grey(page, "text2digit-strip-page").astype(int) - strip)
    assert off.max() <= 1 and (off > 0).mean() <= 0.02, f"strip: {(off > 0).sum()} off, at most {off.max()}"
    for t in (0.0, 0.37, 0.5, 1.0):
        expected = np.array(to_pil(inference.decode_between(z, ends, torch.tensor([t]))[0], (-1, 1)).convert("L"))
        assert_drawn_like(page, "text2digit-morph", [[z.tolist(), *ends.tolist()], t], expected)
    assert not page.errors, page.errors
    page.context.close()


@pytest.mark.browser
def test_the_stylegan_mixing_grid_is_drawn_in_the_page_and_matches_the_server(served, browser):
    from ganapp.families.stylegan import inference

    url, _ = served
    page = open_page(browser, f"{url}?tab=stylegan")
    page.wait_for_selector("#stylegan-mixing-page .inpage-ready canvas", timeout=30000)
    page.wait_for_function("() => document.querySelector('#stylegan-mixing-page canvas').dataset.drawn")
    assert not page.locator("#stylegan-grid").is_visible()   # the server's grid stepped aside
    page.wait_for_timeout(500)
    before = len(page.requests)
    page.locator(".tabitem:visible input[type=range]").first.fill("0.30")   # ψ: both pictures redraw here
    page.wait_for_function("() => JSON.parse(document.querySelector('#stylegan-mixing-page canvas').dataset.drawn)[3]"
                           " === 0.3")
    asked = [r for r in page.requests[before:] if "/gradio_api/" in r and "file=" not in r]
    assert asked == [], asked
    for values in ((3, 100, "coarse", 0.7), (11, 2, "fine", 1.0)):
        shown = json.dumps(list(values))
        page.evaluate(f"() => window.ganappInPage.request('stylegan-mixing', {shown})")
        page.wait_for_function("() => document.querySelector('#stylegan-mixing-page canvas').dataset.drawn === "
                               f"JSON.stringify({shown})")
        expected = np.array(inference.mixing_grid(*values).convert("L"))[::3, ::3]   # drawn at scale 3
        off = np.abs(canvas_grey(page, "stylegan-mixing-page").astype(int) - expected)
        assert off.max() <= 1 and (off > 0).mean() <= 0.01, f"{values}: {(off > 0).sum()} off, at most {off.max()}"
    assert not page.errors, page.errors
    page.context.close()
