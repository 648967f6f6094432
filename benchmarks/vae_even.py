"""How evenly the VAE tab's morph changes, frame to frame: `python -m benchmarks.vae_even`.

For every ordered pair of different start and end digits (the shipped test examples of seed 0) and 10 frames, the
evenness of each method: the largest pixel distance between consecutive frames over the mean one (1 = even). A
morph that stays a 3 for seven frames and then jumps has a high figure. Writes benchmarks/vae_even.md and .json, and the README's section.
"""
from __future__ import annotations

import json
import statistics
from pathlib import Path

import torch

from ganapp.families.vae import METHODS
from ganapp.families.vae.inference import evenness, example_digit, vae_frames
from ganapp.messages import markdown_table
from ganapp.reports import splice_readme

OUT = Path(__file__).resolve().parent
FRAMES = 10


def main() -> None:
    torch.set_num_threads(1)
    figures = {m: [] for m in METHODS}
    for a in range(10):
        for b in range(10):
            if a == b:
                continue
            x_a, x_b = example_digit(a, 0), example_digit(b, 0)
            for m in METHODS:
                figures[m].append(evenness(vae_frames(x_a, x_b, torch.linspace(0, 1, FRAMES), m)))
    three_eight = {m: evenness(vae_frames(example_digit(3, 0), example_digit(8, 0), torch.linspace(0, 1, FRAMES), m))
                   for m in METHODS}
    rows = [[m, f"{statistics.median(v):.2f}", f"{max(v):.2f}", f"{three_eight[m]:.2f}"] for m, v in figures.items()]
    table = markdown_table(["method", "median over the 90 digit pairs", "worst pair", "3 → 8"], rows)
    text = (f"Evenness of the VAE morph ({FRAMES} frames, seed 0's examples; largest step ÷ mean step in pixels, 1 = even), "
            f"`python -m benchmarks.vae_even`:\n\n{table}\n")
    (OUT / "vae_even.md").write_text(text)
    (OUT / "vae_even.json").write_text(json.dumps({"frames": FRAMES, "by_method": figures, "three_to_eight": three_eight}, indent=1) + "\n")
    splice_readme("vae_even", text)
    print(text)


if __name__ == "__main__":
    main()
