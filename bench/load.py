"""The load generator of the API benchmark, run as its own process: open-loop requests at a fixed rate
(latency counted from each request's scheduled time, so a slow server cannot hide queueing), or
closed-loop with a fixed number of concurrent clients for the throughput ceiling. Prints JSON."""

from __future__ import annotations

import argparse
import json
import random
import threading
import time
from queue import Queue

import httpx


def _paths(kind: str, count: int, rng: random.Random, product: int, geohashes: list[str], orders: int) -> list[str]:
    if kind == "near":
        return [f"/v1/hubs/near?geohash={rng.choice(geohashes)}&product={product}" for _ in range(count)]
    return [f"/v1/orders/{rng.randint(1, orders)}" for _ in range(count)]


def open_loop(url: str, paths: list[str], rate: float, workers: int) -> dict[str, object]:
    queue: Queue[tuple[float, str] | None] = Queue()
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    ready = threading.Barrier(workers + 1)

    def work() -> None:
        with httpx.Client(base_url=url, timeout=10) as client:
            client.get("/healthz")  # connect (and build the client's SSL context) before the clock starts
            ready.wait()
            while (item := queue.get()) is not None:
                scheduled, path = item
                delay = scheduled - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                response = client.get(path)
                elapsed = time.perf_counter() - scheduled
                with lock:
                    latencies.append(elapsed)
                    errors[0] += response.status_code != 200

    threads = [threading.Thread(target=work) for _ in range(workers)]
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
    return {"latencies": latencies, "errors": errors[0], "achieved_rps": len(paths) / wall}


def closed_loop(url: str, paths: list[str], clients: int) -> dict[str, object]:
    queue: Queue[str | None] = Queue()
    for path in paths:
        queue.put(path)
    errors = [0]

    def work() -> None:
        with httpx.Client(base_url=url, timeout=10) as client:
            while True:
                try:
                    path = queue.get_nowait()
                except Exception:  # noqa: BLE001 - queue.Empty: done
                    return
                errors[0] += client.get(path).status_code != 200

    threads = [threading.Thread(target=work) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"rps": len(paths) / (time.perf_counter() - start), "errors": errors[0]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--kind", choices=["near", "order"], required=True)
    parser.add_argument("--mode", choices=["open", "closed"], required=True)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--product", type=int, default=1)
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--geohashes", default="")
    args = parser.parse_args()
    rng = random.Random(42)
    paths = _paths(args.kind, args.count, rng, args.product, args.geohashes.split(","), args.orders)
    if args.mode == "open":
        result = open_loop(args.url, paths, args.rate, workers=32)
    else:
        result = closed_loop(args.url, paths, args.clients)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
