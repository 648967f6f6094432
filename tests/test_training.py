"""The training loop and every recipe, for a few steps on tiny data: it runs, logs, samples,
exports loadable models, and a resumed run continues exactly where an uninterrupted one goes."""
from __future__ import annotations

import dataclasses
import json

import pytest
import torch
from conftest import TINY, run
from safetensors.torch import load_file

from ganapp.registry import FAMILIES, MODELS
from ganapp.train import main as train_main


@pytest.mark.parametrize("model", sorted(TINY))
def test_recipe_trains_logs_samples_and_exports(model, tiny_data, tmp_path):
    run(model, tmp_path, tiny_data, 3)
    assert (tmp_path / "log.jsonl").read_text().count("\n") == 1
    assert sorted(p.name for p in (tmp_path / "samples").iterdir()) == ["step_000002.png", "step_000003.png"]
    exported = list((tmp_path / "final").iterdir())
    assert exported
    for folder in exported:
        MODELS[folder.name].model_class.from_pretrained(folder)  # loads strictly


@pytest.mark.parametrize("model", ["cgan", "cyclegan"])
def test_resume_continues_exactly(model, tiny_data, tmp_path):
    run(model, tmp_path / "straight", tiny_data, 4)
    run(model, tmp_path / "resumed", tiny_data, 2)
    run(model, tmp_path / "resumed", tiny_data, 4, "--resume")
    a = load_file(tmp_path / "straight" / "state.safetensors")
    b = load_file(tmp_path / "resumed" / "state.safetensors")
    assert a.keys() == b.keys() and any(k.startswith("optim.") for k in a)
    for key in a:
        assert torch.equal(a[key], b[key]), key


def test_validation_keeps_the_best_checkpoint_by_its_figure(tiny, tiny_data, tmp_path, monkeypatch):
    import ganapp.families.infogan.measures
    import ganapp.metrics

    def no_evaluator(*args, **kwargs):
        raise AssertionError("InfoGAN's model selection must use no evaluator (and no label)")

    for module in (ganapp.metrics, ganapp.families.infogan.measures):
        monkeypatch.setattr(module, "evaluator_outputs", no_evaluator)
    run("infogan", tmp_path, tiny_data, 4, "--validate-every", "2")
    figures = [r["validation"] for r in map(json.loads, (tmp_path / "log.jsonl").read_text().splitlines())
               if "validation" in r]
    assert len(figures) == 2 and all(0 <= f["q_information"] <= 1 for f in figures)
    best = json.loads((tmp_path / "best.json").read_text())
    # kept by how close it comes to all three label-free bars at once (the worst figure as a fraction of its bar)
    for f in figures:
        fractions = [min(1.0, v) for v in (f["q_information"] / 0.9, f["rho_slant"] / 0.9, f["rho_width"] / 0.8)]
        assert f["unsupervised_score"] == pytest.approx(min(fractions) + 0.01 * sum(fractions))
    assert best["value"] == max(f["unsupervised_score"] for f in figures)
    assert best["step"] == 2 * (1 + [f["unsupervised_score"] for f in figures].index(best["value"]))
    MODELS["infogan"].model_class.from_pretrained(tmp_path / "best" / "infogan")


def test_unknown_override_is_refused(tiny_data, tmp_path):
    with pytest.raises(SystemExit, match="unknown field 'nope'"):
        train_main(["vae", "--data", str(tiny_data), "--run-dir", str(tmp_path), "--set", "nope=1"])


def test_export_keeps_the_measured_generation_config(tiny_data, tmp_path):
    """Measured sampling settings live beside the architecture and survive re-exporting the weights."""
    measured = tmp_path / "checkpoints" / "cgan" / "generation_config.json"
    measured.parent.mkdir(parents=True)
    measured.write_text('{"noise_scale": 0.8}')
    run("cgan", tmp_path / "run", tiny_data, 2, "--export", str(tmp_path / "checkpoints"))
    assert measured.read_text() == '{"noise_scale": 0.8}'
    assert "noise_scale" not in (measured.parent / "config.json").read_text()


def test_a_saved_run_is_neither_overwritten_nor_resumed_with_other_settings(tiny_data, tmp_path):
    run("cgan", tmp_path, tiny_data, 2)
    with pytest.raises(SystemExit, match="--resume"):
        run("cgan", tmp_path, tiny_data, 2)  # fresh run over a saved one
    with pytest.raises(SystemExit, match="lr: saved 0.0002, now 0.001"):
        run("cgan", tmp_path, tiny_data, 4, "--resume", "--set", "lr=1e-3")
    run("cgan", tmp_path, tiny_data, 4, "--resume")  # same settings, more steps: fine
    run("cgan", tmp_path, tiny_data, 2, "--force")  # afresh, on purpose


