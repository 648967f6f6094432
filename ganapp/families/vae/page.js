// The 2-D latent maps in the page: the map is decoded here (16 x 16 points at once), and moving the pointer over it
// (or touching it) decodes that very point, live, with no request to the server.
import { drawGrid, hideById, latestOnly, open, ready, say, useServer, whenShown } from "../../ui/static/inpage.js";

export function start(element, props) {
  const box = element.querySelector(".inpage-box");
  const [point, map] = element.querySelectorAll("canvas");   // the decoded point first: what /latent_decode draws
  const note = element.querySelector(".inpage-note");
  map.setAttribute("aria-label", say(props.label));
  whenShown(element, async () => {
    let decoder;
    note.textContent = say(props.loading_note);
    try {
      decoder = await open(props.static_dir, props.models.decoder);
    } catch (error) {
      console.warn(`ganapp: ${props.tab} is drawn on the server:`, error);
      note.textContent = say(props.fallback_note);
      useServer(props.tab);
      return;
    }
    const [x0, y0, side] = props.square, n = props.tiles;
    // The centres of an n x n grid over the square, top row first, computed as sampling.grid_points does.
    const z = new Float32Array(2 * n * n);
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < n; col++) {
        z[2 * (row * n + col)] = x0 + ((col + 0.5) / n) * side;
        z[2 * (row * n + col) + 1] = y0 + ((n - 1 - row + 0.5) / n) * side;
      }
    }
    drawGrid(map, await decoder.run({ z: [z, [n * n, 2]] }), props.value_range, n, 0);
    box.classList.add("inpage-ready");
    for (const id of props.server_images) hideById(id);
    // (u, v) in 0-1 across from the left and up from the bottom, as /latent_decode takes them.
    ready(props.tab, async (u, v) => {
      const at = Float32Array.from([x0 + u * side, y0 + v * side]);
      drawGrid(point, await decoder.run({ z: [at, [1, 2]] }), props.value_range);
      note.textContent = say(props.point_note).replace("{x}", at[0].toFixed(2)).replace("{y}", at[1].toFixed(2));
      point.dataset.drawn = JSON.stringify([u, v]);
    });
    const follow = (event) => {
      const r = map.getBoundingClientRect();
      const u = Math.min(Math.max((event.clientX - r.left) / r.width, 0), 1);
      const v = Math.min(Math.max(1 - (event.clientY - r.top) / r.height, 0), 1);
      window.ganappInPage.request(props.tab, [u, v]);
    };
    map.addEventListener("pointermove", follow);
    map.addEventListener("pointerdown", follow);
    window.ganappInPage.request(props.tab, [0.5, 0.5]);   // the square's centre, until the pointer moves
  });
}
