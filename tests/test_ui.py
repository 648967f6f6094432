"""Tab handlers beyond the public endpoints: drawings in the VAE tab, the InfoGAN sweep GIF."""
from __future__ import annotations

import base64

import torch
from conftest import png_data_url
from PIL import Image, ImageDraw

from ganapp.families.infogan import tab as infogan_tab
from ganapp.families.vae import tab as vae_tab


def pad_value(ink: bool = True) -> str:
    """What a drawing pad sends (static/drawpad.js): its 280x280 canvas, black ink on transparent, as a data URL."""
    canvas = Image.new("RGBA", (280, 280), (0, 0, 0, 0))
    if ink:
        ImageDraw.Draw(canvas).line([(140, 40), (140, 240)], fill=(0, 0, 0, 255), width=18)  # a "1"
    return png_data_url(canvas)


def test_vae_uses_a_drawing_when_it_has_ink_and_the_example_otherwise(tiny):
    from ganapp.families.vae import inference

    for empty in ("", None, pad_value(ink=False)):   # nothing drawn, or a pad cleared
        assert torch.equal(vae_tab._endpoint(empty, 3, 0), inference.example_digit(3, 0))
    drawn = vae_tab._endpoint(pad_value(), 3, 0)
    assert drawn.sum() > 0 and torch.equal(drawn, inference.user_digit(base64.b64decode(pad_value().split(",")[1])))
    blank = pad_value(ink=False)
    from_examples = vae_tab.interpolate_ui(3, 8, blank, blank, 0, 5, "lerp")
    from_drawing = vae_tab.interpolate_ui(3, 8, pad_value(), blank, 0, 5, "lerp")
    strip_examples = Image.open(from_examples[0])
    strip_drawing = Image.open(from_drawing[0])
    assert strip_examples.size == strip_drawing.size == (5 * 112, 112)
    assert strip_examples.crop((0, 0, 112, 112)).tobytes() != strip_drawing.crop((0, 0, 112, 112)).tobytes()
    assert open(from_drawing[1], "rb").read(6) == b"GIF89a"
    assert from_examples[4] != from_drawing[4] and len(from_drawing[4]) == 2   # the ends the page decodes between
    long = Image.open(vae_tab.interpolate_ui(3, 8, blank, blank, 0, 32, "lerp")[0])
    assert long.size[0] < long.size[1] * 3 and long.size[0] >= 8 * 112   # 32 frames wrap into rows of 8


def test_the_vae_frame_at_t_refuses_ends_that_are_not_two_latent_points(tiny):
    import pytest

    from ganapp.families.vae import inference

    ends = inference.latent_means(inference.example_digit(3, 0), inference.example_digit(8, 0)).tolist()
    assert open(vae_tab.frame_at(ends, "even", 0.5), "rb").read(4) == b"\x89PNG"
    for bad in ([[1.0, 2.0]], "x", [ends[0], [float("nan")] * len(ends[0])]):
        with pytest.raises(Exception, match="two lists"):
            vae_tab.frame_at(bad, "lerp", 0.5)
    import gradio as gr

    assert vae_tab.frame_at(None, "lerp", 0.5) == gr.skip()   # asked before the means came: nothing drawn yet


def test_infogan_sweep_gives_a_grid_and_a_gif(tiny):
    image, gif = infogan_tab.traversal("slant", 3)
    assert Image.open(image).size[1] == 10 * 112 + 11 * 2 * 4
    assert open(gif, "rb").read(6) == b"GIF89a"


def test_a_tab_states_its_measured_quality_and_says_when_below_target(tiny_checkpoints, tmp_path, use_checkpoints):
    import json
    import shutil

    import gradio as gr

    from ganapp.ui.notes import quality_note

    shutil.copytree(tiny_checkpoints, tmp_path / "ck")
    use_checkpoints(tmp_path / "ck")
    from ganapp.ui.i18n import I18N

    (tmp_path / "ck" / "cgan" / "quality.json").write_text(json.dumps(
        {"line": {"en": "reads 97.0% right", "zh-CN": "读对 97.0%"},
         "below_target": {"en": ["label accuracy 97.0% (target ≥ 99%)"], "zh-CN": ["标签准确率 97.0%（目标 ≥ 99%）"]}}))
    with gr.Blocks() as demo:
        quality_note("cgan")
        quality_note("vae")  # nothing measured: no note
    notes = [b for b in demo.blocks.values() if isinstance(b, gr.Markdown)]
    assert len(notes) == 1 and "quality.cgan" in str(notes[0].value)  # a gr.I18n key, translated in the browser
    en, zh = I18N.translations["en"]["quality.cgan"], I18N.translations["zh-CN"]["quality.cgan"]
    assert "reads 97.0% right" in en and "Below target" in en
    assert "读对 97.0%" in zh and "未达目标" in zh and "标签准确率 97.0%" in zh and "label accuracy" not in zh