def test_resume_after_a_crash_logs_each_step_once(tiny_data, tmp_path):
    import json

    run("vae", tmp_path, tiny_data, 4, "--save-every", "1e9")  # state saved only at the end (step 4)
    log = tmp_path / "log.jsonl"
    log.write_text(log.read_text() + json.dumps({"step": 5, "seconds": 0, "loss": 1.0}) + "\n")  # logged, then crashed
    run("vae", tmp_path, tiny_data, 8, "--resume")
    steps = [json.loads(line)["step"] for line in log.read_text().splitlines()]
    assert len(steps) == len(set(steps)) and steps[-1] == 8


def test_set_values_are_typed_like_their_field():
    from ganapp.families.cgan.recipe import CGANRecipe
    from ganapp.train import apply_overrides

    model, train = apply_overrides([CGANRecipe.model_config_class(), CGANRecipe.train_config_class()],
                                   ["steps=1e4", "lr=3e-4", "z_dim=32"])
    assert (train.steps, train.lr, model.z_dim) == (10000, 3e-4, 32) and isinstance(train.steps, int)
    with pytest.raises(SystemExit, match="expected a value like"):
        apply_overrides([train], ["steps=1.5"])


def test_infogan_semi_supervision_uses_only_its_handful_of_labels(tiny_data, tmp_path):
    from ganapp.families.infogan.recipe import InfoGANRecipe

    model, train = InfoGANRecipe.model_config_class(z_dim=8, hidden=32), InfoGANRecipe.train_config_class(
        batch_size=8, labels_per_digit=2, sup_batch=4)
    recipe = InfoGANRecipe(model, train, data_root=tiny_data)
    assert len(recipe.labelled) == 20 and sorted(recipe.data.labels[recipe.labelled].tolist()) == sorted(list(range(10)) * 2)
    run("infogan", tmp_path, tiny_data, 2, "--set", "labels_per_digit=2")
    assert (tmp_path / "final" / "infogan" / "model.safetensors").is_file()


def test_a_run_with_tuple_settings_resumes(tiny_data, tmp_path):
    """StyleGAN's settings hold tuples (Adam's betas, the channels); saved as JSON lists, they must still match."""
    run("stylegan", tmp_path, tiny_data, 2)
    run("stylegan", tmp_path, tiny_data, 3, "--resume")
    assert json.loads((tmp_path / "log.jsonl").read_text().splitlines()[-1])["step"] == 3


@pytest.mark.parametrize("name,variational", [("vae2d", True), ("ae2d", False)])
def test_a_familys_other_models_train_by_name_with_their_presets(name, variational, tiny_data, tmp_path):
    tiny = [arg for o in FAMILIES["vae"].tiny_training if not o.startswith("latent_dim") for arg in ("--set", o)]
    train_main([name, "--steps", "2", "--data", str(tiny_data), "--run-dir", str(tmp_path), "--threads", "1",
                "--sample-every", "2", "--validate-every", "0", *tiny])
    assert [p.name for p in (tmp_path / "final").iterdir()] == [name]
    config = json.loads((tmp_path / "final" / name / "config.json").read_text())
    assert config["latent_dim"] == 2 and config["variational"] is variational
    MODELS[name].model_class.from_pretrained(tmp_path / "final" / name)


def test_export_publishes_the_best_checkpoint_not_the_last(tiny_data, tmp_path, monkeypatch):
    """`--export` ships what `best/` holds (here the first validation: the figure only falls), not the last weights."""
    from ganapp.families.infogan.recipe import InfoGANRecipe

    scores = iter([1.0, 0.5])
    monkeypatch.setattr(InfoGANRecipe, "validate", lambda self: {"unsupervised_score": next(scores)})
    run("infogan", tmp_path / "run", tiny_data, 4, "--validate-every", "2", "--export", str(tmp_path / "out"))
    assert json.loads((tmp_path / "run" / "best.json").read_text())["step"] == 2
    shipped = (tmp_path / "out" / "infogan" / "model.safetensors").read_bytes()
    assert shipped == (tmp_path / "run" / "best" / "infogan" / "model.safetensors").read_bytes()
    assert shipped != (tmp_path / "run" / "final" / "infogan" / "model.safetensors").read_bytes()
    provenance = json.loads((tmp_path / "out" / "infogan" / "provenance.json").read_text())
    assert (provenance["step"], provenance["run_steps"], provenance["chosen"]) == (2, 4, "best by validation")
    assert provenance["settings"]["training"]["steps"] == 4 and "model" in provenance["settings"]  # the recipe, as run


