'use strict';
// Medians over a cell's valid runs, and number formatting shared by the tables and the chart.

function median(xs) {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** { rps, cpuUsPerRecord, rssBytes, valid, total } for one client in one workload. */
function summarize(runs) {
  const ok = runs.filter((r) => r.ok);
  return {
    rps: median(ok.map((r) => r.result.recordsPerSec)),
    cpuUsPerRecord: median(ok.filter((r) => r.result.cpuSeconds != null).map((r) => (r.result.cpuSeconds * 1e6) / r.result.records)),
    rssBytes: median(ok.map((r) => r.result.peakRssBytes).filter((x) => x != null)),
    valid: ok.length,
    total: runs.length,
  };
}

const LATENCY_KEYS = ['avg', 'p50', 'p95', 'p99', 'max'];

/** The latency run's cell: the median over valid runs of each of its numbers (latencyMs in ms). */
function summarizeLatency(runs) {
  const ok = runs.filter((r) => r.ok && r.result.latencyMs);
  const latencyMs = Object.fromEntries(LATENCY_KEYS.map((k) => [k, median(ok.map((r) => r.result.latencyMs[k]))]));
  return { ...summarize(ok), latencyMs, valid: ok.length, total: runs.length };
}

function rate(x) {
  if (x == null) return '—';
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  return `${Math.round(x / 1e3)}k`;
}

/** CPU microseconds per record, 2 significant decimals. */
const us = (x) => (x == null ? '—' : x.toFixed(2));

const mb = (bytes) => (bytes == null ? '—' : `${Math.round(bytes / 1048576)}`);
const ratio = (a, b) => (a == null || b == null ? '—' : `${(a / b).toFixed(2)}×`);

/** Milliseconds for the latency table: 2 decimals below 10 ms, 1 below 100, whole above. */
function ms(x) {
  if (x == null) return '—';
  return x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : String(Math.round(x));
}

module.exports = { median, summarize, summarizeLatency, rate, mb, ms, us, ratio };