def test_every_shortfall_reads_in_both_languages():
    """Each family's below_target gives texts in both languages, from the figures: tried on figures below every bar."""
    import importlib

    from ganapp.messages import Text
    from ganapp.registry import FAMILIES

    low = {"cgan": {"label_accuracy": 0.5, "variety_ratio_per_digit": [0.1] * 10},
           "vae": {"test_negative_elbo": 120.0, "reconstruction_accuracy": 0.5, "interpolation_end_accuracy": 0.5},
           "stylegan": {"confidence": 0.5, "rarest_share": 0.01, "fine_mix_keeps_a": 0.1, "coarse_mix_takes_b": 0.1},
           "domain": {"accuracy_photo": 0.5, "accuracy_monet": 0.5, "filtered_monet_called_photo": 0.9,
                      "filtered_photo_called_monet": 0.9},
           "infogan": {"picked_accuracy": 0.5, "picked_accuracy_per_digit": [0.5] * 10, "continuous_names": ["slant", "width"],
                       "spearman_slant": [0.1, 0.0], "spearman_width": [0.0, 0.1]},
           "objectives": {"objectives": {"wgan": {"confidence": 0.5, "rarest_share": 0.01, "frechet": 900.0}},
                          "best": "wgan", "frechet_real_train_vs_test": 2.0},
           "cyclegan": {"CycleGAN (ours)": {"photo2monet_called_monet": 0.1, "monet2photo_called_photo": 0.1,
                                            "ssim_photo2monet": 0.1, "ssim_monet2photo": 0.1,
                                            "speckle_ratio_photo2monet": 9.0, "speckle_ratio_monet2photo": 0.01}},
           "text2digit": {"accuracy_en_held_out_templates": 0.5, "accuracy_zh_held_out_templates": 0.5,
                          "pairs_en": {"thick vs thin": 0.5}, "pairs_zh": {"粗 vs 细": 0.5}}}
    for name, metrics in low.items():
        below = importlib.import_module(f"{FAMILIES[name].package}.evaluate").below_target(metrics)
        assert len(below) >= 2 and all(isinstance(b, Text) for b in below), name
        for b in below:
            en, zh = b.render("en"), b.render("zh-CN")
            assert any("\u4e00" <= c <= "\u9fff" for c in zh) and zh != en, (name, en, zh)  # Chinese words in it


def test_every_text_exists_in_english_and_chinese():
    import re
    from pathlib import Path

    from ganapp.ui.i18n import LANGUAGES, strings

    en, zh = (strings(locale) for locale in LANGUAGES)
    assert set(en) == set(zh), f"missing in zh-CN: {set(en) - set(zh)}; missing in en: {set(zh) - set(en)}"
    assert all(v.strip() for v in (*en.values(), *zh.values())), "an empty translation"
    root = Path(__file__).resolve().parent.parent
    used = {key for path in [root / "app.py", *(root / "ganapp").rglob("*.py")]
            for key in re.findall(r'\bt\("([a-z]+\.[a-z_]+)"\)', path.read_text())}
    from ganapp.registry import FAMILIES

    used |= {f"tab.{name}" for name, family in FAMILIES.items() if family.tab_title}
    assert len(used) > 30 and used <= set(en), f"used but not defined: {used - set(en)}"


def test_every_text_on_the_page_is_translatable(tiny, monkeypatch):
    """No literal English left in the built app: every label, info, button, note and choice a visitor reads is a
    gr.I18n key (translated in the browser), except names that are the same in every language (identifiers such
    as `wgan-gp`, `lerp`, `DCGAN`) and the editable example text of a text box."""
    import re

    import app

    config = app.build_demo().get_config_file()
    literal = []
    for component in config["components"]:
        props = component.get("props", {})
        if props.get("visible") is False:
            continue
        texts = [props.get(k) for k in ("label", "info", "placeholder", "title")]
        if component["type"] in ("markdown", "button", "html"):
            texts.append(props.get("value"))
        texts += [c[0] if isinstance(c, (list, tuple)) else c for c in props.get("choices") or []]
        for text in texts:
            if isinstance(text, str) and "__i18n__" not in text and re.search(r"[A-Za-z]{3}", text) \
                    and not re.fullmatch(r"[a-z0-9-]+|[A-Z0-9]+", text):
                literal.append((component["type"], text[:60]))
    assert not literal, f"texts without a translation: {literal}"


