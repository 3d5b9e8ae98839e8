'use strict';
// The results as markdown, one section per broker: records/s, CPU per record and peak RSS per
// client per workload, with rxkafka's ratios to the fastest Node peer, to kcat, to franz-go and to
// the Java producer (issue 12's targets: ≥ 3× the best Node peer; ≥ 1.0× kcat and Java on the mock,
// with CPU per record at or below kcat's).
const { NODE_PEERS } = require('./clients');
const { rate, mb, us, ratio } = require('./stats');

/** A cell's text: 'n/a' where the client cannot run on this broker, 'failed' where no run counted. */
function cell(s, text) {
  if (s.total === 0) return 'n/a';
  if (s.valid === 0) return 'failed';
  return s.valid < s.total ? `${text} (${s.valid}/${s.total})` : text;
}

/** The best of `key` over the Node peers that have it (`pick` is Math.max or Math.min), or null. */
function bestPeer(s, key, pick) {
  const values = NODE_PEERS.filter((c) => s[c] && s[c][key] != null).map((c) => s[c][key]);
  return values.length ? pick(...values) : null;
}

const of = (s, client, key) => (s[client] ? s[client][key] : null);

/** The three tables for one broker's summary ({ [workloadId]: { [client]: summarize(...) } }). */
function brokerTables({ clients, labels, workloads, summary }) {
  const head = (extra) => `| workload | ${clients.map((c) => labels[c]).join(' | ')} |${extra.map((e) => ` ${e} |`).join('')}`;
  const rule = (n) => `|${'---|'.repeat(n)}`;
  const out = [];
  const rpsRatios = ['rxkafka / best Node peer', 'rxkafka / kcat', 'rxkafka / franz-go', 'rxkafka / Java'];
  out.push('### Records/s (median)', '', head(rpsRatios), rule(clients.length + 1 + rpsRatios.length));
  for (const w of workloads) {
    const s = summary[w.id];
    const rx = of(s, 'rxkafka', 'rps');
    const ratios = [ratio(rx, bestPeer(s, 'rps', Math.max)), ratio(rx, of(s, 'kcat', 'rps')), ratio(rx, of(s, 'franz-go', 'rps')), ratio(rx, of(s, 'java', 'rps'))];
    out.push(`| ${w.name} | ${clients.map((c) => cell(s[c], rate(s[c].rps))).join(' | ')} | ${ratios.join(' | ')} |`);
  }
  // CPU per record: what each client spends of the machine per record, however long it waited for
  // the broker (which runs on the same cores). The lower the better; the ratios are the other's / ours.
  const cpuRatios = ['best Node peer / rxkafka', 'kcat / rxkafka', 'Java / rxkafka'];
  out.push('', '### CPU per record, µs (median; user + system of the client process, every thread)', '');
  out.push(head(cpuRatios), rule(clients.length + 1 + cpuRatios.length));
  for (const w of workloads) {
    const s = summary[w.id];
    const rx = of(s, 'rxkafka', 'cpuUsPerRecord');
    const ratios = [ratio(bestPeer(s, 'cpuUsPerRecord', Math.min), rx), ratio(of(s, 'kcat', 'cpuUsPerRecord'), rx), ratio(of(s, 'java', 'cpuUsPerRecord'), rx)];
    out.push(`| ${w.name} | ${clients.map((c) => cell(s[c], us(s[c].cpuUsPerRecord))).join(' | ')} | ${ratios.join(' | ')} |`);
  }
  out.push('', '### Peak RSS, MB (median)', '', head([]), rule(clients.length + 1));
  for (const w of workloads) {
    const s = summary[w.id];
    out.push(`| ${w.name} | ${clients.map((c) => cell(s[c], mb(s[c].rssBytes))).join(' | ')} |`);
  }
  return out;
}

/**
 * The whole report: `sections` is one { broker, summary, chartFile, notApplicable } per broker
 * run (notApplicable: client → why it has no runs there).
 */
function markdown({ date, command, setup, clients, labels, workloads, sections, failures }) {
  const out = [`# Producer benchmark, ${date}`, '', `\`${command}\``, '', setup, ''];
  for (const { broker, summary, chartFile, notApplicable } of sections) {
    out.push(`## ${broker.label}`, '', broker.description, '');
    if (chartFile) out.push(`![records/s and peak RSS per client, ${broker.label}](${chartFile})`, '');
    out.push(...brokerTables({ clients, labels, workloads, summary }), '');
    for (const [client, why] of Object.entries(notApplicable)) out.push(`n/a: ${labels[client]} — ${why}.`, '');
  }
  out.push(...failuresSection(failures), '');
  return out.join('\n');
}

/** The list of runs that did not count and why; no lines when all counted. */
function failuresSection(failures) {
  if (failures.length === 0) return [];
  const where = (f) => (f.broker ? `${f.broker}, ` : '');
  const line = (f) => (f.text !== undefined ? `- ${f.text}` : `- ${where(f)}${f.client}, ${f.workload}, round ${f.round}: ${f.reason}`);
  return ['', '## Runs that did not count', '', ...failures.map(line)];
}

module.exports = { markdown, failuresSection };
