'use strict';
// The latency results as markdown: per workload and client the median of the runs' ack latencies
// (p50, p95, p99, max, avg), the rate achieved and peak RSS; then rxkafka's p99 against the best
// Node peer's (issue 4's target: no worse).
const { NODE_PEERS } = require('./clients');
const { failuresSection } = require('./markdown');
const { mb, ms, ratio } = require('./stats');

const perSec = (x) => (x == null ? '—' : Math.round(x).toLocaleString('en-US'));

function latencyMarkdown({ date, command, setup, clients, labels, workloads, summary, failures }) {
  const out = [`# Producer ack latency at a fixed rate, ${date}`, '', `\`${command}\``, '', setup, ''];
  out.push(
    '## Ack latency, ms (median of the runs that counted)',
    '',
    '| workload | client | p50 | p95 | p99 | max | avg | records/s achieved | peak RSS, MB |',
    `|${'---|'.repeat(9)}`,
  );
  for (const w of workloads) {
    for (const c of clients) {
      const s = summary[w.id][c];
      const l = s.latencyMs;
      const nums = [l.p50, l.p95, l.p99, l.max, l.avg].map(ms);
      const counted = s.valid === 0 ? ' — no run counted' : s.valid < s.total ? ` (${s.valid}/${s.total} runs)` : '';
      out.push(`| ${w.name} | ${labels[c]}${counted} | ${nums.join(' | ')} | ${perSec(s.rps)} | ${mb(s.rssBytes)} |`);
    }
  }
  if (clients.includes('rxkafka')) {
    out.push('', '## p99: rxkafka against the best Node peer (issue 4: no worse)', '');
    out.push('| workload | rxkafka p99, ms | best peer p99, ms | rxkafka / best peer |', `|${'---|'.repeat(4)}`);
    for (const w of workloads) {
      const s = summary[w.id];
      const peers = NODE_PEERS.filter((c) => s[c] && s[c].latencyMs.p99 != null);
      const best = peers.sort((a, b) => s[a].latencyMs.p99 - s[b].latencyMs.p99)[0];
      const rx = s.rxkafka.latencyMs.p99;
      const bestText = best ? `${ms(s[best].latencyMs.p99)} (${labels[best]})` : '—';
      out.push(`| ${w.name} | ${ms(rx)} | ${bestText} | ${ratio(rx, best ? s[best].latencyMs.p99 : null)} |`);
    }
  }
  out.push(...failuresSection(failures), '');
  return out.join('\n');
}

module.exports = { latencyMarkdown };
