"""The claims experiment's figures as tables, and the arms' names: written into metrics.md by the evaluation and
shown by the tab. Light: the app imports it."""
from __future__ import annotations

from ...messages import markdown_table
from .augment import ARMS, GAN_ARMS

ARM_TITLES = {"none": "real digits only", "extra_class": "(a) GAN, extra class", "pseudo_label": "(b) GAN, pseudo-label",
              "uniform": "(c) GAN, uniform 1/K", "conditional": "(d) conditional GAN", "classic": "classic augmentation",
              "classic+best": "classic + best GAN arm"}


def augmentation_table(figures: dict) -> str:
    sizes = figures["sizes"]
    rows = []
    for ratio in (1, 4):
        for arm in (ARMS if ratio == 1 else GAN_ARMS):
            key = f"{arm}/x{ratio}"
            if key not in figures["by_n"][str(sizes[0])]["cells"]:
                continue
            label = ARM_TITLES[arm] + ("" if ratio == 1 or arm not in GAN_ARMS else f", ×{ratio} generated")
            cells = [figures["by_n"][str(n)]["cells"][key] for n in sizes]
            rows.append([label, *(f"{100 * c['mean']:.2f} ± {100 * c['sd']:.2f}%" for c in cells)])
    rows.append(["best GAN arm on validation (for classic + best)",
                 *(figures["by_n"][str(n)]["choice"]["best"] for n in sizes)])
    return markdown_table(["arm", *(f"N = {n}" for n in sizes)], rows)


def sharpness_table(rows: dict) -> str:
    return markdown_table(
        ["images", "sharpness", "÷ real", "evaluator's confidence", "read as the digit asked"],
        [[name, f"{100 * r['sharpness']:.2f}%", f"{r['sharpness_vs_real']:.2f}×", f"{100 * r['confidence']:.1f}%",
          "—" if r["read_right"] is None else f"{100 * r['read_right']:.1f}%"] for name, r in rows.items()])
