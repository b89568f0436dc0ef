/**
 * Live orders: the API's server-sent events (/v1/orders/stream), reopened after a failure.
 * @module live
 */

const RETRY_MS = [1000, 2000, 5000, 10000];

/**
 * Follows the orders a filter selects; `onOrders` gets the whole list at once and each time it changes.
 * @param {Record<string, string | number>} filter e.g. {buyer: "0x.."} or {hub: 3}
 * @param {(orders: any[]) => void} onOrders
 * @param {(connected: boolean) => void} [onState] told when the stream opens or breaks
 * @returns {() => void} stops following
 */
export function followOrders(filter, onOrders, onState = () => {}) {
  const url = `/v1/orders/stream?${new URLSearchParams(/** @type {any} */ (filter))}`;
  /** @type {EventSource | null} */
  let source = null;
  let failures = 0;
  let stopped = false;
  /** @type {number | undefined} */
  let timer;

  const open = () => {
    if (stopped) return;
    source = new EventSource(url);
    source.addEventListener('orders', (event) => {
      failures = 0;
      onState(true);
      onOrders(JSON.parse(/** @type {MessageEvent} */ (event).data));
    });
    source.addEventListener('error', () => {
      onState(false);
      if (source && source.readyState === EventSource.CLOSED) {  // the browser gave up (e.g. a 503): retry later
        source = null;
        timer = window.setTimeout(open, RETRY_MS[Math.min(failures, RETRY_MS.length - 1)]);
        failures += 1;
      }
    });
  };
  open();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
    if (source) source.close();
  };
}
