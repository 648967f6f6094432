"""A real browser: headless Chromium (Debian's package) driven by Playwright. Each tab's main
action must draw a new image, with no console errors. Screenshots go to artifacts/screenshots/."""
from __future__ import annotations

import time

import pytest
from conftest import CHROMIUM, EXAMPLE_PHOTO, FLAGS, SHOTS, serve
from PIL import Image, ImageDraw

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")]


@pytest.fixture(scope="module")
def page(tiny_checkpoints):
    mp = pytest.MonkeyPatch()
    demo, url = serve(tiny_checkpoints, mp)
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        pg = browser.new_page(viewport={"width": 1280, "height": 1000})
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(url)
        pg.wait_for_selector("button[role=tab]")
        pg.errors, pg.demo = errors, demo
        yield pg
        browser.close()
    demo.close()
    mp.undo()


def open_tab(page, name: str):
    page.get_by_role("tab", name=name).click()
    return page.locator(".tabitem:visible").first


def image_sources(page, elem_id: str) -> list[str]:
    return page.locator(f"#{elem_id} img").evaluate_all("els => els.map(e => e.src)")


def wait_for_new_image(page, elem_id: str, before: list[str], timeout_s: float = 20) -> list[str]:
    """Wait until the output `elem_id` shows an image different from `before` (`timeout_s` at most)."""
    for _ in range(int(timeout_s * 10)):
        now = image_sources(page, elem_id)
        if now and now != before:
            return now
        page.wait_for_timeout(100)
    raise AssertionError(f"no new image in #{elem_id}")


def finish(page, name):
    """Save the tab's screenshot, then fail on any console error the page logged."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert not page.errors, page.errors


def test_conditional_gan_tab_generates(page):
    panel = open_tab(page, "Conditional GAN")
    before = wait_for_new_image(page, "cgan-samples", [])  # drawn on load
    panel.get_by_role("radio", name="5").check()
    wait_for_new_image(page, "cgan-samples", before)
    finish(page, "cgan")


def test_infogan_slider_redraws(page):
    panel = open_tab(page, "InfoGAN")
    before = wait_for_new_image(page, "infogan-sample", [])
    slider = panel.locator("input[type=range]").first
    slider.focus()
    slider.press("ArrowRight")
    slider.press("ArrowRight")
    wait_for_new_image(page, "infogan-sample", before)
    finish(page, "infogan")


def test_vae_tab_interpolates_live_and_plays_its_gif(page):
    panel = open_tab(page, "VAE")
    before = wait_for_new_image(page, "vae-strip", [])
    wait_for_new_image(page, "vae-gif", [])  # the morph plays on the page, not only as a download
    panel.get_by_role("radio", name="1", exact=True).first.check()  # the start digit: redraws at once
    wait_for_new_image(page, "vae-strip", before)
    finish(page, "vae")


def test_cyclegan_tab_translates_an_upload_at_once(page):
    panel = open_tab(page, "CycleGAN")
    panel.locator("input[type=file]").first.set_input_files(str(EXAMPLE_PHOTO))
    wait_for_new_image(page, "cyclegan-output", [])
    # Outputs are pictures, not drop zones: no upload input, no "Drop Image Here".
    assert page.locator("#cyclegan-output input[type=file]").count() == 0
    assert page.locator("#cyclegan-cycled input[type=file]").count() == 0
    finish(page, "cyclegan")


def test_a_count_typed_out_of_range_shows_the_count_used(page):
    """-3 typed in a slider's box and Enter: the slider goes to 1, and so does the box (#34 item 3)."""
    page.goto(page.url.split("?")[0])
    page.wait_for_selector("button[role=tab]")
    page.errors.clear()   # the last page's connections, cut by the reload
    panel = open_tab(page, "Conditional GAN")
    wait_for_new_image(page, "cgan-samples", [])
    box, slider = panel.locator("input[type=number]").first, panel.locator("input[type=range]").first
    for typed, used in (("-3", "1"), ("999", "64")):
        box.fill(typed)
        box.press("Enter")
        page.wait_for_function("([b, v]) => b.value === v", arg=[box.element_handle(), used], timeout=5000)
        assert slider.input_value() == used
    page.wait_for_timeout(2000)   # the redraws settle (the page draws them; the server's picture follows)
    finish(page, "cgan-count")
    page.goto(page.url.split("?")[0])   # the next test finds the tab as a visitor does
    page.wait_for_selector("button[role=tab]")
    page.errors.clear()


