'use strict';
// The results as markdown: records/s and peak RSS per client per workload, with rxkafka's ratio
// to the fastest Node peer and to kcat (issue 4's targets: ≥ 3× and ≥ 0.5×).
const { NODE_PEERS } = require('./clients');
const { rate, mb, us, ratio } = require('./stats');

function cell(s, text) {
  if (s.valid === 0) return 'failed';
  return s.valid < s.total ? `${text} (${s.valid}/${s.total})` : text;
}

function markdown({ date, command, setup, clients, labels, workloads, summary, failures, chartFile }) {
  const head = (extra) => `| workload | ${clients.map((c) => labels[c]).join(' | ')} |${extra.map((e) => ` ${e} |`).join('')}`;
  const rule = (n) => `|${'---|'.repeat(n)}`;
  const ratioCols = ['rxkafka / best Node peer', 'rxkafka / kcat'];
  const out = [`# Producer benchmark, ${date}`, '', `\`${command}\``, '', setup, ''];
  if (chartFile) out.push(`![records/s and peak RSS per client](${chartFile})`, '');
  out.push('## Records/s (median)', '', head(ratioCols), rule(clients.length + 3));
  for (const w of workloads) {
    const s = summary[w.id];
    const peers = NODE_PEERS.filter((c) => s[c] && s[c].rps != null);
    const best = peers.length ? Math.max(...peers.map((c) => s[c].rps)) : null;
    const rx = s.rxkafka ? s.rxkafka.rps : null;
    const kcat = s.kcat ? s.kcat.rps : null;
    const cells = clients.map((c) => cell(s[c], rate(s[c].rps)));
    out.push(`| ${w.name} | ${cells.join(' | ')} | ${ratio(rx, best)} | ${ratio(rx, kcat)} |`);
  }
  // CPU per record: what each client spends of the machine per record, however long it waited for
  // the broker (which runs on the same cores). The lower the better; the ratio is the peer's / ours.
  out.push('', '## CPU per record, µs (median; user + system of the client process, every thread)', '');
  out.push(head(['best Node peer / rxkafka']), rule(clients.length + 2));
  for (const w of workloads) {
    const s = summary[w.id];
    const peers = NODE_PEERS.filter((c) => s[c] && s[c].cpuUsPerRecord != null);
    const leanest = peers.length ? Math.min(...peers.map((c) => s[c].cpuUsPerRecord)) : null;
    const rx = s.rxkafka ? s.rxkafka.cpuUsPerRecord : null;
    out.push(`| ${w.name} | ${clients.map((c) => cell(s[c], us(s[c].cpuUsPerRecord))).join(' | ')} | ${ratio(leanest, rx)} |`);
  }
  out.push('', '## Peak RSS, MB (median)', '', head([]), rule(clients.length + 1));
  for (const w of workloads) {
    const s = summary[w.id];
    out.push(`| ${w.name} | ${clients.map((c) => cell(s[c], mb(s[c].rssBytes))).join(' | ')} |`);
  }
  out.push(...failuresSection(failures), '');
  return out.join('\n');
}

/** The list of runs that did not count and why; no lines when all counted. */
function failuresSection(failures) {
  if (failures.length === 0) return [];
  return ['', '## Runs that did not count', '', ...failures.map((f) => `- ${f.client}, ${f.workload}, round ${f.round}: ${f.reason}`)];
}

module.exports = { markdown, failuresSection };
