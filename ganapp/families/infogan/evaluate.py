"""InfoGAN figures: does each digit's category draw that digit, and what do the continuous codes
move? The evaluator's labels are used here, after training, never in it."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from ... import load
from ...files import atomic_write
from ...hub import local_folder, write_generation_config
from ...messages import Text, say
from ...reports import markdown_table, write_metrics
from ...training.loop import PROVENANCE_FILE
from .inference import infogan_traversal
from .measures import LABEL_FREE_BARS, SLANT_BAR, WIDTH_BAR, coded, label_free_score, measure

CARDS = {
    "infogan": dict(
        title="InfoGAN, MNIST",
        what="The paper's MNIST architecture and recipe (Chen et al. 2016, appendix C.1, and the authors' code, "
             "openai/InfoGAN): 62-d noise and two continuous codes, all U(−1, 1); a Q head on the discriminator's "
             "trunk; information terms at weight 1 (the categorical code's cross-entropy; the continuous codes' "
             "Gaussian with σ fixed at 1, 0.5 · the summed squared error), subtracted from both D's and G's "
             "objectives, on fake samples only; Adam β1 = 0.5, D 2e-4, G 1e-3, batch 128, 5,000 updates; weights "
             "from N(0, 0.02). **Trained without a single label**, with one change from the paper: "
             "the categorical code has **20 values instead of 10** (over-clustering). The model sorts the digits "
             "into 20 groups on its own; only after training did the evaluator read which digit each group draws, "
             "and the app draws each digit from its purest group (the other ten are left out). Each run's "
             "checkpoint is chosen without labels or evaluator (Q's information on 5,000 held-out real digits and "
             "how closely each continuous code follows slant and width, image moments), and the shipped run is the "
             "best of the seeds by that same label-free score (the runs table: the authors' sweep, seeds 1, 11, 21, 31 and 41); the evaluator measured the runs once, at the "
             "end. (Seed 11 was started for 8,000 updates and stopped at 5,000, and its validation, started before "
             "the fix described next, read the codes' ρ on N(0, I) noise.) The sliders' names (slant, width) come from the measured correlations. Earlier runs (10 "
             "categories, seeds 1-5; 20 categories, seeds 1-2, seed 1 run again since) were measured on N(0, I) noise, which their "
             "U(−1, 1)-trained generators never saw (an evaluator bug, fixed): their rows understate them, and their "
             "weights are gone. The model shown before, taught with 10 labels per digit, is the table's last row.",
        run_dir="runs/infogan-c20-seed11",
        train="python -m ganapp.train infogan --threads 1 --seed 11 --run-dir runs/infogan-c20-seed11 --set n_categories=20 "
              "--steps 5000 --snapshot-every 250   # and seeds 21, 31, 41; seed 1 in runs/infogan-c20-seed1-rerun",
        evaluate="python -m ganapp.evaluate infogan --set ship=true --set 'runs=[\"runs/infogan-c20-seed1-rerun\", \"runs/infogan-c20-seed11\", "
                 "\"runs/infogan-c20-seed21\", \"runs/infogan-c20-seed31\", \"runs/infogan-c20-seed41\"]' --set 'previous_metrics=\"checkpoints/infogan/previous_release_metrics"
                 ".json\"'   # earlier runs are carried forward from the stored metrics"),
}


def choose_checkpoint(run: Path) -> dict:
    """A run's checkpoint chosen without labels: of the steps it kept weights for (snapshots/, best/, final/),
    the one whose logged validation figures score highest (`label_free_score`)."""
    from ...training.loop import BEST_FILE, read_log

    log = read_log(run)
    logged = {r["step"]: r["validation"] for r in log if "validation" in r}
    kept = {int(p.name.split("_")[1]): p / "infogan" for p in sorted((run / "snapshots").glob("step_*"))}
    if (run / BEST_FILE).is_file():
        kept[json.loads((run / BEST_FILE).read_text())["step"]] = run / "best" / "infogan"
    if (run / "final" / "infogan").is_dir():   # (a run still training has none yet)
        kept[max(logged)] = run / "final" / "infogan"
    step = max((s for s in kept if s in logged), key=lambda s: label_free_score(logged[s]))
    return {"run": run.name, "step": step, "steps": max(logged), "folder": kept[step],
            "label_free": {**{k: logged[step][k] for k in LABEL_FREE_BARS}, "score": label_free_score(logged[step])},
            "training_seconds": max(r.get("seconds", 0.0) for r in log)}   # the whole run, one thread, wall clock


def ship_label_free_choice(runs: list[str]) -> str:
    """Copy into the shipped folder the checkpoint that ranks first, by the label-free score (ties: Q's information),
    among the runs' own choices (`choose_checkpoint`): no label and no evaluator picks the model the tab shows.
    Returns the run it comes from."""
    chosen = [choose_checkpoint(Path(r)) for r in runs]
    best = max(chosen, key=lambda c: (c["label_free"]["score"], c["label_free"]["q_information"]))
    out = local_folder("infogan")
    for name in ("config.json", "model.safetensors"):   # the card is written by `python -m ganapp.reports infogan`
        atomic_write(out / name, (best["folder"] / name).read_bytes())
    for stale in ("model.onnx", "model.onnx.gz"):   # the page's copy of the old weights
        (out / stale).unlink(missing_ok=True)
    provenance = {"run": best["run"], "chosen": "best label-free score among the runs' label-free choices",
                  "step": best["step"], "run_steps": best["steps"], "validation": best["label_free"]}
    atomic_write(out / PROVENANCE_FILE, json.dumps(provenance, indent=2) + "\n")
    return runs[chosen.index(best)]


def evaluate_infogan(data_root=None, per_digit: int = 1000, seed: int = 0, sweeps: int = 200, sweep_steps: int = 9,
                     runs: list[str] | None = None, shipped_run: str | None = None, ship: bool = False,
                     previous_metrics: str | None = None, trained_with: str | None = None) -> dict:
    """The shipped generator measured by the evaluator (`measure`). With `runs` (training run folders, e.g. one per
    seed): each run's checkpoint chosen without labels (`choose_checkpoint`), measured the same way, in a table with
    the mean ± standard deviation over the runs, and their label-free validation curves (runs.png). `shipped_run`
    names the run the shipped weights come from, so that the tab and card say how it was trained (labels or not);
    `previous_metrics`, a metrics.json of an earlier release, adds it as a row for comparison; `trained_with` says
    how the shipped weights were trained when their run folder is not at hand (e.g. "10 labels per digit"). With
    `ship`, the model measured is first chosen among `runs` without labels (`ship_label_free_choice`) and copied to
    the shipped folder."""
    if ship and runs:
        shipped_run = ship_label_free_choice(runs)
        load.cache_clear()
    g = load("infogan")
    config = g.config
    m = measure(g, per_digit, seed, sweeps, sweep_steps)
    accuracy, assignment, names = m["picked_accuracy_per_digit"], m["category_to_digit"], m["continuous_names"]
    category_of = {d: c for c, d in enumerate(assignment) if d >= 0}
    slant_code, width_code = names.index("slant"), names.index("width")
    over = config.n_categories > 10
    rows = [[f"picked digit drawn (evaluator, {per_digit:,} per digit; the app's digit → category choice)",
             f"{100 * m['picked_accuracy']:.2f}%", "≥ 95%"],
            ["worst digit", f"{100 * min(accuracy):.1f}% (digit {accuracy.index(min(accuracy))})", "≥ 90%"],
            ["digit → category (accuracy)", " · ".join(f"{d}→{category_of[d]} ({100 * accuracy[d]:.0f}%)" for d in range(10)),
             f"{config.n_categories} categories, {'over-clustered: the purest one per digit' if over else 'one per digit'}"],
            [f"category purity (all {config.n_categories} categories, majority digit)", f"{100 * m['category_purity']:.2f}%", ""]]
    for code in range(config.n_continuous):
        bar = {"slant": f"magnitude ≥ {SLANT_BAR}", "width": f"magnitude ≥ {WIDTH_BAR}"}.get(names[code], "")
        rows.append([f"c{code + 1}: Spearman ρ with slant / with width (mean over {sweeps} sweeps)",
                     f"{m['spearman_slant'][code]:+.3f} / {m['spearman_width'][code]:+.3f}", f"named '{names[code]}'; {bar}"])
    metrics = dict(m)
    table = markdown_table(["figure", "value", "target"], rows)
    if shipped_run or trained_with:
        metrics["trained_with"] = trained_with or _run_settings(Path(shipped_run))
    if runs:
        chosen = [choose_checkpoint(Path(r)) for r in runs]
        for c in chosen:
            c["measured"] = measure(type(g).from_pretrained(c.pop("folder")).eval(), per_digit, seed, sweeps, sweep_steps)
            c["settings"] = _run_settings(Path(runs[chosen.index(c)]))
        # Runs measured before whose folders are gone (another machine) stay in the table: every run is reported.
        earlier = beside_weights_metrics().get("runs", [])
        for c in earlier:   # measured before the evaluator drew the model's own noise: a group of their own
            if "z_prior" not in c["measured"] and "N(0, I)" not in c["settings"]:
                c["settings"] += ", measured on N(0, I) noise"
        chosen = [c for c in earlier if c["run"] not in {x["run"] for x in chosen}] + chosen
        metrics["runs"] = chosen
        plot_runs([Path(r) for r in runs], local_folder("infogan") / "runs.png")
        table += "\n\n" + runs_table(chosen, json.loads(Path(previous_metrics).read_text()) if previous_metrics else None)
    write_metrics("infogan", metrics, table)
    # Stored beside the weights, so the app can say which category draws which digit, and how well.
    write_generation_config("infogan", category_to_digit=assignment, continuous_names=names,
                            picked_accuracy_per_digit=[round(a, 4) for a in accuracy])
    infogan_traversal(slant_code, seed)[0].save(local_folder("infogan") / "samples_slant.png")
    infogan_traversal(width_code, seed)[0].save(local_folder("infogan") / "samples_width.png")
    return metrics


def beside_weights_metrics() -> dict:
    """The shipped model's stored metrics.json, {} when there is none."""
    path = local_folder("infogan") / "metrics.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def runs_table(chosen: list[dict], previous: dict | None) -> str:
    """Every run's label-free choice and the evaluator's figures for it, their mean ± standard deviation, and an
    earlier release's figures for comparison."""
    def figures(m):
        return [f"{100 * m['picked_accuracy']:.1f}%", f"{100 * min(m['picked_accuracy_per_digit']):.1f}%",
                f"{coded(m, 'slant'):.2f}", f"{coded(m, 'width'):.2f}"]

    def hours(c):
        return f"{c['training_seconds'] / 3600:.1f} h" if "training_seconds" in c else "—"

    rows = [[c["run"], c["settings"], f"{c['step']:,} of {c['steps']:,}", hours(c),
             f"{c['label_free']['q_information']:.3f} / {c['label_free']['rho_slant']:.2f} / {c['label_free']['rho_width']:.2f}",
             *figures(c["measured"])] for c in chosen]
    for settings in dict.fromkeys(c["settings"] for c in chosen):   # mean ± sd over the runs of each recipe
        group = [c for c in chosen if c["settings"] == settings]
        if len(group) < 2:
            continue
        columns = [[100 * c["measured"]["picked_accuracy"] for c in group],
                   [100 * min(c["measured"]["picked_accuracy_per_digit"]) for c in group],
                   [coded(c["measured"], "slant") for c in group], [coded(c["measured"], "width") for c in group]]
        stats = [f"{np.mean(v):.1f} ± {np.std(v, ddof=1):.1f}" + ("%" if i < 2 else "") if i < 2 else
                 f"{np.mean(v):.2f} ± {np.std(v, ddof=1):.2f}" for i, v in enumerate(columns)]
        rows.append([f"mean ± sd over {len(group)} runs", settings, "", "", "", *stats])
    if previous:
        rows.append(["previous release", previous.get("trained_with", ""), "", "", "", *figures(previous)])
    timed = [c["training_seconds"] for c in chosen if "training_seconds" in c]
    return ("Runs (each chosen without labels: the logged step with the best label-free validation score — Q's "
            "information on 5,000 held-out real digits, bar 0.97, and the codes' |ρ| with slant and width — among "
            "the steps whose weights were kept; then measured by the evaluator). Training time: each run's whole "
            "length on one thread of a 2-core CPU shared with other work (wall clock, from its log); "
            f"{sum(timed) / 3600:.1f} h for the {len(timed)} runs timed here (— : run before its time was kept):\n\n"
            + markdown_table(["run", "settings", "chosen step", "training", "label-free: Q info / slant / width",
                              "picked digit drawn", "worst digit", "|ρ| slant", "|ρ| width"], rows))


def below_target(metrics: dict) -> list[Text]:
    """What the stored figures say misses its bar, in words (for the README and the tab)."""
    if "picked_accuracy" not in metrics:  # measured before the per-digit bar existed
        return [say("below.infogan_purity", percent=100 * metrics["category_purity"])]
    out = []
    worst = min(metrics["picked_accuracy_per_digit"])
    if metrics["picked_accuracy"] < 0.95 or worst < 0.9:
        out.append(say("below.infogan_picked", percent=100 * metrics["picked_accuracy"], worst=100 * worst))
    for name, bar in (("slant", SLANT_BAR), ("width", WIDTH_BAR)):  # the code named after a factor, vs its measure
        rho = coded(metrics, name)
        if rho < bar:
            out.append(say("below.infogan_code", name=say(f"infogan.code.{name}"), rho=rho, target=bar))
    return out


def plain_words(metrics: dict) -> Text:
    """What the model does and how well, in words a learner knows (the tab's first line)."""
    how = metrics.get("trained_with", "unsupervised")
    labels = re.search(r"(\d+) labels per digit", how)
    groups = re.search(r"(\d+) categories", how)
    if labels:
        how = say("plain.infogan.labelled", labels=labels.group(1))
    elif groups and groups.group(1) != "10":   # over-clustered: each digit drawn by its purest group
        how = say("plain.infogan.overclustered", groups=groups.group(1))
    else:
        how = say("plain.infogan.unsupervised")
    return say("plain.infogan", percent=round(100 * metrics["picked_accuracy"]), how=how)


def quality_line(metrics: dict) -> Text:
    if "picked_accuracy" not in metrics:
        return say("quality_line.infogan_purity", purity=100 * metrics["category_purity"])
    how = metrics.get("trained_with", "")
    key = "quality_line.infogan_unsupervised" if how.startswith("unsupervised") else ("quality_line.infogan_with" if how else "quality_line.infogan")
    how_zh = re.sub(r"(\d+) labels per digit", r"每个数字 \1 个标签", how).replace(" categories", " 个类别").replace(", ", "，")
    return say(key, picked=100 * metrics["picked_accuracy"], worst=100 * min(metrics["picked_accuracy_per_digit"]),
               how=how, how_zh=how_zh)   # `how` is recorded in English; how_zh is its Chinese for the Chinese text


def plot_runs(run_dirs: list[Path], picture: Path) -> None:
    """Each run's label-free validation curve (Q's information on held-out real digits) in one plot."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ...training.loop import read_log

    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=100)
    for run in run_dirs:
        points = [(r["step"], r["validation"]["q_information"]) for r in read_log(run)
                  if "validation" in r and "q_information" in r["validation"]]
        if points:
            ax.plot(*zip(*points), label=f"{run.name} ({_run_settings(run)})", lw=1)
    ax.set_xlabel("step (batch 128)")
    ax.set_ylabel("Q's information on held-out digits")
    ax.set_ylim(0, 1)
    ax.axhline(LABEL_FREE_BARS["q_information"], color="grey", lw=0.5, ls="--")
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(picture)
    plt.close(fig)


def _run_settings(run: Path) -> str:
    """What set a run apart: the settings its training state records (training/loop.py saves them with it), else
    its stdout record `<run>.out`."""
    from .recipe import InfoGANTrainConfig  # the defaults, which need no mention

    settings = _saved_settings(run)
    if settings:
        categories = settings["model"].get("n_categories", 10)
        labels = settings["training"].get("labels_per_digit", 0)
        lambda_cont = settings["training"].get("lambda_cont", InfoGANTrainConfig.lambda_cont)
    else:
        out = run.parent / f"{run.name}.out"
        text = out.read_text(errors="replace")[:2000] if out.is_file() else ""
        categories = 20 if "n_categories=20" in text else 10
        match = re.search(r"labels_per_digit=(\d+)", text)
        labels = int(match.group(1)) if match else 0
        match = re.search(r"lambda_cont=([0-9.e-]+)", text)
        lambda_cont = float(match.group(1)) if match else InfoGANTrainConfig.lambda_cont
    parts = [f"{labels} labels per digit" if labels else "unsupervised", f"{categories} categories"]
    if float(lambda_cont) != InfoGANTrainConfig.lambda_cont:
        parts.append(f"λ_cont {float(lambda_cont):g}")
    return ", ".join(parts)


def _saved_settings(run: Path) -> dict | None:
    """The configs a run was started with, from its training state's metadata; None without one."""
    from safetensors import safe_open

    state = run / "state.safetensors"
    if not state.is_file():
        return None
    with safe_open(state, "pt") as f:
        return json.loads(f.metadata().get("settings", "null"))