def test_editing_the_seed_raises_no_error_and_the_box_shows_the_seed_used(page):
    panel = open_tab(page, "Conditional GAN")
    before = wait_for_new_image(page, "cgan-samples", [])
    box = panel.locator(".seed-box input").first
    box.fill("")  # cleared while typing: nothing happens
    box.type("12")
    page.wait_for_timeout(500)
    assert image_sources(page, "cgan-samples") == before
    box.press("Enter")
    wait_for_new_image(page, "cgan-samples", before)
    box.fill("1.5")
    box.press("Enter")
    page.wait_for_timeout(800)
    assert box.input_value() == "2"  # rounded, and shown as used
    box.fill("-4")
    box.press("Enter")
    page.wait_for_timeout(800)
    assert box.input_value() == "2"  # out of range: the seed in use stays, and says so (a notice, not an error)
    page.get_by_text("-4 is not, so the pictures keep seed 2").first.wait_for(timeout=5000)
    assert page.locator(".toast-body.error, .toast-wrap .error").count() == 0
    finish(page, "cgan-seed")


def test_train_a_gan_tab_trains_live_then_pauses(page):
    panel = open_tab(page, "Train a GAN")
    panel.get_by_role("radio", name="Fully connected (2014)").check()
    panel.get_by_role("button", name="▶ Start").click()
    wait_for_new_image(page, "gantrain-samples", [])
    page.wait_for_function("() => /Step [1-9]/.test(document.querySelector('#gantrain-status').innerText)",
                           timeout=30000)   # its training process starts (seconds for the first one after launch)
    status = page.locator("#gantrain-status").inner_text()
    assert "look like real handwritten digits" in status and "Step 0 " not in status
    assert panel.get_by_role("button", name="● Training…").is_disabled()   # Start shows that the run trains
    lines = page.locator("#gantrain-losses svg .mark-line path")  # the loss curves are drawn, in colour
    page.wait_for_function("() => document.querySelectorAll('#gantrain-losses svg .mark-line path').length === 2",
                           timeout=20000)  # on a busy machine the plot comes a few ticks later
    assert lines.count() == 2 and all(p.evaluate("e => getComputedStyle(e).stroke") != "none" for p in lines.all())
    panel.get_by_role("button", name="‖ Pause").click()
    page.wait_for_timeout(1500)
    assert "paused" in page.locator("#gantrain-status").inner_text()
    assert panel.get_by_role("button", name="▶ Start").is_enabled()          # and again that it can start
    finish(page, "gantrain")


def test_a_closed_page_leaves_nothing_of_its_session_on_the_server(page):
    """Gradio would keep a closed page's session (a copy of every component's settings and values, ~3 MB after a live
    run) until 10,000 later sessions had come; the app drops it when the page goes (`app.forget`)."""
    sessions = page.demo.state_holder.session_data
    before = set(sessions)
    other = page.context.browser.new_page()
    other.goto(page.url)
    other.wait_for_selector("button[role=tab]")
    deadline = time.monotonic() + 20
    while not set(sessions) - before and time.monotonic() < deadline:   # its first event (the link) makes it
        time.sleep(0.2)
    assert set(sessions) - before, "the page's session never appeared"
    other.close()
    while set(sessions) - before and time.monotonic() < deadline + 20:
        time.sleep(0.2)
    assert not set(sessions) - before, "the closed page's session is still held"


def steady(page, expression: str, every_ms: int = 700, timeout_s: float = 20.0):
    """The value of `expression` in the page once two reads `every_ms` apart agree (a loaded machine lags)."""
    deadline, value = time.monotonic() + timeout_s, page.evaluate(expression)
    while time.monotonic() < deadline:
        page.wait_for_timeout(every_ms)
        value, before = page.evaluate(expression), value
        if value == before:
            return value
    raise AssertionError(f"{expression} still changing after {timeout_s:g} s")


