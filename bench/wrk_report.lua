-- Prints one machine-readable line at the end of a wrk run (wrk's own report has no p95).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d non2xx3xx=%d connect=%d read=%d write=%d timeout=%d p50_us=%d p95_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
