// The conditional GAN in the page: a digit or count change redraws here. A seed's noise comes from the server once
// (its 64 vectors, scaled by the measured noise scale); a picture of `count` samples uses the first `count`.
// The samples drawn so far are kept per digit (for the latest seed), so that a count change computes only the
// samples it adds and a digit seen before costs nothing: each sample depends on its own noise and label only.
import { cached, drawGrid, startTab } from "../../ui/static/inpage.js";

export function start(element, props, server) {
  const noise = cached((seed) => server.cgan_noise(seed));
  const kept = new Map();   // digit -> { count, data: the first `count` samples, dims: one sample's (1, 28, 28) }
  let keptSeed = null;
  startTab(element, props, async ({ generator }, canvas, digit, count, seed) => {
    const all = await noise(seed), zDim = all.length / props.max_count;
    if (seed !== keptSeed) {
      kept.clear();
      keptSeed = seed;
    }
    let have = kept.get(digit);
    if (!have || have.count < count) {
      const from = have ? have.count : 0, added = count - from;
      const output = await generator.run({
        z: [all.subarray(from * zDim, count * zDim), [added, zDim]],
        labels: [new BigInt64Array(added).fill(BigInt(digit)), [added]],
      });
      const size = output.data.length / added, data = new Float32Array(count * size);
      if (have) data.set(have.data.subarray(0, from * size));
      data.set(output.data, from * size);
      have = { count, data, dims: output.dims.slice(1) };
      kept.set(digit, have);
    }
    const [c, h, w] = have.dims;
    const shown = { data: have.data.subarray(0, count * c * h * w), dims: [count, c, h, w] };
    drawGrid(canvas, shown, props.value_range, Math.ceil(Math.sqrt(count)), count === 1 ? 0 : 2);
  });
}