def test_the_2d_gan_trains_live_draws_frames_and_trains_d_alone(page):
    panel = open_tab(page, "GAN in 2-D")
    page.wait_for_function("() => window.ganappGan2d !== undefined", timeout=30000)
    panel.get_by_role("button", name="Start").click()
    page.wait_for_function("() => window.ganappGan2d.frames() > 3 && window.ganappGan2d.last().step > 0", timeout=30000)
    assert "G steps" in page.locator(".gan2d-status").inner_text()
    panel.get_by_role("button", name="Pause").click()
    steps = steady(page, "() => window.ganappGan2d.last().step")   # frames already on their way still arrive
    panel.get_by_role("button", name="Train D only").click()
    page.wait_for_function("() => window.ganappGan2d.last().d_only_steps > 5", timeout=30000)
    assert page.evaluate("() => window.ganappGan2d.last().step") == steps   # G frozen
    assert page.evaluate("() => window.ganappGan2d.last().gap") is not None  # D is compared with D*
    panel.get_by_role("button", name="Pause").click()
    finish(page, "gan2d")


def test_the_2d_gan_trains_on_points_the_visitor_draws(page):
    panel = open_tab(page, "GAN in 2-D")
    page.wait_for_function("() => window.ganappGan2d !== undefined", timeout=30000)
    panel.get_by_role("radio", name="drawn").check()
    plane = page.locator("canvas.gan2d-plane")
    for x, y in ((100, 100), (300, 100), (200, 300), (120, 250), (280, 260)):
        plane.click(position={"x": x, "y": y})
    assert "5 so far" in page.locator(".gan2d-draw").inner_text()
    panel.get_by_role("button", name="Reset").click()
    panel.get_by_role("button", name="Start").click()
    page.wait_for_function("() => window.ganappGan2d.last() && window.ganappGan2d.last().distribution === 'drawn'"
                           " && window.ganappGan2d.last().step > 0", timeout=30000)
    assert page.evaluate("() => window.ganappGan2d.last().modes_total") == 5
    panel.get_by_role("button", name="Pause").click()
    panel.get_by_role("radio", name="ring8").check()
    finish(page, "gan2d-drawn")


def test_the_autoencoders_tab_denoises_and_compresses(page):
    panel = open_tab(page, "Autoencoders")
    before = wait_for_new_image(page, "dae-row", [])
    page.locator("#dae-scores").get_by_text("dB").first.wait_for(timeout=20000)
    wait_for_new_image(page, "ae-reconstructions", [])
    panel.get_by_role("radio", name="4", exact=True).check()
    box = page.locator(".seed-box input").locator("visible=true").first
    box.fill("12")
    box.press("Enter")
    wait_for_new_image(page, "dae-row", before)
    finish(page, "autoencoders")


def test_the_claims_tab_trains_one_cell_and_reports_its_accuracy(page, monkeypatch):
    from functools import partial

    from ganapp.families.claims import inference
    from ganapp.families.claims.augment import CellSettings, run_cell

    # The tab's wiring is under test here, not the cell's figure: 60 of its 600 steps (35-70 s -> seconds).
    monkeypatch.setattr(inference, "run_cell", partial(run_cell, settings=CellSettings(steps=60)))
    panel = open_tab(page, "Claims tested")
    panel.get_by_role("radio", name="500", exact=True).check()   # its tiny GANs are as good as any here
    panel.get_by_role("button", name="Train and measure").click()
    page.locator("#claims-summary").get_by_text("Test accuracy").wait_for(timeout=90000)
    assert "test_accuracy" in page.locator("#claims-result").inner_text()
    finish(page, "claims")


# each tab's main pictures (elem_ids): on a phone each must get at least 300 px of width
KEY_PICTURES = {"InfoGAN": ["infogan-sample"], "Conditional GAN": ["cgan-samples"],
                "CycleGAN": ["cyclegan-output", "cyclegan-cycled"], "VAE": ["vae-strip"],
                "Text to digit": ["text2digit-samples", "text2digit-strip"], "StyleGAN": ["stylegan-grid"]}
