// The conditional GAN in the page: a digit or count change redraws here. A seed's noise comes from the server once
// (its 64 vectors, scaled by the measured noise scale); a picture of `count` samples uses the first `count`.
import { cached, drawGrid, startTab } from "../../ui/static/inpage.js";

export function start(element, props, server) {
  const noise = cached((seed) => server.cgan_noise(seed));
  startTab(element, props, async ({ generator }, canvas, digit, count, seed) => {
    const all = await noise(seed), zDim = all.length / props.max_count;
    const output = await generator.run({
      z: [all.subarray(0, count * zDim), [count, zDim]],
      labels: [new BigInt64Array(count).fill(BigInt(digit)), [count]],
    });
    drawGrid(canvas, output, props.value_range, Math.ceil(Math.sqrt(count)), count === 1 ? 0 : 2);
  });
}
