"""The claims experiment's figures as tables, in either language, and the arms' names: written into metrics.md by the
evaluation (English) and shown by the tab in the visitor's language. Light: the app imports it."""
from __future__ import annotations

from ...messages import markdown_table, render
from . import ARMS, GAN_ARMS

ARM_TITLES = {arm: render(f"claims.arm.{arm}", "en") for arm in ARMS}   # the plot's legend and metrics.md
OBJECTIVE_SOURCE = "GAN, {objective}: samples"   # how evaluate.sharpness_sources names each objective's row


def source_name(name: str, lang: str) -> str:
    """A row of the sharpness table (named in English by evaluate.sharpness_sources) in `lang`."""
    head, tail = OBJECTIVE_SOURCE.split("{objective}")
    if name.startswith(head) and name.endswith(tail):
        return render("claims.source.objective", lang, objective=name[len(head):-len(tail)])
    return render(f"claims.source.{SOURCES[name]}", lang)


SOURCES = {"real test digits": "real", "real, blurred (σ 1 px)": "blurred", "VAE 16-d: reconstructions": "vae_recon",
           "VAE 16-d: samples": "vae_samples", "VAE 2-d: samples": "vae2d_samples",
           "plain AE 2-d: reconstructions": "ae2d_recon", "conditional GAN: samples": "cgan_samples"}


def augmentation_table(figures: dict, lang: str = "en") -> str:
    sizes = figures["sizes"]
    rows = []
    for ratio in (1, 4):
        for arm in (ARMS if ratio == 1 else GAN_ARMS):
            key = f"{arm}/x{ratio}"
            cells = [figures["by_n"][str(n)]["cells"].get(key) for n in sizes]
            if not any(cells):
                continue
            label = render(f"claims.arm.{arm}", lang) + ("" if ratio == 1 else render("claims.times_generated", lang, ratio=ratio))
            rows.append([label, *("—" if c is None else f"{100 * c['mean']:.2f} ± {100 * c['sd']:.2f}%" for c in cells)])
    rows.append([render("claims.best_row", lang),
                 *(render(f"claims.arm.{figures['by_n'][str(n)]['choice']['best']}", lang) for n in sizes)])
    return markdown_table([render("claims.column.arm", lang), *(f"N = {n}" for n in sizes)], rows)


def sharpness_table(rows: dict, lang: str = "en") -> str:
    return markdown_table(
        [render(f"claims.column.{c}", lang) for c in ("images", "sharpness", "ratio", "confidence", "read")],
        [[source_name(name, lang), f"{100 * r['sharpness']:.2f}%", f"{r['sharpness_vs_real']:.2f}×",
          f"{100 * r['confidence']:.1f}%", "—" if r["read_right"] is None else f"{100 * r['read_right']:.1f}%"]
         for name, r in rows.items()])