# visible text cut short: an element narrower than its text that hides the rest
TRUNCATED = """panel => Array.from(panel.querySelectorAll('label, span, button, th, td, p')).filter(el => {
    if (!el.offsetParent || !el.textContent.trim()) return false;
    const s = getComputedStyle(el);
    const hides = s.textOverflow === 'ellipsis' || ['hidden', 'clip'].includes(s.overflowX);
    return hides && el.scrollWidth > el.clientWidth + 1;
}).map(el => el.textContent.trim().slice(0, 40))"""


@pytest.mark.parametrize("tab", ["InfoGAN", "Conditional GAN", "CycleGAN", "VAE", "Autoencoders", "Text to digit",
                                 "StyleGAN", "GAN in 2-D", "Train a GAN", "Claims tested"])
def test_every_tab_fits_a_phone(page, tab):
    """At 400 px: nothing wider than the screen, no label cut short, the main pictures at least 300 px wide."""
    panel = open_tab(page, tab)  # at desktop width, where every tab's button shows; then a phone's width
    assert "translation_metadata" not in panel.inner_text(), f"{tab}: a key shown untranslated"
    page.set_viewport_size({"width": 400, "height": 860})
    try:
        page.wait_for_timeout(700)
        overflow = page.evaluate("document.documentElement.scrollWidth")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"phone-{tab.lower().replace(' ', '-')}.png"), full_page=True)
        assert overflow <= 400, f"{tab}: the page is {overflow} px wide on a 400 px screen"
        assert panel.evaluate(TRUNCATED) == [], f"{tab}: labels cut short on a phone"
        for elem_id in KEY_PICTURES.get(tab, []):
            width = page.locator(f"#{elem_id}").bounding_box()["width"]
            assert width >= 300, f"{tab}: #{elem_id} is {width:.0f} px wide on a phone"
    finally:
        page.set_viewport_size({"width": 1280, "height": 1000})


@pytest.fixture(scope="module")
def served_url(page):
    return page.url.split("?")[0]


def shows_the_api_picture(page, elem_id: str, expected: bytes, timeout_s: float = 30) -> bool:
    for _ in range(int(timeout_s * 10)):
        for src in image_sources(page, elem_id):
            if src.startswith("http") and page.request.get(src).body() == expected:
                return True
        page.wait_for_timeout(100)
    return False


@pytest.mark.parametrize("query,elem_id,api,args", [
    ("tab=cgan&digit=7&count=16&seed=42", "cgan-samples", "/cgan_generate", (7, 16, 42)),
    ("tab=infogan&digit=3&c1=0.5&c2=-1&seed=7", "infogan-sample", "/infogan_generate", (3, 0.5, -1, 7)),
    ("tab=vae&start=3&end=8&steps=8&method=slerp&seed=5", "vae-strip", "/vae_interpolate", (3, 8, 8, 5, "slerp")),  # one row: up to 8 steps
    ("tab=stylegan&seed_a=4&seed_b=9&level=middle&psi=0.6", "stylegan-cell", "/stylegan_mix", (4, 9, "middle", 0.6)),
    ("tab=text2digit&text=%E4%B8%80%E4%B8%AA%E7%B2%97%E4%BD%93%E7%9A%847&count=9&seed=4", "text2digit-samples",
     "/text_to_digit", ("一个粗体的7", 9, 4)),
    ("tab=cyclegan&example=photo_coffee&direction=photo2monet", "cyclegan-output", "/cyclegan_translate",
     ("EXAMPLE_PHOTO", "photo2monet")),
])
def test_a_shared_link_reopens_the_same_picture_as_the_api(page, served_url, query, elem_id, api, args):
    from gradio_client import Client, handle_file

    args = [handle_file(str(EXAMPLE_PHOTO)) if a == "EXAMPLE_PHOTO" else a for a in args]
    expected = open(Client(served_url, verbose=False).predict(*args, api_name=api), "rb").read()
    page.goto(f"{served_url}?{query}")
    page.wait_for_selector("button[role=tab]")
    # (60 s: under a full suite on a loaded 2-core machine the text-to-digit link took over 30 s; alone, 2-5 s)
    assert shows_the_api_picture(page, elem_id, expected, timeout_s=60), f"{query}: the page never showed the API's picture"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"link-{query.split('&')[0][4:]}.png"), full_page=True)


