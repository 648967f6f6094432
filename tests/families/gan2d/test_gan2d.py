"""The 2-D GAN: its exact densities, the JSD estimator against closed forms, D*, mode coverage, the live run's
frame and the /gan2d_train contract."""
from __future__ import annotations

import io
import math

import pytest
import torch

from ganapp.checks import InvalidInput
from ganapp.families.gan2d import live
from ganapp.families.gan2d.distributions import DISTRIBUTIONS, Mixture, built_in, drawn
from ganapp.families.gan2d.measures import KDE, coverage, jsd, optimal_discriminator, weighted_gap


def gaussian(x, y, sigma=0.1) -> Mixture:
    return Mixture("one", torch.tensor([[x, y]]), sigma, ((0,),))


@pytest.mark.parametrize("name", list(DISTRIBUTIONS))
def test_each_density_integrates_to_one_and_its_samples_follow_it(name):
    data = built_in(name)
    n = 400
    ticks = (torch.arange(n) + 0.5) / n * 4 - 2                       # [-2, 2]^2, cells of 0.01
    grid = torch.cartesian_prod(ticks, ticks)
    assert float(data.log_density(grid).exp().sum() * (4 / n) ** 2) == pytest.approx(1.0, abs=0.01)
    samples = data.sample(4000, torch.Generator().manual_seed(0))
    assert float(samples.abs().max()) < 1.0                           # inside the plane drawn
    # samples sit where the density is high: their mean log density beats that of uniform points
    uniform = torch.rand(4000, 2, generator=torch.Generator().manual_seed(1)) * 2 - 1
    assert float(data.log_density(samples).mean()) > float(data.log_density(uniform).mean()) + 1


def test_jsd_of_two_identical_gaussians_is_zero():
    g = torch.Generator().manual_seed(0)
    data = gaussian(0, 0)
    for _ in range(3):
        value, _ = jsd(data, data.sample(2000, g), data.sample(2000, g), data.sample(2000, g))
        assert value == pytest.approx(0.0, abs=0.02)


def test_jsd_of_two_far_apart_gaussians_is_log_2():
    g = torch.Generator().manual_seed(0)
    data, other = gaussian(-0.5, -0.5), gaussian(0.5, 0.5)
    value, _ = jsd(data, data.sample(2000, g), other.sample(2000, g), other.sample(2000, g))
    assert value == pytest.approx(math.log(2), abs=0.02)


def test_jsd_of_half_overlapping_gaussians_matches_numerical_integration():
    """Between the two: N(0, s²I) against N((d, 0), s²I), JSD by integrating on a fine grid."""
    g = torch.Generator().manual_seed(0)
    data, other = gaussian(0, 0, 0.1), gaussian(0.15, 0, 0.1)
    n = 600
    ticks = (torch.arange(n) + 0.5) / n * 1.6 - 0.65
    grid = torch.cartesian_prod(ticks, ticks)
    p, q = data.log_density(grid).double().exp(), other.log_density(grid).double().exp()
    m = (p + q) / 2
    cell = (1.6 / n) ** 2
    exact = float(0.5 * (p * (p / m).log()).nan_to_num().sum() * cell + 0.5 * (q * (q / m).log()).nan_to_num().sum() * cell)
    value, _ = jsd(data, data.sample(2000, g), other.sample(2000, g), other.sample(2000, g))
    assert 0.1 < exact < 0.5 and value == pytest.approx(exact, abs=0.02)


def test_kde_picks_a_narrow_kernel_for_tight_samples_and_a_wide_one_for_spread_samples():
    g = torch.Generator().manual_seed(0)
    tight, spread = gaussian(0, 0, 0.01), gaussian(0, 0, 0.3)
    assert KDE(tight.sample(500, g), held_out=tight.sample(500, g)).bandwidth < 0.02
    assert KDE(spread.sample(500, g), held_out=spread.sample(500, g)).bandwidth > 0.05


def test_optimal_discriminator_is_a_half_where_the_densities_agree():
    g = torch.Generator().manual_seed(0)
    data = gaussian(0, 0, 0.2)
    p_g = KDE(data.sample(4000, g), bandwidth=0.01)
    assert float(optimal_discriminator(data, p_g, torch.zeros(1, 2))) == pytest.approx(0.5, abs=0.1)
    far = KDE(gaussian(0.8, 0.8, 0.05).sample(500, g))
    assert float(optimal_discriminator(data, far, torch.zeros(1, 2))) > 0.99
    assert float(optimal_discriminator(data, far, torch.tensor([[0.8, 0.8]]))) < 0.01


