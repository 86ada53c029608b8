"""The SELECTs that aggregate status_probes into status_5min and status_hourly.

With TimescaleDB they are the continuous aggregates' definitions (frozen in
status/migrations/0001_status_probes.py); on the native engine status.rollups runs them over the
claimed buckets. tests/status/test_engine.py checks both say the same, so the engines cannot drift.
"""

ROLLUP_5MIN_SELECT = """
SELECT
    time_bucket('5 minutes', time) AS bucket,
    model_id,
    region,
    AVG(availability) AS avg_availability,
    AVG(latency_p50) AS avg_latency_p50,
    AVG(latency_p95) AS avg_latency_p95,
    AVG(latency_p99) AS avg_latency_p99,
    AVG(error_rate) AS avg_error_rate,
    SUM(requests_per_minute) AS total_requests,
    SUM(tokens_per_minute) AS total_tokens,
    COUNT(*) AS probe_count
FROM status_probes
"""

ROLLUP_HOURLY_SELECT = """
SELECT
    time_bucket('1 hour', time) AS bucket,
    model_id,
    region,
    AVG(availability) AS avg_availability,
    MIN(availability) AS min_availability,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_p95) AS median_latency_p95,
    MAX(latency_p95) AS max_latency_p95,
    AVG(error_rate) AS avg_error_rate,
    SUM(requests_per_minute) AS total_requests,
    SUM(tokens_per_minute) AS total_tokens
FROM status_probes
"""

GROUP_BY = " GROUP BY bucket, model_id, region"
