/**
 * The API client: every call to /v1 goes through `api()`, which sends and reads JSON and turns the API's error
 * body ({"error": {"code", "message", "error_name"?, "error_args"?}}) into one clear sentence for a person.
 * @module api
 */

/** An API answer that is not a success; `message` is what the page shows. */
export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {number} status HTTP status (0 when the API could not be reached)
   * @param {string} code the API's error code, e.g. "revert"
   */
  constructor(message, status, code) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** Which contract refuses a transaction built at `path` (for the sentence naming it). */
function refuser(path) {
  if (/hub/.test(path) && !/order/.test(path)) return 'The hub registry';
  if (/product|version|offer/.test(path)) return 'The product registry';
  if (/vote|queue|execute/.test(path)) return 'The consortium';
  return 'The escrow';
}

/**
 * One sentence for an error body.
 * @param {string} path the request's path
 * @param {number} status
 * @param {any} body the decoded answer (may be null)
 * @returns {string}
 */
export function describeError(path, status, body) {
  const error = body && body.error ? body.error : {};
  const text = error.message || `the API answered ${status}`;
  if (error.code === 'revert') {
    const args = Object.values(error.error_args || {}).join(', ');
    return `${refuser(path)} would refuse this: ${error.error_name || 'an error'}(${args}). ${text}`;
  }
  if (error.code === 'insufficient_balance') {
    const symbol = (text.match(/[\d.]+ (\S+) \(/) || [])[1] || 'funds';
    return `Not enough ${symbol}: ${text}`;
  }
  if (error.code === 'chain_unavailable' || status === 503) return `The chain is unreachable: ${text}`;
  if (status === 429) return `Upload quota used up: ${text}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Calls the API.
 * @param {string} path e.g. "/v1/products?active=true"
 * @param {{method?: string, json?: any, body?: BodyInit, headers?: Record<string, string>, text?: boolean}} [options]
 *   `json`: a body to send as JSON; `body`: raw bytes; `text`: read the answer as text, not JSON
 * @returns {Promise<any>} the decoded answer
 * @throws {ApiError} with a sentence naming the problem
 */
export async function api(path, options = {}) {
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  let body = options.body;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  let response;
  try {
    response = await fetch(path, { method: options.method || (body ? 'POST' : 'GET'), headers, body });
  } catch (error) {
    throw new ApiError(`The API is unreachable: ${error.message || error}`, 0, 'unreachable');
  }
  if (response.ok) return options.text ? response.text() : response.json();
  let answer = null;
  try { answer = await response.json(); } catch { /* not JSON: a proxy's page */ }
  if (!answer && response.status >= 502) {
    throw new ApiError(`The API is unreachable: it answered ${response.status}`, response.status, 'unreachable');
  }
  throw new ApiError(describeError(path, response.status, answer), response.status,
    answer && answer.error ? answer.error.code : 'http_error');
}

/**
 * POSTs to a transaction builder.
 * @param {string} action e.g. "accept-order"
 * @param {object} fields the body
 * @returns {Promise<any>} `{transactions: [...], ...}`
 */
export function build(action, fields) {
  return api(`/v1/transactions/${action}`, { json: fields });
}

/** @type {Promise<any> | null} */
let network = null;

/** The network the API serves (/v1/network), asked once per page. @returns {Promise<any>} */
export function getNetwork() {
  if (!network) network = api('/v1/network').catch((error) => { network = null; throw error; });
  return network;
}

const INDEX_TIMEOUT_MS = 20000;
const INDEX_POLL_MS = 250;

/**
 * Waits until the API has indexed the chain up to `blockNumber`, so that what the page loads next shows what was
 * just sent (gives up quietly after a while: the live updates catch up later).
 * @param {number} blockNumber
 */
export async function waitForIndexed(blockNumber) {
  const until = Date.now() + INDEX_TIMEOUT_MS;
  while (Date.now() < until) {
    try {
      const body = await (await fetch('/healthz', { headers: { Accept: 'application/json' } })).json();
      if (typeof body.indexed_block === 'number' && body.indexed_block >= blockNumber) return;
    } catch {
      // the API answers again in a moment
    }
    await new Promise((resolve) => { setTimeout(resolve, INDEX_POLL_MS); });
  }
}
