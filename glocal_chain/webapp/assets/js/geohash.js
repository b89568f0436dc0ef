/**
 * Geohashes (the base-32 cells hubs are registered in): encode a position, decode a cell's centre, and the
 * distance and bearing between two positions (for the plot of hubs around the buyer).
 * @module geohash
 */

const ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/**
 * @param {number} lat degrees
 * @param {number} lon degrees
 * @param {number} [precision] characters (7: about 150 m)
 * @returns {string}
 */
export function encode(lat, lon, precision = 7) {
  const range = [[-90, 90], [-180, 180]];
  let hash = '';
  let bits = 0;
  let value = 0;
  let even = true;
  while (hash.length < precision) {
    const [axis, coordinate] = even ? [range[1], lon] : [range[0], lat];
    const middle = (axis[0] + axis[1]) / 2;
    value <<= 1;
    if (coordinate >= middle) { value |= 1; axis[0] = middle; } else axis[1] = middle;
    even = !even;
    bits += 1;
    if (bits === 5) { hash += ALPHABET[value]; bits = 0; value = 0; }
  }
  return hash;
}

/**
 * The centre of a geohash cell.
 * @param {string} hash
 * @returns {{lat: number, lon: number}}
 */
export function decode(hash) {
  const range = [[-90, 90], [-180, 180]];
  let even = true;
  for (const char of hash.toLowerCase()) {
    const value = ALPHABET.indexOf(char);
    if (value < 0) throw new Error(`"${char}" is not a geohash character`);
    for (let bit = 4; bit >= 0; bit -= 1) {
      const axis = even ? range[1] : range[0];
      const middle = (axis[0] + axis[1]) / 2;
      if ((value >> bit) & 1) axis[0] = middle; else axis[1] = middle;
      even = !even;
    }
  }
  return { lat: (range[0][0] + range[0][1]) / 2, lon: (range[1][0] + range[1][1]) / 2 };
}

const RADIANS = Math.PI / 180;

/**
 * Distance (km, great circle) and bearing (degrees clockwise from north) from one position to another.
 * @param {{lat: number, lon: number}} from
 * @param {{lat: number, lon: number}} to
 * @returns {{km: number, bearing: number}}
 */
export function distanceAndBearing(from, to) {
  const [f1, f2] = [from.lat * RADIANS, to.lat * RADIANS];
  const dl = (to.lon - from.lon) * RADIANS;
  const a = Math.sin((f2 - f1) / 2) ** 2 + Math.cos(f1) * Math.cos(f2) * Math.sin(dl / 2) ** 2;
  const km = 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(a)));
  const y = Math.sin(dl) * Math.cos(f2);
  const x = Math.cos(f1) * Math.sin(f2) - Math.sin(f1) * Math.cos(f2) * Math.cos(dl);
  return { km, bearing: (Math.atan2(y, x) / RADIANS + 360) % 360 };
}
