"""StyleGAN inference: style mixing, truncation and stochastic variation, each reproducible from seeds.

A seed gives a z (the style source) and, separately, the per-pixel noise: an image is fixed by the
seed of its styles plus the seed of its noise (the first source's, unless said otherwise)."""
from __future__ import annotations

import torch
from PIL import Image

from ... import load
from ...checks import MAX_SEED, InvalidInput, check_choice, check_float, check_int
from ...images import DIGIT_SCALE, grid
from ...sampling import device_of, seeded_noise
from . import LEVELS, MAX_PSI

NOISE_SEED_OFFSET = 1_000_003   # the noise of seed s is drawn from s + this, apart from its z


def styles(g, seeds: list[int], psi: float) -> torch.Tensor:
    """(len(seeds), w_dim): each seed's w, truncated towards the average w by ψ."""
    z = torch.cat([seeded_noise(s, 1, g.config.z_dim) for s in seeds]).to(device_of(g))
    return g.truncate(g.map(z), psi)


def blocks_of(levels) -> set[int]:
    """The synthesis blocks that the named levels ("coarse", "middle", "fine") cover."""
    return {block for level in levels for block in LEVELS[level]}


def noise_for(g, seed: int, n: int = 1, levels: tuple[str, ...] = tuple(LEVELS)) -> list[torch.Tensor | None]:
    """The per-pixel noise of `seed`, repeated for `n` images; blocks outside `levels` get none."""
    blocks_on = blocks_of(levels)
    noise = g.draw_noise(1, torch.Generator().manual_seed(seed + NOISE_SEED_OFFSET))
    return [nz.expand(n, -1, -1, -1) if block in blocks_on else None for nz, (block, _) in zip(noise, g.noise_shapes())]


def seed_inputs(seed) -> list[float]:
    """What the page needs of `seed` to draw it itself (model.onnx): its z (z_dim numbers), then its noise,
    flattened in the order of the graph's `noise` input (noise_size() numbers). The server stays the only source."""
    seed = check_int("seed", seed, 0, MAX_SEED)
    g = load("stylegan")
    noise = torch.cat([n.flatten(1) for n in noise_for(g, seed)], 1)
    return torch.cat([seeded_noise(seed, 1, g.config.z_dim), noise.cpu()], 1)[0].tolist()


def mix_ws(w_a: torch.Tensor, w_b: torch.Tensor, level: str, n_blocks: int) -> torch.Tensor:
    """(B, n_blocks, w_dim): A's w at every block except those of `level`, which take B's."""
    ws = w_a[:, None].repeat(1, n_blocks, 1)
    for block in LEVELS[level]:
        ws[:, block] = w_b
    return ws


@torch.inference_mode()
def mixed_images(seeds_a: list[int], seeds_b: list[int], level: str, psi: float) -> torch.Tensor:
    """(len(seeds_a), 1, 32, 32) in [-1, 1]: pairs (a, b) mixed at `level`, each with a's noise."""
    g = load("stylegan")
    ws = mix_ws(styles(g, seeds_a, psi), styles(g, seeds_b, psi), level, len(g.blocks))
    noise = [torch.cat(parts) for parts in zip(*(noise_for(g, a) for a in seeds_a))]
    return g.synthesis(ws, noise).clamp(-1, 1).cpu()


def check_mix(seed_a, seed_b, level, psi, max_psi: float = MAX_PSI) -> tuple[int, int, str, float]:
    return (check_int("seed_a", seed_a, 0, MAX_SEED), check_int("seed_b", seed_b, 0, MAX_SEED),
            check_choice("level", level, tuple(LEVELS)), check_float("psi", psi, 0.0, max_psi))


