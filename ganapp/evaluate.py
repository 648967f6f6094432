"""The quality figures: `python -m ganapp.evaluate <family> [--data DIR] [--set name=value ...]`.

Each family's evaluation (`ganapp/families/<family>/evaluate.py`, named in the registry) prints a
markdown table, writes it with the raw figures to `checkpoints/<name>/metrics.json` and `.md`,
and renders the pictures its model card shows. Generated digits are judged by the project's MNIST
evaluator (`checkpoints/classifier`), and every figure about generated data is printed beside
the same figure for real data. `--set` passes a keyword argument to the evaluation, e.g.
`python -m ganapp.evaluate cgan --set noise_scale=0.8`.
"""
from __future__ import annotations

import argparse
import inspect

from .checks import parse_value
from .device import set_cpu_threads
from .registry import FAMILIES


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m ganapp.evaluate", description=__doc__.split("\n")[0])
    p.add_argument("family", choices=sorted(name for name, f in FAMILIES.items() if f.evaluation))
    p.add_argument("--data", help="data folder (default: $GANAPP_DATA or ../shared/data)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int)
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a keyword argument of the family's evaluation")
    args = p.parse_args(argv)
    family = FAMILIES[args.family]
    evaluation = family.part(family.evaluation)
    accepted = inspect.signature(evaluation).parameters
    extra = {}
    for pair in args.set:
        name, _, raw = pair.partition("=")
        if name not in accepted or name in ("data_root", "seed"):
            options = ", ".join(k for k in accepted if k not in ("data_root", "seed"))
            p.error(f"--set {pair}: {args.family}'s evaluation takes {options or 'no options'}")
        extra[name] = parse_value(raw)
    set_cpu_threads(args.threads)
    evaluation(data_root=args.data, seed=args.seed, **extra)


if __name__ == "__main__":
    main()
