/**
 * A picture of a part: the XY moves (G0/G1) of its G-code drawn as an SVG polyline (built with DOM calls,
 * scaled into the SVG's viewBox; G-code's Y grows upwards, SVG's downwards, so Y is flipped).
 * @module toolpath
 */

const SVG = 'http://www.w3.org/2000/svg';
const MAX_POINTS = 4000;

/**
 * The XY points a G-code program moves through (G0/G1, absolute G90 or relative G91 positioning).
 * @param {string} gcode
 * @returns {[number, number][]}
 */
export function parseMoves(gcode) {
  /** @type {[number, number][]} */
  const points = [];
  let x = 0; let y = 0; let relative = false;
  for (const raw of gcode.split('\n')) {
    const line = raw.replace(/;.*$/, '').trim().toUpperCase();
    if (/^G9[01]\b/.test(line)) { relative = line.startsWith('G91'); continue; }
    if (!/^G0?[01]\b/.test(line)) continue;
    const nx = line.match(/X(-?[\d.]+)/); const ny = line.match(/Y(-?[\d.]+)/);
    if (!nx && !ny) continue;
    if (nx) x = relative ? x + Number(nx[1]) : Number(nx[1]);
    if (ny) y = relative ? y + Number(ny[1]) : Number(ny[1]);
    if (Number.isFinite(x) && Number.isFinite(y)) points.push([x, y]);
  }
  return points;
}

/**
 * An <svg class="toolpath"> of a G-code program's XY moves.
 * @param {string} gcode
 * @param {string} label what the picture shows (its accessible name)
 * @returns {SVGSVGElement}
 */
export function toolpathSvg(gcode, label) {
  let points = parseMoves(gcode);
  if (points.length > MAX_POINTS) {
    const step = Math.ceil(points.length / MAX_POINTS);
    points = points.filter((_, index) => index % step === 0);
  }
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'toolpath');
  svg.setAttribute('role', 'img');
  svg.setAttribute('viewBox', '0 0 100 100');
  svg.setAttribute('aria-label', points.length ? label : `${label}: no XY moves in the design`);
  if (!points.length) return svg;
  const xs = points.map((p) => p[0]); const ys = points.map((p) => p[1]);
  const [minX, maxY] = [Math.min(...xs), Math.max(...ys)];
  const size = Math.max(Math.max(...xs) - minX, maxY - Math.min(...ys)) || 1;
  const scale = 92 / size;
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', points.map(([px, py]) =>
    `${(4 + (px - minX) * scale).toFixed(2)},${(4 + (maxY - py) * scale).toFixed(2)}`).join(' '));
  svg.append(line);
  return svg;
}