def stylegan_mix(seed_a, seed_b, level, psi) -> Image.Image:
    """128x128: A's styles everywhere except at `level`, where B's are used (A's own sample when the seeds match).
    ψ from 0 to 1, and a little beyond (up to MAX_PSI), as the tab's slider."""
    seed_a, seed_b, level, psi = check_mix(seed_a, seed_b, level, psi, MAX_PSI)
    return grid(mixed_images([seed_a], [seed_b], level, psi), nrow=1, value_range=(-1, 1), scale=DIGIT_SCALE, padding=0)


@torch.inference_mode()
def mixing_grid(seed_a, seed_b, level, psi, columns: int = 5, rows: int = 3) -> Image.Image:
    """The paper's figure: sources A across the top (seeds seed_a, seed_a + 1, ...), sources B down the left
    (seed_b, ...), and in each cell A's image with B's styles at `level`. The corner stays blank."""
    seed_a, seed_b, level, psi = check_mix(seed_a, seed_b, level, psi, MAX_PSI)
    if seed_a + columns - 1 > MAX_SEED or seed_b + rows - 1 > MAX_SEED:
        raise InvalidInput("stylegan.seed_room", columns=columns, most=MAX_SEED - columns + 1)
    seeds_a, seeds_b = list(range(seed_a, seed_a + columns)), list(range(seed_b, seed_b + rows))
    tops = mixed_images(seeds_a, seeds_a, level, psi)                                 # A's own samples
    lefts = mixed_images(seeds_b, seeds_b, level, psi)
    cells = [mixed_images(seeds_a, [b] * columns, level, psi) for b in seeds_b]
    blank = -torch.ones(1, 1, 32, 32)
    tiles = [blank, tops] + [t for b in range(rows) for t in (lefts[b:b + 1], cells[b])]
    return grid(torch.cat(tiles), nrow=columns + 1, value_range=(-1, 1), scale=3, padding=4)


@torch.inference_mode()
def truncation_strip(seed, psis=(0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2)) -> Image.Image:
    """One seed at several ψ: at 0 every seed gives the average image; at 1 the sample itself."""
    seed = check_int("seed", seed, 0, MAX_SEED)
    g = load("stylegan")
    w = g.map(seeded_noise(seed, 1, g.config.z_dim).to(device_of(g)))
    ws = torch.cat([g.truncate(w, p) for p in psis])[:, None].repeat(1, len(g.blocks), 1)
    noise = noise_for(g, seed, len(psis))
    return grid(g.synthesis(ws, noise).clamp(-1, 1).cpu(), nrow=len(psis), value_range=(-1, 1), scale=3, padding=4)


@torch.inference_mode()
def stochastic_variation(seed, psi, levels, draws: int = 6) -> tuple[Image.Image, Image.Image]:
    """One w, `draws` different noise draws (noise only at `levels`), and the per-pixel standard
    deviation over 64 draws (brighter = the noise changes it more), scaled to its own maximum."""
    seed, psi = check_int("seed", seed, 0, MAX_SEED), check_float("psi", psi, 0.0, MAX_PSI)
    levels = tuple(check_choice("level", lv, tuple(LEVELS)) for lv in (levels or ()))
    g = load("stylegan")
    n = 64
    ws = styles(g, [seed], psi)[:, None].repeat(n, len(g.blocks), 1)
    gen = torch.Generator().manual_seed(seed + 2 * NOISE_SEED_OFFSET)
    blocks_on = blocks_of(levels)
    noise = [nz if block in blocks_on else None for nz, (block, _) in zip(g.draw_noise(n, gen), g.noise_shapes())]
    images = g.synthesis(ws, noise).clamp(-1, 1).cpu()                      # (64, 1, 32, 32)
    std = images.std(0, keepdim=True)
    std_map = std / std.max().clamp_min(1e-6)                              # (1, 1, 32, 32) in [0, 1]
    return (grid(images[:draws], nrow=draws, value_range=(-1, 1), scale=3, padding=4),
            grid(std_map, nrow=1, value_range=(0, 1), scale=DIGIT_SCALE, padding=0))
