"""Tab handlers beyond the public endpoints: drawings in the VAE tab, the InfoGAN sweep GIF."""
from __future__ import annotations

from PIL import Image, ImageDraw

from ganapp.families.infogan import tab as infogan_tab
from ganapp.families.vae import tab as vae_tab


def drawing() -> dict:
    canvas = Image.new("RGBA", (280, 280), (0, 0, 0, 0))  # the editor's transparent layer
    ImageDraw.Draw(canvas).line([(140, 40), (140, 240)], fill=(0, 0, 0, 255), width=20)  # a "1"
    return {"background": None, "layers": [canvas], "composite": canvas}


def test_vae_uses_a_drawing_when_it_has_ink_and_the_example_otherwise(tiny):
    blank = {"background": None, "layers": [], "composite": Image.new("RGBA", (280, 280), (0, 0, 0, 0))}
    from_examples = vae_tab.interpolate_ui(3, 8, blank, blank, 0, 5, "lerp", 0.5)
    from_drawing = vae_tab.interpolate_ui(3, 8, drawing(), blank, 0, 5, "lerp", 0.5)
    strip_examples = Image.open(from_examples[0])
    strip_drawing = Image.open(from_drawing[0])
    assert strip_examples.size == strip_drawing.size == (5 * 112, 112)
    assert strip_examples.crop((0, 0, 112, 112)).tobytes() != strip_drawing.crop((0, 0, 112, 112)).tobytes()
    assert open(from_drawing[2], "rb").read(6) == b"GIF89a"


def test_infogan_sweep_gives_a_grid_and_a_gif(tiny):
    image, gif = infogan_tab.traversal("slant", 3)
    assert Image.open(image).size[1] == 10 * 112 + 11 * 2 * 4
    assert open(gif, "rb").read(6) == b"GIF89a"


def test_a_tab_states_its_measured_quality_and_says_when_below_target(tiny_checkpoints, tmp_path, use_checkpoints):
    import json
    import shutil

    import gradio as gr

    from ganapp.ui.common import quality_note

    shutil.copytree(tiny_checkpoints, tmp_path / "ck")
    use_checkpoints(tmp_path / "ck")
    from ganapp.ui.i18n import I18N

    (tmp_path / "ck" / "cgan" / "quality.json").write_text(json.dumps(
        {"line": "reads 97.0% right", "line_zh": "读对 97.0%", "below_target": ["label accuracy 97.0% (target ≥ 99%)"]}))
    with gr.Blocks() as demo:
        quality_note("cgan")
        quality_note("vae")  # nothing measured: no note
    notes = [b for b in demo.blocks.values() if isinstance(b, gr.Markdown)]
    assert len(notes) == 1 and "quality.cgan" in str(notes[0].value)  # a gr.I18n key, translated in the browser
    en, zh = I18N.translations["en"]["quality.cgan"], I18N.translations["zh-CN"]["quality.cgan"]
    assert "reads 97.0% right" in en and "Below target" in en
    assert "读对 97.0%" in zh and "未达目标" in zh and "label accuracy 97.0%" in zh  # shortfalls: in English


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
