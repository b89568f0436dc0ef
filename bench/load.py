"""The load generator of the API benchmarks, run as its own process: open-loop requests at a fixed rate
(latency counted from each request's scheduled time, so a slow server cannot hide queueing), or
closed-loop with a fixed number of concurrent clients for the throughput ceiling (a fixed count of
requests, or as many as fit in `--duration` seconds). `--url` may list several API processes (comma
separated): workers and clients are spread over them in turn. A request that fails or times out counts as
an error. Prints JSON."""

from __future__ import annotations

import argparse
import json
import random
import statistics
import threading
import time
from collections import Counter
from queue import Queue

import httpx


def percentile_ms(seconds: list[float], q: float) -> float:
    """The `q` quantile (0.5, 0.99 ...) of latencies in seconds, in milliseconds to 0.01."""
    return round(statistics.quantiles(seconds, n=1000)[int(q * 1000) - 1] * 1000, 2)


def _paths(kind: str, count: int, rng: random.Random, product: int, geohashes: list[str], orders: int) -> list[str]:
    if kind == "near":
        return [f"/v1/hubs/near?geohash={rng.choice(geohashes)}&product={product}" for _ in range(count)]
    return [f"/v1/orders/{rng.randint(1, orders)}" for _ in range(count)]


def _get(client: httpx.Client, path: str) -> str | None:
    """None if `path` answered 200, else what went wrong: the status, or the error (refused, timed out)."""
    try:
        status = client.get(path).status_code
    except httpx.HTTPError as exc:
        return type(exc).__name__
    return None if status == 200 else str(status)


def open_loop(urls: list[str], paths: list[str], rate: float, workers: int) -> dict[str, object]:
    queue: Queue[tuple[float, str] | None] = Queue()
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    lock = threading.Lock()

    ready = threading.Barrier(workers + 1)

    def work(url: str) -> None:
        with httpx.Client(base_url=url, timeout=10) as client:
            client.get("/healthz")  # connect (and build the client's SSL context) before the clock starts
            ready.wait()
            while (item := queue.get()) is not None:
                scheduled, path = item
                delay = scheduled - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                error = _get(client, path)
                elapsed = time.perf_counter() - scheduled
                with lock:
                    latencies.append(elapsed)
                    if error is not None:
                        errors[error] += 1

    threads = [threading.Thread(target=work, args=(urls[i % len(urls)],)) for i in range(workers)]
    for thread in threads:
        thread.start()
    ready.wait()
    start = time.perf_counter() + 0.2
    for i, path in enumerate(paths):
        queue.put((start + i / rate, path))
    for _ in threads:
        queue.put(None)
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    return {"latencies": latencies, "errors": sum(errors.values()), "error_kinds": errors,
            "achieved_rps": len(paths) / wall}


def closed_loop(urls: list[str], paths: list[str], clients: int, duration: float | None = None) -> dict[str, object]:
    """Each client sends its next request when the last one answered: every path once, or (with
    `duration`) round the paths until the time is up."""
    queue: Queue[str | None] = Queue()
    for path in paths:
        queue.put(path)
    errors: Counter[str] = Counter()
    done = [0]
    lock = threading.Lock()
    deadline = None if duration is None else time.perf_counter() + duration

    def work(url: str) -> None:
        with httpx.Client(base_url=url, timeout=10) as client:
            while deadline is None or time.perf_counter() < deadline:
                try:
                    path = queue.get_nowait()
                except Exception:  # noqa: BLE001 - queue.Empty: done
                    return
                if deadline is not None:
                    queue.put(path)
                error = _get(client, path)
                with lock:
                    done[0] += 1
                    if error is not None:
                        errors[error] += 1

    threads = [threading.Thread(target=work, args=(urls[i % len(urls)],)) for i in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"rps": done[0] / (time.perf_counter() - start), "requests": done[0], "errors": sum(errors.values()),
            "error_kinds": errors}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True, help="an API's URL, or several, comma separated")
    parser.add_argument("--kind", choices=["near", "order"], required=True)
    parser.add_argument("--mode", choices=["open", "closed"], required=True)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--product", type=int, default=1)
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--geohashes", default="")
    parser.add_argument("--duration", type=float, default=None, help="closed loop: seconds instead of --count")
    parser.add_argument("--workers", type=int, default=32, help="open loop: threads sending the requests")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    started = time.perf_counter()
    rng = random.Random(args.seed)
    paths = _paths(args.kind, args.count, rng, args.product, args.geohashes.split(","), args.orders)
    urls = args.url.split(",")
    if args.mode == "open":
        result = open_loop(urls, paths, args.rate, args.workers)
    else:
        result = closed_loop(urls, paths, args.clients, args.duration)
    result["cpu_s"], result["wall_s"] = time.process_time(), time.perf_counter() - started
    print(json.dumps(result))


if __name__ == "__main__":
    main()
