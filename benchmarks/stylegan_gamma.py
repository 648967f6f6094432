"""StyleGAN's R1 weight, swept on short runs: `python -m benchmarks.stylegan_gamma [run dirs...]`.

Reads the validation rows (Fréchet distance of 2,000 samples to 2,000 held-out training digits, evaluator features;
the rarest digit's share among them) that `python -m ganapp.train stylegan --validate-every 500 --set r1_gamma=G`
logged in each run folder, and writes benchmarks/stylegan_gamma.md. The runs:

    python -m ganapp.train stylegan --threads 1 --steps 2000 --validate-every 500 --run-dir runs/sg-gammaG --set r1_gamma=G
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ganapp.messages import markdown_table
from ganapp.training.loop import training_seconds

OUT = Path(__file__).resolve().parent / "stylegan_gamma.md"


def main(argv=None) -> None:
    dirs = [Path(d) for d in (argv or sys.argv[1:])] or sorted(Path("runs").glob("sg-gamma*"))
    runs = []
    for d in dirs:
        logged = [json.loads(line) for line in (d / "log.jsonl").read_text().splitlines() if line.strip()]
        checks = {r["step"]: r["validation"] for r in logged if "validation" in r}
        if checks:
            best = json.loads((d / "best.json").read_text()) if (d / "best.json").is_file() else {}
            runs.append((d.name.removeprefix("sg-gamma"), checks, training_seconds(logged), best.get("step")))
    steps = sorted({step for _, checks, _, _ in runs for step in checks})
    rows = [[gamma, *(f"{checks[s]['frechet']:.0f} / {100 * checks[s]['rarest_digit_share']:.1f}%" if s in checks else "—"
                      for s in steps), f"{seconds / 60:.0f} min", f"step {best}" if best else "—"]
            for gamma, checks, seconds, best in runs]
    text = ("StyleGAN, R1 weight γ swept on short runs (batch 32, lazy R1 every 8 steps; the shipped model: γ 1 for "
            "12,000 steps). Each cell: validation Fréchet distance / rarest digit's share, at that step (— : the run "
            "stopped before it); `python -m benchmarks.stylegan_gamma`.\n\n"
            + markdown_table(["γ", *(f"step {s}" for s in steps), "training time (one loaded core)", "best kept"], rows) + "\n")
    OUT.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