def test_a_bad_link_is_ignored_with_a_note_not_an_error(page, served_url):
    page.goto(f"{served_url}?tab=cgan&digit=12&bogus=1&seed=3")
    page.wait_for_selector("button[role=tab]")
    note = page.locator("#link-note")
    note.wait_for(state="visible", timeout=10000)
    assert "digit=12" in note.inner_text() and "bogus=1" in note.inner_text()
    assert page.locator(".tabitem:visible .seed-box input").first.input_value() == "3"  # the good one applies
    page.goto(served_url)
    page.wait_for_selector("button[role=tab]")


def test_clicking_a_cyclegan_example_translates_it(page):
    page.goto(page.url.split("?")[0])
    page.wait_for_selector("button[role=tab]")
    panel = open_tab(page, "CycleGAN")
    cell = panel.locator("button.gallery-item").first  # the first example: a Monet
    cell.wait_for(state="visible")
    page.wait_for_timeout(1000)  # let the page's load events settle before clicking
    before = image_sources(page, "cyclegan-output")
    cell.click()  # a Monet: the direction changes too, and one click is enough
    wait_for_new_image(page, "cyclegan-output", before)
    assert image_sources(page, "cyclegan-cycled")  # and the way back beside it


def test_a_file_that_is_not_a_picture_chosen_on_a_drawing_pad_gets_a_note_not_a_silent_error(page, tmp_path):
    page.goto(page.url.split("?")[0])
    page.wait_for_selector("button[role=tab]")
    page.errors.clear()
    panel = open_tab(page, "VAE")
    wait_for_new_image(page, "vae-gif", [])   # the tab's first drawing done (no handler left running at the end)
    panel.get_by_text("Draw your own start or end digit").click()
    pad = panel.locator("#vae-start-drawing")
    pad.locator(".drawpad-ready canvas").wait_for(state="visible")
    note = pad.locator(".drawing-note.shown")
    assert note.count() == 0
    text = tmp_path / "notes.txt"
    text.write_text("not a picture")
    pad.locator("input[type=file]").set_input_files(str(text))
    try:
        note.wait_for(state="visible", timeout=10000)
    except Exception:
        raise AssertionError(f"no note; page errors: {page.errors}") from None
    assert "not a picture this page can open" in note.inner_text()
    finish(page, "vae-not-a-picture")  # and no uncaught error on the page


def test_a_stroke_on_a_drawing_pad_redraws_the_morph_and_clear_gives_the_real_digit_back(page, tmp_path):
    """A stroke's end sends the pad's picture with the redraw's request (#34 item 5: no editor export and uploads
    first); a chosen picture is drawn on the pad and used too; Clear goes back to the real test digit."""
    page.goto(page.url.split("?")[0])   # a fresh page: the drawing panel closed, as a visitor finds it
    page.wait_for_selector("button[role=tab]")
    page.errors.clear()   # the last page's connections, cut by the reload
    panel = open_tab(page, "VAE")
    wait_for_new_image(page, "vae-gif", [])   # the tab's own strip, drawn with the GIF (not the public endpoint's)
    real = image_sources(page, "vae-strip")
    panel.get_by_text("Draw your own start or end digit").click()
    canvas = panel.locator("#vae-start-drawing .drawpad-ready canvas")
    canvas.wait_for(state="visible")
    box = canvas.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 4
    page.mouse.move(x, y)
    page.mouse.down()
    for k in range(12):
        page.mouse.move(x + (k % 3 - 1) * 5, y + k * box["height"] * 0.04, steps=2)
    page.mouse.up()
    drawn = wait_for_new_image(page, "vae-strip", real)
    picture = tmp_path / "seven.png"
    Image.new("L", (60, 90), 255).save(picture)   # white paper...
    with Image.open(picture) as im:
        ImageDraw.Draw(im).line([(10, 10), (50, 10), (25, 80)], fill=0, width=6)   # ...with a 7 on it
        im.save(picture)
    panel.locator("#vae-start-drawing input[type=file]").set_input_files(str(picture))
    chosen = wait_for_new_image(page, "vae-strip", drawn)
    panel.locator("#vae-start-drawing .drawpad-clear").click()
    cleared = wait_for_new_image(page, "vae-strip", chosen)
    ink = canvas.evaluate("c => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v)")
    assert not ink
    picture = [page.request.get(src[0]).body() for src in (real, drawn, cleared)]
    assert picture[2] == picture[0] != picture[1]   # the real digit's morph again, byte for byte
    finish(page, "vae-drawn")


