"""`glocal demo` acts out the scenario on its own fresh chain and leaves nothing behind."""

import re

from glocal_chain.demo.scenario import run


def test_demo_ends_every_order_and_conserves_money_if_run_twice():
    for _ in range(2):  # a second run works too: each run starts its own chain
        lines: list[str] = []
        result = run(lines.append)
        text = "\n".join(lines)
        assert result.orders == {"delivered": 1, "resolved": 2, "cancelled": 3}
        assert "escrow holds 0.0 gUSD after every order ended" in text
        changes = [float(sign + amount) for sign, amount in
                   re.findall(r"^  \w[\w ()]+?\s+[\d.]+\s+[\d.]+ ([+-])\s+([\d.]+)$", text, re.M)]
        assert len(changes) == 4 and abs(sum(changes)) < 1e-9  # what the buyer paid, the others received
        assert "order 1 (delivered): OrderPlaced -> OrderAccepted -> OrderShipped -> DeliveryConfirmed" in text
        assert "order 3 (refunded): OrderPlaced -> OrderRefunded" in text
        assert text.count("printed and marked shipped on chain by the agent") == 2  # by the real agent
        assert "courier webhook -> oracle: HTTP 202" in text  # the oracle service, over HTTP
        assert "asks the API (GET /v1/hubs/near): hub 1 0.0 km, hub 2 601.6 km -> hub 1" in text