def test_a_text_renders_in_the_visitors_language_and_errors_are_escaped():
    import gradio as gr
    import pytest

    from ganapp.checks import InvalidInput, check_int
    from ganapp.messages import language_of, say
    from ganapp.ui.handlers import in_visitor_language

    assert language_of(None, "zh-CN,zh;q=0.9,en;q=0.8") == "zh-CN"
    assert language_of("en", "zh-CN,zh;q=0.9") == "en"          # ?lang= wins
    assert language_of(None, "fr-FR,fr") == language_of(None, None) == language_of("xx", "de") == "en"
    with pytest.raises(InvalidInput) as err:
        check_int("seed", 1.5, 0, 9)
    assert str(err.value) == "The seed (seed) must be an integer from 0 to 9, got 1.5"  # English for logs, the API, the CLI
    assert err.value.text.render("zh-CN") == "种子（seed）必须是 0 到 9 之间的整数，收到的是 1.5"

    class Request:  # what Gradio passes: the page's query and the browser's headers
        def __init__(self, lang=None, accept="zh-CN"):
            self.query_params, self.headers = ({"lang": lang} if lang else {}), {"accept-language": accept}

    @in_visitor_language
    def handler(value):
        if value == "bad":
            raise InvalidInput("check.text_length", name="text", length="<b>9</b>", max_chars=3)
        return 1, say("gantrain.paused")

    assert handler("ok") == (1, "paused")                              # called directly: English
    assert handler("ok", Request()) == (1, "已暂停")
    assert handler("ok", Request(lang="en")) == (1, "paused")
    with pytest.raises(gr.Error) as err:
        handler("bad", Request())
    assert err.value.message == "描述（text）有 &lt;b&gt;9&lt;/b&gt; 个字符，最多只能 3 个"  # the toast shows HTML: values escaped


def test_a_drawing_redraws_the_morph_in_one_event(tiny):
    """A stroke on either VAE drawing pad runs the redraw itself, the pads' pictures in its request: no event to
    chain after, no uploads first (#34 item 5: the morph followed a drawing 2.6 s, then 1.4 s, after it ended)."""
    import app

    demo = app.build_demo()
    editors = {c._id for c in demo.blocks.values() if "drawing-pad" in (getattr(c, "elem_classes", None) or [])}
    assert len(editors) == 2
    on_a_drawing = [fn for fn in demo.fns.values() if any(block in editors and event == "change"
                                                          for block, event in fn.targets)]
    assert [fn.fn.__name__ for fn in on_a_drawing] == ["interpolate_ui"]


def test_cyclegan_says_when_a_picture_is_too_small_to_translate(tiny, tmp_path):
    """An 8×8 or 2000×20 upload came back as a dot or a sliver with no word (#34 item 3)."""
    from ganapp.families.cyclegan import tab as cyclegan_tab

    for size, small in (((8, 8), True), ((2000, 20), True), ((96, 64), False)):
        path = tmp_path / f"{size[0]}x{size[1]}.png"
        Image.new("RGB", size, (90, 140, 60)).save(path)
        translated, back, note = cyclegan_tab.translate_shown(str(path), "photo2monet", True)
        assert translated and back
        assert (f"{size[0]}×{size[1]} pixels" in note) == small, (size, note)
    assert cyclegan_tab.translate_shown(None, "photo2monet", True) == (None, None, "")


def test_no_event_makes_the_page_track_progress_on_a_layout_or_where_it_shows_none(tiny):
    """The page re-reads every component an event tracks (`show_progress_on`, else its outputs) on each status
    message of every later event, and every component inside a tracked layout: a link's load event tracking the Tabs
    made each tick of a live run copy ~17,000 values in the visitor's browser (app.progress_only_where_shown)."""
    import app

    config = app.build_demo().get_config_file()
    kinds = {c["id"]: c["type"] for c in config["components"]}
    layouts = {"tabs", "tabitem", "column", "row", "group", "accordion", "form", "sidebar"}
    for dep in config["dependencies"]:
        tracked = dep["show_progress_on"] if dep["show_progress_on"] is not None else dep["outputs"]
        if dep["show_progress"] == "hidden":
            assert tracked == [], dep["api_name"]
        assert not [i for i in tracked if kinds[i] in layouts], dep["api_name"]
