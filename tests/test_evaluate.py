"""The evaluation code paths on tiny data and tiny models (the real figures come from
`python -m ganapp.evaluate`, on the real data), plus the metric helpers on known cases."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import torch

from ganapp import metrics
from ganapp.families.cgan.evaluate import evaluate_cgan
from ganapp.families.classifier.evaluate import evaluate_classifier
from ganapp.families.cyclegan.evaluate import evaluate_cyclegan
from ganapp.families.infogan.evaluate import evaluate_infogan
from ganapp.families.vae.evaluate import evaluate_vae


def test_frechet_distance_known_cases():
    g = torch.Generator().manual_seed(0)
    a = torch.randn(4000, 3, generator=g)
    assert metrics.frechet_distance(a, a) == pytest.approx(0, abs=1e-6)
    # Shifting the mean by (1, 1, 1) adds 3; scaling by 2 adds tr((2-1)^2 I) = 3.
    assert metrics.frechet_distance(a, a + 1) == pytest.approx(3, abs=1e-6)
    assert metrics.frechet_distance(a, 2 * a) == pytest.approx(3, rel=0.02)


def test_ssim_known_cases():
    x = torch.rand(2, 1, 64, 64, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(metrics.ssim(x, x), torch.ones(2))
    assert (metrics.ssim(x, 1 - x) < 0).all()


def test_slant_and_ink_measures():
    img = torch.zeros(1, 1, 28, 28)
    for i in range(20):  # a stroke leaning right: top is further right
        img[0, 0, 4 + i, 18 - i // 2] = 1
    assert metrics.slant(img) > 0.3 and metrics.slant(img.flip(-1)) < -0.3
    assert metrics.ink(img) == 20
    assert metrics.spearman(np.arange(5), np.arange(5) ** 2) == pytest.approx(1)


@pytest.fixture
def writable_tiny(tiny, tmp_path, use_checkpoints):
    copy = tmp_path / "ck"
    shutil.copytree(tiny, copy)
    use_checkpoints(copy)
    return copy


def test_cgan_and_classifier_evaluations_run(writable_tiny, tiny_data):
    m = evaluate_cgan(tiny_data, per_class=4)
    assert 0 <= m["label_accuracy"] <= 1 and len(m["variety_ratio_per_digit"]) == 10
    assert m["label_accuracy"] == pytest.approx(sum(m["per_digit_accuracy"]) / 10)  # equal classes: the mean
    assert json.loads((writable_tiny / "cgan" / "metrics.json").read_text())["label_accuracy"] == m["label_accuracy"]
    assert (writable_tiny / "cgan" / "samples.png").is_file()
    # the classifier's figure, recomputed by hand from the same files
    from ganapp import load
    from ganapp.training.data import MNISTSampler

    test = MNISTSampler("test", tiny_data)
    by_hand = float((load("classifier")(test.images).argmax(1) == test.labels).float().mean())
    assert evaluate_classifier(tiny_data)["test_accuracy"] == pytest.approx(by_hand)


def test_vae_evaluation_runs(writable_tiny, tiny_data):
    m = evaluate_vae(tiny_data, baseline_epochs=1, n_triples=5, steps=4)
    assert m["test_negative_elbo"] > 0 and m["baseline_mlp_negative_elbo"] > 0
    assert (writable_tiny / "vae2d" / "latent_scatter.png").is_file()


def test_infogan_evaluation_stores_a_permutation_with_the_model(writable_tiny, tiny_data):
    m = evaluate_infogan(tiny_data, per_digit=20, sweeps=4)
    after = json.loads((writable_tiny / "infogan" / "generation_config.json").read_text())
    assert sorted(m["continuous_names"]) == ["slant", "width"] == sorted(after["continuous_names"])
    assert sorted(after["category_to_digit"]) == list(range(10)) and after["category_to_digit"] == m["category_to_digit"]
    assert m["picked_accuracy"] <= m["category_purity"]


def test_pick_categories_one_per_digit():
    counts = torch.eye(10, dtype=torch.long) * 10
    counts[3] = torch.tensor([0, 0, 0, 2, 0, 0, 0, 8, 0, 0])  # category 3 prefers 7, which category 7 draws purely
    assert metrics.pick_categories(counts) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert metrics.picked_accuracy(counts, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])[3] == pytest.approx(0.2)


def test_pick_categories_is_optimal_not_greedy():
    counts = torch.tensor([[10, 9], [9, 0]])  # greedy takes (0, 0) first and is left with 0
    assert metrics.pick_categories(counts) == [1, 0]


def test_pick_categories_over_clustered_takes_the_purest_and_leaves_the_rest():
    counts = torch.zeros(20, 10, dtype=torch.long)
    for c in range(20):
        counts[c, c % 10] = 10
        counts[c, (c + 1) % 10] = 5 if c < 10 else 1  # categories 10..19 are the purer of each pair
    picked = metrics.pick_categories(counts)
    assert picked[:10] == [-1] * 10 and picked[10:] == list(range(10))
    assert metrics.picked_accuracy(counts, picked) == pytest.approx([10 / 11] * 10)


def test_cyclegan_evaluation_runs_with_baselines(writable_tiny, tiny_data):
    chosen = evaluate_cyclegan(tiny_data, part="chroma")  # colour smoothing, chosen on held-out training images
    from ganapp import generation_config

    for name in ("cyclegan_photo2monet", "cyclegan_monet2photo"):
        assert generation_config(name)["chroma_sigma"] == chosen[name]
    m = evaluate_cyclegan(tiny_data)
    assert {"CycleGAN (ours)", "identity", "filter baselines"} <= set(m)
    assert m["identity"]["ssim_photo2monet"] == pytest.approx(1) and m["identity"]["cycle_l1_photo"] == 0
    # the identity's speckle is the source domain's, against the target's
    assert m["identity"]["speckle_ratio_photo2monet"] == pytest.approx(m["speckle_real"]["photo"] / m["speckle_real"]["monet"])
    assert (writable_tiny / "cyclegan_photo2monet" / "samples.png").is_file()


def test_map_square_holds_the_share_of_points_asked_for():
    g = torch.Generator().manual_seed(0)
    points = torch.randn(10000, 2, generator=g) * torch.tensor([1.0, 3.0]) + torch.tensor([5.0, -2.0])
    x0, y0, side = metrics.map_square(points, 0.98)
    inside = ((points[:, 0] >= x0) & (points[:, 0] <= x0 + side) & (points[:, 1] >= y0) & (points[:, 1] <= y0 + side))
    assert float(inside.double().mean()) == pytest.approx(0.98, abs=0.002)
    assert x0 + side / 2 == pytest.approx(5.0, abs=0.1) and y0 + side / 2 == pytest.approx(-2.0, abs=0.1)


def test_reach_share_sees_holes():
    square = (0.0, 0.0, 1.0)
    from ganapp.sampling import grid_points

    everywhere = grid_points(square, 32)
    assert metrics.reach_share(square, everywhere, 32) == 1.0
    left_half = everywhere[everywhere[:, 0] < 0.5]
    assert metrics.reach_share(square, left_half, 32) == pytest.approx(17 / 32)  # one column beyond is in reach


def test_infogan_runs_are_chosen_without_labels_from_their_logged_figures(tmp_path):
    """The chosen step is the kept one (snapshot, best or final) with the best label-free score: here step 500,
    whose categories are crisp (Q information 0.98) though step 250's codes are better; the run's settings come
    from its own stdout record; the curves are plotted."""
    from ganapp.families.infogan.evaluate import _run_settings, choose_checkpoint, plot_runs, runs_table
    from ganapp.families.infogan.measures import label_free_score

    run = tmp_path / "infogan-u-seed1"
    figures = {250: (0.81, 1.0, 0.9), 500: (0.98, 0.92, 0.85), 750: (0.97, 0.5, 0.2)}
    lines = [json.dumps({"step": s, "validation": {"q_information": q, "rho_slant": a, "rho_width": w}})
             for s, (q, a, w) in figures.items()] + [json.dumps({"step": 750, "seconds": 5400.0, "d": 1.0})]
    (run / "snapshots" / "step_000250" / "infogan").mkdir(parents=True)
    (run / "snapshots" / "step_000500" / "infogan").mkdir(parents=True)
    (run / "log.jsonl").write_text("\n".join(lines) + "\n")
    (run / "best.json").write_text(json.dumps({"step": 250, "value": 0.9}))
    (tmp_path / "infogan-u-seed1.out").write_text("training: (n_categories=10)")
    chosen = choose_checkpoint(run)
    assert (chosen["step"], chosen["steps"]) == (500, 750)
    assert chosen["folder"] == run / "snapshots" / "step_000500" / "infogan"
    assert chosen["label_free"]["score"] == label_free_score(dict(zip(("q_information", "rho_slant", "rho_width"),
                                                                      figures[500])))
    assert _run_settings(run) == "unsupervised, 10 categories"
    assert chosen["training_seconds"] == 5400.0   # the run's whole length, from its log: the card states it
    chosen["measured"] = {"picked_accuracy": 0.99, "picked_accuracy_per_digit": [0.98] * 10,
                          "continuous_names": ["slant", "width"], "spearman_slant": [0.95, 0.1],
                          "spearman_width": [0.2, 0.85]}
    chosen["settings"] = _run_settings(run)
    earlier = {**chosen, "run": "older"}
    del earlier["training_seconds"]
    table = runs_table([earlier, chosen], None)
    assert "1.5 h for the 1 runs timed here" in table
    assert "| infogan-u-seed1 | unsupervised, 10 categories | 500 of 750 | 1.5 h |" in table
    assert "| older | unsupervised, 10 categories | 500 of 750 | — |" in table
    plot_runs([run], tmp_path / "runs.png")
    assert (tmp_path / "runs.png").stat().st_size > 0


def test_colour_speckle_sees_colour_noise_not_luminance_detail():
    g = torch.Generator().manual_seed(0)
    ramp = torch.linspace(-0.8, 0.8, 64)
    smooth = torch.stack([ramp.view(1, -1).expand(64, 64), ramp.view(-1, 1).expand(64, 64), torch.zeros(64, 64)])[None]
    luma_noise = torch.randn(1, 1, 64, 64, generator=g).expand(1, 3, 64, 64) * 0.2   # grey noise: R = G = B
    chroma_noise = torch.randn(1, 3, 64, 64, generator=g) * 0.2
    base = float(metrics.colour_speckle(smooth))
    assert float(metrics.colour_speckle((smooth + luma_noise).clamp(-1, 1))) < 2 * base + 0.01
    assert float(metrics.colour_speckle((smooth + chroma_noise).clamp(-1, 1))) > 10 * base + 0.1


def test_domain_judge_evaluation_reports_accuracy_and_filter_checks(writable_tiny, tiny_data):
    from ganapp.families.domain.evaluate import evaluate_domain

    m = evaluate_domain(tiny_data)
    assert {"accuracy_photo", "accuracy_monet", "filtered_monet_called_photo", "filtered_photo_called_monet"} <= set(m)
    assert all(0 <= m[k] <= 1 for k in ("accuracy_photo", "accuracy_monet"))
    assert (writable_tiny / "domain_classifier" / "samples.png").is_file()


def test_text2digit_evaluation_measures_both_languages_and_every_attribute(writable_tiny, tiny_data):
    from ganapp.families.text2digit.captions import ATTRIBUTES, LANGUAGES
    from ganapp.families.text2digit.evaluate import evaluate_text2digit

    m = evaluate_text2digit(tiny_data, pairs=4)
    for language in LANGUAGES:
        assert 0 <= m[f"accuracy_{language}_held_out_templates"] <= 1
        assert set(m[f"pairs_{language}"]) == set(ATTRIBUTES)
    assert len(m["variety_ratio_per_digit"]) == 10
    assert (writable_tiny / "text2digit" / "samples.png").is_file()


def test_smooth_chroma_removes_colour_noise_and_keeps_luminance():
    from ganapp.families.cyclegan.inference import smooth_chroma
    from ganapp.images import to_ycbcr

    g = torch.Generator().manual_seed(0)
    x = (torch.rand(2, 3, 48, 48, generator=g) - 0.5) * 0.6   # well inside [-1, 1]: no clamping
    assert torch.equal(smooth_chroma(x, 0.0), x)
    y = smooth_chroma(x, 1.0)
    torch.testing.assert_close(to_ycbcr(y)[:, 0], to_ycbcr(x)[:, 0], atol=1e-5, rtol=0)
    assert float(metrics.colour_speckle(y).mean()) < 0.3 * float(metrics.colour_speckle(x).mean())


@pytest.mark.parametrize("noise", ["uniform", "gaussian"])
def test_infogan_measures_draw_the_noise_the_model_was_trained_with(noise, monkeypatch):
    """The evaluator reads samples drawn as the app draws them: z from the model's own prior. (It drew N(0, I) for
    every model, so a U(-1, 1)-trained generator was measured on noise it never saw: a third of its coordinates
    beyond ±1.)"""
    from ganapp.families.infogan import measures
    from ganapp.families.infogan.model import InfoGANConfig, InfoGANGenerator

    seen = []

    class Recording(InfoGANGenerator):
        def forward(self, z, category, continuous):
            seen.append(z)
            return super().forward(z, category, continuous)

    g = Recording(InfoGANConfig(hidden=32, noise=noise)).eval()
    monkeypatch.setattr(measures, "evaluator_outputs", lambda images: (torch.zeros(len(images), dtype=torch.long),))
    measures.category_counts(g, 50, torch.Generator().manual_seed(0))
    measures.code_correlations(g, [0, 1], 2, 5, torch.Generator().manual_seed(0))
    z = torch.cat(seen)
    if noise == "uniform":
        assert z.abs().max() <= 1
    else:
        assert z.abs().max() > 1.5


def test_the_shipped_infogan_is_the_best_label_free_choice_among_the_runs(tmp_path, monkeypatch):
    """`ship`: of the runs' own label-free choices, the one with the best label-free score is copied to the shipped
    folder, with its provenance; the page's ONNX copy of the old weights goes."""
    from ganapp.families.infogan.evaluate import ship_label_free_choice

    monkeypatch.setenv("GANAPP_CHECKPOINTS", str(tmp_path / "checkpoints"))
    (tmp_path / "checkpoints" / "infogan").mkdir(parents=True)
    (tmp_path / "checkpoints" / "infogan" / "model.onnx").write_text("old")
    runs = []
    for name, q in (("seed1", 0.93), ("seed11", 0.975), ("seed21", 0.95)):
        run = tmp_path / "runs" / name
        folder = run / "snapshots" / "step_000500" / "infogan"
        folder.mkdir(parents=True)
        (folder / "model.safetensors").write_text(name)
        (folder / "config.json").write_text("{}")
        (run / "log.jsonl").write_text(json.dumps({"step": 500, "validation": {"q_information": q, "rho_slant": 0.95,
                                                                                  "rho_width": 0.85}}) + "\n")
        runs.append(str(run))
    assert ship_label_free_choice(runs) == runs[1]
    shipped = tmp_path / "checkpoints" / "infogan"
    assert (shipped / "model.safetensors").read_text() == "seed11" and not (shipped / "model.onnx").exists()
    assert json.loads((shipped / "provenance.json").read_text())["run"] == "seed11"