def test_clicking_a_latent_map_decodes_and_marks_the_point(page):
    panel = open_tab(page, "VAE")
    before = wait_for_new_image(page, "vae2d-map", [])
    panel.locator("#vae2d-map img").first.click(position={"x": 60, "y": 80})
    wait_for_new_image(page, "vae2d-map", before)  # redrawn with the ring
    assert "(u, v) = (" in panel.inner_text()


def test_notices_carry_their_title_in_the_visitors_language(page):
    """Gradio titles every notice in English ("Warning", "Error"); the page retitles them (#34 item 3)."""
    context = page.context.browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    zh = context.new_page()
    try:
        zh.goto(page.url.split("?")[0])
        zh.wait_for_selector("button[role=tab]")
        zh.get_by_role("tab", name="条件 GAN").click()
        box = zh.locator(".tabitem:visible .seed-box input").first
        box.wait_for(timeout=30000)
        zh.wait_for_timeout(1000)
        box.fill("-4")
        box.press("Enter")
        toast = zh.locator(".toast-body").first
        toast.get_by_text("提示").wait_for(timeout=10000)
        assert "-4 不是" in toast.inner_text() and "Warning" not in toast.inner_text()
    finally:
        context.close()


def test_the_interface_speaks_chinese_to_a_chinese_browser(page):
    browser = page.context.browser
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1000})
    zh = context.new_page()
    try:
        zh.goto(page.url.split("?")[0])
        zh.wait_for_selector("button[role=tab]")
        for tab in ("InfoGAN", "条件 GAN", "CycleGAN", "VAE", "文字生成数字", "StyleGAN", "训练一个 GAN"):
            zh.get_by_role("tab", name=tab).click()
            zh.wait_for_timeout(600)
            shown = zh.locator(".tabitem:visible").first.inner_text()
            assert "translation_metadata" not in shown and "i18n" not in shown, f"{tab}: a key shown untranslated"
            SHOTS.mkdir(parents=True, exist_ok=True)
            zh.screenshot(path=str(SHOTS / f"zh-{tab.replace(' ', '-')}.png"), full_page=True)
        assert "动手玩生成模型" in zh.content()
        assert zh.get_by_role("button", name="▶ 开始").count() == 1
    finally:
        context.close()



def test_the_stylegan_tab_mixes_live(page):
    page.goto(page.url.split("?")[0])
    page.wait_for_selector("button[role=tab]")
    page.errors.clear()  # a navigation aborts the previous page's requests; only this page's errors count
    panel = open_tab(page, "StyleGAN")
    before = wait_for_new_image(page, "stylegan-grid", [])
    panel.get_by_label("fine (32 px)").first.check()
    wait_for_new_image(page, "stylegan-grid", before)
    finish(page, "stylegan")


@pytest.mark.parametrize("lang,tabs,note", [("zh-CN", ("训练一个 GAN", "文字生成数字"), "没读懂、已忽略：'purple'"),
                                            ("en", ("Train a GAN", "Text to digit"), "ignored: 'purple'")])
