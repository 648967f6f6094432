"""Training runs' validation curves side by side: `python -m benchmarks.trials FAMILY --out NAME RUN_DIR...`.

Each row is one run folder of `python -m ganapp.train FAMILY --validate-every N ...`: what its settings (saved in its
state) changed from the recipe's defaults, its validation figure at a few steps (the Fréchet distance of 2,000
samples to 2,000 held-out training digits, evaluator features, for the GAN recipes; the rarest digit's share beside
it where logged), its training time and the step its best was kept at. Writes benchmarks/NAME.md. Example (the
objectives' recipe trials of issue #29):

    python -m benchmarks.trials objectives --out objectives_trials runs/obj-ns-lrg1e-3 runs/obj-ns-infod ...
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from ganapp.messages import markdown_table
from ganapp.train import changed_fields
from ganapp.training.loop import STATE_FILE, saved_settings, training_seconds

HERE = Path(__file__).resolve().parent


def cell(figures: dict | None) -> str:
    if figures is None:
        return "—"
    share = figures.get("rarest_digit_share")
    return f"{figures['frechet']:.0f}" + (f" / {100 * share:.1f}%" if share is not None else "")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.trials", description=__doc__.split("\n")[0])
    p.add_argument("family")
    p.add_argument("runs", nargs="+", type=Path)
    p.add_argument("--out", required=True, help="benchmarks/<out>.md")
    p.add_argument("--steps", default="500,1000,2000,3000,4000,6000,8000", help="the steps shown")
    p.add_argument("--title", default="", help="a sentence above the table")
    args = p.parse_args(argv)
    shown = [int(s) for s in args.steps.split(",")]
    rows = []
    for d in args.runs:
        logged = [json.loads(line) for line in (d / "log.jsonl").read_text().splitlines() if line.strip()]
        checks = {r["step"]: r["validation"] for r in logged if "validation" in r}
        best = json.loads((d / "best.json").read_text()) if (d / "best.json").is_file() else {}
        settings = saved_settings(d / STATE_FILE).get("settings")
        changed = changed_fields(args.family, settings) if settings else {}
        label = ", ".join(f"{k}={v}" for k, v in changed.items()) or "the recipe's defaults"
        last = max(checks, default=0)
        rows.append([f"`{d.name}`", label, *(cell(checks.get(s)) for s in shown), f"{last:,}",
                     f"{training_seconds(logged) / 60:.0f} min",
                     f"{cell(best.get('figures'))} (step {best['step']:,})" if best else "—"])
    text = ((args.title + "\n\n" if args.title else "")
            + "Each cell: validation Fréchet distance / rarest digit's share at that step (— : not reached). "
            f"`python -m benchmarks.trials {args.family} --out {args.out} "
            + " ".join(str(d) for d in args.runs) + "`.\n\n"
            + markdown_table(["run", "changed from the defaults", *(f"step {s:,}" for s in shown), "last step",
                              "training time (one loaded core)", "best kept"], rows) + "\n")
    (HERE / f"{args.out}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
