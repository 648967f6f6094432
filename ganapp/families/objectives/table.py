"""The objectives comparison's bars, and its figures as a table in either language: written into
metrics.md by the evaluation (English), shown by the tab in the visitor's language. Light: the app imports it."""
from __future__ import annotations

from ...messages import markdown_table, render

CONFIDENCE_BAR, RAREST_BAR, FD_BAR = 0.85, 0.05, 30.0   # FD_BAR: the best objective's Fréchet distance (issue #29)


def comparison_table(metrics: dict, lang: str = "en") -> str:
    """The comparison as a Markdown table and its note, in `lang` (metrics.md holds the English one)."""
    def cell(v, fmt):
        return "—" if v is None else format(v, fmt)
    fd_real = metrics["frechet_real_train_vs_test"]
    rows = [[o, render(f"objectives.recipe.{f.get('recipe', 'own')}", lang), cell(f.get("width"), "d"),
             cell(f.get("steps"), ","), cell(f["frechet"], ".2f"),
             f"{f['frechet'] / fd_real:.1f}×", cell(f["confidence"], ".3f"),
             render("objectives.rarest_cell", lang, percent=100 * f["rarest_share"], digit=f["rarest_digit"]),
             cell(f["kl_from_uniform"], ".4f"), cell(f["seconds_per_1000"], ".0f"), cell(f["fd_spread_last5"], ".2f")]
            for o, f in metrics["objectives"].items()]
    header = [render(f"objectives.column.{c}", lang, steps=metrics["steps"], n=metrics["n"])
              for c in ("objective", "recipe", "width", "updates", "frechet", "ratio", "confidence", "rarest", "kl", "seconds",
                        "spread")]
    return markdown_table(header, rows) + "\n\n" + render(
        "objectives.footnote", lang, floor=fd_real, rarest=100 * RAREST_BAR, confidence=CONFIDENCE_BAR, fd_bar=FD_BAR)
