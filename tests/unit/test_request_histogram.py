"""The request histogram counts each latency in the bucket Prometheus means by `le`."""

from __future__ import annotations

from typing import Any

from service.metrics import BUCKETS, Metrics


def test_each_latency_counts_in_every_bucket_at_or_above_it() -> None:
    metrics = Metrics()
    scope: Any = {"method": "GET", "path_template": "/api/v1/clients/{client_id}"}
    for seconds in (0.001, 0.005, 0.007, 20.0):  # 0.005 is on a bound: `le` includes it
        metrics.observe(scope, 200, seconds)
    metrics.observe(scope, 404, 0.2)
    [family] = [f for f in metrics.registry.collect() if f.name.endswith("duration_seconds")]
    samples = {
        (s.labels["status"], s.name.rsplit("_", 1)[1], s.labels.get("le")): s.value
        for s in family.samples
    }
    assert samples[("200", "bucket", "0.005")] == 2
    assert samples[("200", "bucket", "0.01")] == 3
    assert samples[("200", "bucket", str(BUCKETS[-1]))] == 3
    assert samples[("200", "bucket", "+Inf")] == 4
    assert samples[("200", "count", None)] == 4
    assert abs(samples[("200", "sum", None)] - 20.013) < 1e-9
    assert samples[("404", "bucket", "0.1")] == 0
    assert samples[("404", "bucket", "0.25")] == 1
