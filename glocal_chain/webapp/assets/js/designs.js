/**
 * Uploading a design file to the API's store, authorised: the file's sha256 (crypto.subtle) signed by the
 * uploader (EIP-191 personal_sign of the upload message), sent with the bytes.
 * @module designs
 */

import { api } from './api.js';
import { checksumAddress } from './address.js';
import { personalSign } from './wallet.js';

/** @param {ArrayBuffer} bytes @returns {Promise<string>} 64 lowercase hex digits */
export async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The text the uploader signs. @param {string} sha256 @param {string} address checksummed */
export const uploadMessage = (sha256, address) => `glocal design upload\nsha256: ${sha256}\naddress: ${address}`;

/**
 * Hashes, signs and uploads a design file.
 * @param {File} file
 * @param {string} account the uploader
 * @param {(text: string) => void} progress
 * @returns {Promise<string>} the file's sha256 (64 hex)
 */
export async function uploadDesign(file, account, progress) {
  if (!file.size) throw new Error('The design file is empty.');
  const bytes = await file.arrayBuffer();
  const sha256 = await sha256Hex(bytes);
  const address = checksumAddress(account);
  progress(`Sign the upload of ${file.name} (sha256 ${sha256.slice(0, 12)}…) in your wallet.`);
  const signature = await personalSign(account, uploadMessage(sha256, address));
  progress(`Uploading ${file.name}…`);
  await api('/v1/designs', { method: 'POST', body: bytes, headers: { 'Content-Type': 'application/octet-stream',
    'X-Glocal-Address': address, 'X-Glocal-Design-Sha256': sha256, 'X-Glocal-Signature': signature } });
  return sha256;
}