def test_no_validation_data_means_no_best_and_the_last_is_published(tiny_data, tmp_path):
    """The vae2d preset holds nothing out: no constant 'best' frozen at the first check; --export ships the last."""
    run("vae2d", tmp_path / "run", tiny_data, 4, "--validate-every", "2", "--export", str(tmp_path / "out"),
        "--set", "validation_size=0")  # the preset's value, which the tiny settings override
    assert not (tmp_path / "run" / "best.json").exists() and not (tmp_path / "run" / "best").exists()
    assert "validation" not in (tmp_path / "run" / "log.jsonl").read_text()
    assert (tmp_path / "out" / "vae2d" / "model.safetensors").read_bytes() == \
        (tmp_path / "run" / "final" / "vae2d" / "model.safetensors").read_bytes()


def test_a_weight_average_stays_in_eval_mode_while_the_networks_train(tiny_data, tmp_path, monkeypatch):
    """The loop trains only what an optimiser updates: StyleGAN's averaged generator is never put in train mode."""
    from ganapp.families.stylegan.recipe import StyleGANRecipe

    modes = []
    step = StyleGANRecipe.train_step

    def watched(self, *args):
        modes.append((self.g.training, self.g_ema.training))
        return step(self, *args)

    monkeypatch.setattr(StyleGANRecipe, "train_step", watched)
    run("stylegan", tmp_path, tiny_data, 3)
    assert modes == [(True, False)] * 3


def test_the_tuned_objectives_recipe_trains_resumes_and_publishes_its_command(tiny_data, tmp_path):
    """The objectives' tuned recipe (InfoGAN's networks, two time-scales, a weight average of G) resumes exactly,
    and the card's training command, rebuilt from the settings publishing records, parses back to those settings."""
    import shlex

    from ganapp.train import apply_overrides, command_for

    tuned = ["--set", "hidden=32", "--set", "lr_g=0.001", "--set", "dcgan_init=true", "--set", "d_batchnorm=true",
             "--set", "d_hidden=16", "--set", "ema_images=100"]
    run("objectives", tmp_path / "straight", tiny_data, 4, *tuned, "--export", str(tmp_path / "out"))
    run("objectives", tmp_path / "resumed", tiny_data, 2, *tuned)
    run("objectives", tmp_path / "resumed", tiny_data, 4, *tuned, "--resume")
    for name in ("g", "g_ema"):
        a, b = (load_file(tmp_path / r / "state.safetensors") for r in ("straight", "resumed"))
        assert all(torch.equal(a[k], b[k]) for k in a if k.startswith(name + "."))
    provenance = json.loads((tmp_path / "out" / "gan_nonsaturating" / "provenance.json").read_text())
    settings = provenance["settings"]
    command = command_for("objectives", settings, "runs/gan-nonsaturating")
    words = shlex.split(command)
    sets = [words[i + 1] for i, w in enumerate(words) if w == "--set"]
    recipe = FAMILIES["objectives"].part(FAMILIES["objectives"].recipe)
    model, training = apply_overrides([recipe.model_config_class(), recipe.train_config_class()], sets)
    assert (model.hidden, training.ema_images, training.d_batchnorm) == (32, 100.0, True)
    assert dataclasses.asdict(training) | {"steps": settings["training"]["steps"]} == settings["training"]


def test_a_state_saved_before_a_config_field_was_added_still_resumes(tmp_path):
    """A field added since a state was saved counts as its default, which the run trained with."""
    from safetensors.torch import save_file

    from ganapp.training.loop import check_settings

    path = tmp_path / "state.safetensors"
    saved = {"model": {"width": 64}, "training": {"steps": 10, "lr": 0.1}, "seed": 0}
    save_file({"x": torch.zeros(1)}, path, metadata={"settings": json.dumps(saved)})
    now = {"model": {"width": 64, "hidden": 0}, "training": {"steps": 20, "lr": 0.1, "ema": 0.0}, "seed": 0}
    defaults = {"model": {"width": 32, "hidden": 0}, "training": {"steps": 5, "lr": 0.2, "ema": 0.0}}
    check_settings(path, now, defaults)                       # the new fields at their defaults: the same run
    with pytest.raises(SystemExit, match="hidden"):
        check_settings(path, {**now, "model": {"width": 64, "hidden": 8}}, defaults)   # a new field changed: refused
