// StyleGAN in the page: the seeds, the mixing level and ψ redraw here, the single mix ("cell") and the mixing
// grid ("grid") alike; a seed's z and noise come from the server, once (model.generate: no random numbers inside).
import { cached, drawGrid, startTab } from "../../ui/static/inpage.js";

const COLUMNS = 5, ROWS = 3;   // the grid's sources A across the top, B down the left (inference.mixing_grid)

/** The (A, B) pairs of the grid's tiles after its blank corner: A's own samples, then per row B's own and the
 * five mixes. Each image has A's noise (for B's own sample, B is its A). */
function gridPairs(seedA, seedB) {
  const pairs = [];
  for (let i = 0; i < COLUMNS; i++) pairs.push([seedA + i, seedA + i]);
  for (let r = 0; r < ROWS; r++) {
    pairs.push([seedB + r, seedB + r]);
    for (let i = 0; i < COLUMNS; i++) pairs.push([seedA + i, seedB + r]);
  }
  return pairs;
}

export function start(element, props, server) {
  const inputs = cached((seed) => server.stylegan_seed(seed));   // z (z_dim numbers), then the noise
  startTab(element, props, async ({ generator }, canvas, seedA, seedB, level, psi) => {
    const grid = props.part === "grid";
    if (grid && (seedA + COLUMNS - 1 > props.max_seed || seedB + ROWS - 1 > props.max_seed)) {
      window.ganappInPage.useServer(props.tab);   // no room for the grid's seeds: the server says so
      return;
    }
    const pairs = grid ? gridPairs(seedA, seedB) : [[seedA, seedB]];
    const seen = await Promise.all(pairs.flat().map((seed) => inputs(seed)));
    const z = props.z_dim, n = pairs.length, noiseSize = seen[0].length - z, blocks = props.blocks;
    const zA = new Float32Array(n * z), zB = new Float32Array(n * z), noise = new Float32Array(n * noiseSize);
    const mix = new Float32Array(n * blocks);
    for (let k = 0; k < n; k++) {
      const a = seen[2 * k], b = seen[2 * k + 1];
      zA.set(a.subarray(0, z), k * z);
      zB.set(b.subarray(0, z), k * z);
      noise.set(a.subarray(z), k * noiseSize);
      for (const block of props.levels[level]) mix[k * blocks + block] = 1;
    }
    const output = await generator.run({
      z_a: [zA, [n, z]], z_b: [zB, [n, z]], mix: [mix, [n, blocks]],
      psi: [new Float32Array(n).fill(psi), [n, 1]], noise: [noise, [n, noiseSize]],
    });
    if (!grid) return drawGrid(canvas, output, props.value_range);
    const [, , h, w] = output.dims, tiles = new Float32Array((n + 1) * h * w);
    tiles.fill(props.value_range[0], 0, h * w);   // the blank corner
    tiles.set(output.data, h * w);
    drawGrid(canvas, { data: tiles, dims: [n + 1, 1, h, w] }, props.value_range, COLUMNS + 1, 4);
  });
}