def test_lang_in_the_address_overrides_the_browser(page, lang, tabs, note):
    """?lang= wins over the browser's language, for the page's texts and for what our handlers write."""
    browser = page.context.browser
    other = "en-US" if lang == "zh-CN" else "zh-CN"  # a browser set to the other language
    context = browser.new_context(locale=other, viewport={"width": 1280, "height": 1000})
    forced = context.new_page()
    try:
        forced.goto(f"{page.url.split('?')[0]}?lang={lang}")
        forced.wait_for_selector("button[role=tab]")
        forced.get_by_role("tab", name=tabs[0]).wait_for(timeout=10000)
        forced.get_by_role("tab", name=tabs[1]).click()
        box = forced.locator("#text2digit-text textarea")
        forced.locator("#text2digit-samples img").first.wait_for(timeout=30000)  # the tab has loaded: its events
        first = "一个向右倾斜的粗体7" if lang == "zh-CN" else "a thick seven leaning right"   # in the page's language
        forced.wait_for_function(f"() => document.querySelector('#text2digit-text textarea').value === {first!r}",
                                 timeout=10000)
        box.fill("a purple 7")                                                # are wired (on a busy machine, later)
        forced.locator("#text2digit-note").get_by_text(note).wait_for(timeout=10000)  # a handler's words
        SHOTS.mkdir(parents=True, exist_ok=True)
        forced.screenshot(path=str(SHOTS / f"lang-{lang}.png"), full_page=True)
    finally:
        context.close()


def test_the_text_to_digit_tab_draws_what_is_typed_and_names_ignored_words(page):
    page.goto(page.url.split("?")[0])
    page.wait_for_selector("button[role=tab]")
    page.errors.clear()
    panel = open_tab(page, "Text to digit")
    before = wait_for_new_image(page, "text2digit-samples", [])  # drawn on load
    box = panel.locator("#text2digit-text textarea")
    box.fill("a small purple 2")
    box.press("Enter")
    after = wait_for_new_image(page, "text2digit-samples", before)
    page.locator("#text2digit-note").get_by_text("ignored: 'purple'").wait_for(timeout=10000)
    panel.get_by_text("一个向右倾斜的粗体7").first.click()  # an example: drawn at once
    wait_for_new_image(page, "text2digit-samples", after)
    box.fill("hello")
    page.locator("#text2digit-note").get_by_text("names no digit").wait_for(timeout=10000)
    box.press("Enter")   # drawn anyway: the error is said once, in the note under the box (#34 item 3) ...
    picture = "#text2digit-samples img"
    page.wait_for_function(f"() => getComputedStyle(document.querySelector({picture!r})).opacity < 0.5",
                           timeout=10000)   # ... and the old picture is dimmed, with no "Error" pill over it
    page.wait_for_timeout(1000)
    assert page.locator(".toast-body.error:visible").count() == 0
    assert page.locator("#text2digit-samples span.error:visible").count() == 0
    box.fill("a 3")
    box.press("Enter")
    wait_for_new_image(page, "text2digit-samples", after)
    page.wait_for_function(f"() => getComputedStyle(document.querySelector({picture!r})).opacity == 1", timeout=10000)
    finish(page, "text2digit")


def test_copy_link_says_it_copied_and_puts_the_link_in_the_address_bar(page):
    page.goto(page.url.split("?")[0])
    page.wait_for_selector("button[role=tab]")
    open_tab(page, "Conditional GAN")
    button = page.locator("#cgan-copy-link")
    button.click()
    button.get_by_text("Link copied").wait_for(timeout=5000)
    assert "tab=cgan" in page.url and "seed=" in page.url
    button.get_by_text("Copy link").wait_for(timeout=6000)  # and then its own label again


def test_unticking_the_cycle_hides_the_way_back(page):
    page.goto(page.url.split("?")[0])
    page.wait_for_selector("button[role=tab]")
    panel = open_tab(page, "CycleGAN")
    wait_for_new_image(page, "cyclegan-cycled", [])
    panel.locator("input[type=checkbox]").first.uncheck()
    page.locator("#cyclegan-cycled").wait_for(state="hidden", timeout=10000)