def test_weighted_gap_ignores_places_without_mass():
    d, d_star = torch.tensor([0.0, 1.0]), torch.tensor([0.0, 0.0])
    assert weighted_gap(d, d_star, torch.tensor([1.0, 0.0])) == 0.0
    assert weighted_gap(d, d_star, torch.tensor([1.0, 1.0])) == pytest.approx(0.5)


def test_coverage_counts_modes_holding_one_percent_within_three_sigma():
    ring = built_in("ring8")
    on_three = ring.centres[torch.arange(300) % 3]                     # exactly on 3 of the 8 centres
    stray = torch.full((100, 2), 0.0)                                   # the centre of the ring: no mode
    figures = coverage(ring, torch.cat([on_three, stray]))
    assert figures == {"modes_covered": 3, "modes_total": 8, "high_quality_share": pytest.approx(0.75)}
    assert coverage(ring, ring.sample(2000, torch.Generator().manual_seed(0)))["modes_covered"] == 8


def test_a_drawn_distribution_is_one_small_gaussian_per_point():
    data = drawn([[0.1, 0.2], [-0.5, 0.5]])
    assert torch.allclose(data.centres, torch.tensor([[0.1, 0.2], [-0.5, 0.5]])) and len(data.modes) == 2
    with pytest.raises(InvalidInput):
        live.check_distribution("drawn", [])
    with pytest.raises(InvalidInput):
        live.check_distribution("drawn", [["a", "b"]])


def test_training_d_alone_leaves_g_unchanged_and_moves_d_towards_d_star():
    run = live.Run2D(built_in("ring8"), "nonsaturating", 0)
    run.mode = "train"
    run.train_steps(30)
    before = [p.clone() for p in run.g.parameters()]
    gap_before = run.d_star_gap(500)[0]
    run.mode = "d_only"
    run.train_steps(300)
    assert all(torch.equal(a, b) for a, b in zip(before, run.g.parameters()))
    assert run.d_only_steps == 300 and run.step == 30
    assert run.d_star_gap(500)[0] < gap_before


@pytest.mark.parametrize("objective", live.OBJECTIVES_2D)
def test_every_objective_trains_and_draws_a_frame(objective):
    run = live.Run2D(built_in("moons"), objective, 1, live.check_model(1, "uniform", 2, 16))
    run.mode = "train"
    run.train_steps(3)
    run.measure_curves()
    frame = run.frame()
    assert len(frame["real"]) == len(frame["fake"]) == 2 * live.SHOWN
    assert len(frame["arrows"]) == 4 * live.ARROWS and len(frame["mesh"]) == 1   # 1-D noise: one line
    assert frame["heat"].startswith("data:image/png;base64,") and frame["curves"]["step"] == [3]
    assert (frame["gap"] is None) == (objective not in live.DSTAR_COMPARABLE)
    assert all(math.isfinite(v) for v in frame["fake"])


def test_gan2d_train_is_deterministic_and_reports_its_figures():
    png = lambda img: (img.save(buf := io.BytesIO(), format="PNG"), buf.getvalue())[1]  # noqa: E731
    (a, figures_a), (b, figures_b) = (live.gan2d_train("ring8", "lsgan", 20, 3) for _ in range(2))
    assert png(a) == png(b) and figures_a == figures_b
    assert set(figures_a) == {"modes_covered", "modes_total", "high_quality_share", "jsd"}
    assert figures_a["modes_total"] == 8 and 0 <= figures_a["jsd"] <= math.log(2)


@pytest.mark.parametrize("args", [("circle", "lsgan", 10, 0), ("ring8", "capsgan", 10, 0), ("ring8", "lsgan", 0, 0),
                                  ("ring8", "lsgan", 20001, 0), ("ring8", "lsgan", 10, -1), ("drawn", "lsgan", 10, 0)])
def test_gan2d_train_refuses_bad_inputs(args):
    with pytest.raises(InvalidInput):
        live.gan2d_train(*args)
