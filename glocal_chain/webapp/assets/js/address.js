/**
 * Addresses: the EIP-55 checksummed form (what the design-upload message names) and a short form for people.
 * Holds a compact keccak-256 (the hash EIP-55 uses; the browser has no built-in one).
 * @module address
 */

const MASK = (1n << 64n) - 1n;
/** @param {bigint} x @param {number} n */
const rotl = (x, n) => (n ? ((x << BigInt(n)) | (x >> BigInt(64 - n))) & MASK : x);

/** The 24 round constants, from the LFSR of the Keccak reference. */
const ROUND_CONSTANTS = (() => {
  const out = [];
  let lfsr = 1;
  for (let round = 0; round < 24; round += 1) {
    let constant = 0n;
    for (let j = 0; j < 7; j += 1) {
      if (lfsr & 1) constant |= 1n << BigInt((1 << j) - 1);
      lfsr = lfsr & 0x80 ? ((lfsr << 1) ^ 0x71) & 0xff : (lfsr << 1) & 0xff;
    }
    out.push(constant);
  }
  return out;
})();

/** @param {bigint[]} a the 25 lanes, a[x + 5y] */
function permute(a) {
  for (const constant of ROUND_CONSTANTS) {
    const c = [0, 1, 2, 3, 4].map((x) => a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20]);
    for (let x = 0; x < 5; x += 1) {
      const d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
      for (let y = 0; y < 25; y += 5) a[x + y] ^= d;
    }
    let x = 1; let y = 0; let current = a[1];
    for (let t = 0; t < 24; t += 1) {
      [x, y] = [y, (2 * x + 3 * y) % 5];
      const next = a[x + 5 * y];
      a[x + 5 * y] = rotl(current, ((t + 1) * (t + 2) / 2) % 64);
      current = next;
    }
    for (let row = 0; row < 25; row += 5) {
      const lanes = a.slice(row, row + 5);
      for (let i = 0; i < 5; i += 1) a[row + i] = lanes[i] ^ (~lanes[(i + 1) % 5] & MASK & lanes[(i + 2) % 5]);
    }
    a[0] ^= constant;
  }
}

/**
 * keccak-256 (Ethereum's, not SHA3-256) of bytes, as 64 hex digits.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function keccak256(bytes) {
  const rate = 136;
  const padded = new Uint8Array(Math.floor(bytes.length / rate + 1) * rate);
  padded.set(bytes);
  padded[bytes.length] ^= 0x01;
  padded[padded.length - 1] ^= 0x80;
  const state = new Array(25).fill(0n);
  for (let block = 0; block < padded.length; block += rate) {
    for (let lane = 0; lane < rate / 8; lane += 1) {
      let value = 0n;
      for (let b = 7; b >= 0; b -= 1) value = (value << 8n) | BigInt(padded[block + lane * 8 + b]);
      state[lane] ^= value;
    }
    permute(state);
  }
  let hex = '';
  for (let lane = 0; lane < 4; lane += 1) {
    for (let b = 0; b < 8; b += 1) hex += Number((state[lane] >> BigInt(8 * b)) & 0xffn).toString(16).padStart(2, '0');
  }
  return hex;
}

/**
 * The EIP-55 checksummed form of an address.
 * @param {string} address 0x and 40 hex digits, any case
 * @returns {string}
 */
export function checksumAddress(address) {
  const plain = address.toLowerCase().replace(/^0x/, '');
  const hash = keccak256(new TextEncoder().encode(plain));
  let out = '0x';
  for (let i = 0; i < 40; i += 1) out += parseInt(hash[i], 16) >= 8 ? plain[i].toUpperCase() : plain[i];
  return out;
}

/** @param {string} a @param {string} b @returns {boolean} whether two addresses are the same */
export const sameAddress = (a, b) => Boolean(a && b) && a.toLowerCase() === b.toLowerCase();

/** @param {string} address @returns {string} "0x1234…abcd" */
export const shortAddress = (address) => (address ? `${address.slice(0, 6)}…${address.slice(-4)}` : '');
