"""How fast the "Train a GAN" tab shows digits: `python -m benchmarks.live_training [--seconds 90]`.

For each objective (DCGAN, the tab's defaults, one CPU thread, as one visitor's run gets), train and,
every second of training (as often as the tab shows the evaluator's read), let the evaluator read the 64 samples. "Recognisable" is the issue's
bar: mean top-class probability ≥ 0.8 and all ten digits among the 64. Writes
benchmarks/live_training.md. Not part of the test suite.
"""
from __future__ import annotations

import argparse
import platform
from datetime import date
from pathlib import Path

import torch

from ganapp.families.gantrain.live import LiveRun
from ganapp.losses import OBJECTIVES

OUT = Path(__file__).resolve().parent / "live_training.md"  # --out overrides
CHECK_EVERY_S = 1.0   # the tab refreshes its samples and the evaluator's read about once a second


def time_to_recognisable(objective: str, architecture: str, seconds: float, seed: int = 0) -> dict:
    run = LiveRun(architecture, objective, seed)
    reached, read = None, (0.0, 0)
    while run.seconds < seconds:
        run.train_for(CHECK_EVERY_S)
        read = run.evaluator_read()
        if reached is None and read[0] >= 0.8 and read[1] == 10:
            reached = run.seconds
            break
    return {"objective": objective, "architecture": architecture, "reached_s": reached, "steps": run.step,
            "seconds": run.seconds, "confidence": read[0], "digits": read[1]}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.live_training")
    p.add_argument("--seconds", type=float, default=90.0, help="give up after this much training per objective")
    p.add_argument("--architecture", default="dcgan")
    p.add_argument("--objectives", nargs="*", default=list(OBJECTIVES))
    p.add_argument("--out", type=Path, default=OUT)
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    rows = []
    for name in args.objectives:
        r = time_to_recognisable(name, args.architecture, args.seconds)
        print(r, flush=True)
        reached = f"**{r['reached_s']:.0f} s**" if r["reached_s"] is not None else f"not within {args.seconds:.0f} s"
        rows.append(f"| {name} | {reached} | {r['steps']} | {r['confidence']:.2f} | {r['digits']} |")
    text = "\n".join([
        f"# Live training: time until the samples are recognisable digits ({date.today().isoformat()})", "",
        f"Machine: {platform.machine()}, {torch.get_num_threads()} thread, torch {torch.__version__}. "
        f"Command: `python -m benchmarks.live_training --seconds {args.seconds:g} --architecture {args.architecture}`. "
        f"Bar: the evaluator's mean top-class probability ≥ 0.8 and all ten digits among 64 samples, checked every {CHECK_EVERY_S:g} s "
        "of training, as the tab shows it.",
        "", "| objective | time to recognisable | generator steps | confidence at stop | digits at stop |",
        "|---|---|---|---|---|", *rows, ""])
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
