'use strict';
// A hand-written SVG bar chart (no charting dependency): two panels, records/s and peak RSS, one
// group of bars per workload, one bar per client. Linear scales, so the gaps read as they are.
const { rate, mb } = require('./stats');

const COLORS = { rxkafka: '#d62728', kafkajs: '#1f77b4', platformatic: '#2ca02c', 'node-rdkafka': '#9467bd', confluent: '#17becf', kcat: '#7f7f7f', 'franz-go': '#8c564b', java: '#ff7f0e' };
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(x) {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

/** One panel at y0: bars of value(summaryCell) per client per workload. */
function panel({ y0, height, title, workloads, clients, summary, value, format, left, groupW, barW }) {
  const values = workloads.flatMap((w) => clients.map((c) => value(summary[w.id][c]))).filter((v) => v != null);
  const max = niceMax(Math.max(0, ...values));
  const yOf = (v) => y0 + height - (v / max) * height;
  const parts = [`<text x="${left}" y="${y0 - 14}" font-size="14" font-weight="bold">${esc(title)}</text>`];
  for (let i = 0; i <= 4; i++) {
    const v = (max / 4) * i;
    const y = yOf(v).toFixed(1);
    parts.push(`<line x1="${left}" x2="${left + groupW * workloads.length}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${y}" font-size="10" text-anchor="end" dominant-baseline="middle">${esc(format(v))}</text>`);
  }
  workloads.forEach((w, wi) => {
    const gx = left + wi * groupW + (groupW - barW * clients.length) / 2;
    clients.forEach((c, ci) => {
      const v = value(summary[w.id][c]);
      const x = gx + ci * barW;
      if (v == null) {
        const mark = summary[w.id][c].total === 0 ? 'n/a' : '✗';
        parts.push(`<text x="${x + barW / 2}" y="${y0 + height - 4}" font-size="9" text-anchor="middle">${mark}</text>`);
        return;
      }
      const y = yOf(v);
      parts.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW - 2}" height="${(y0 + height - y).toFixed(1)}" fill="${COLORS[c]}"><title>${esc(`${c}, ${w.name}: ${format(v)}`)}</title></rect>`);
      parts.push(`<text x="${(x + barW / 2 - 1).toFixed(1)}" y="${(y - 3).toFixed(1)}" font-size="8" text-anchor="start" transform="rotate(-90 ${(x + barW / 2 + 2).toFixed(1)} ${(y - 3).toFixed(1)})">${esc(format(v))}</text>`);
    });
    parts.push(`<text x="${left + wi * groupW + groupW / 2}" y="${y0 + height + 14}" font-size="10" text-anchor="middle">${esc(w.name.split(', ')[0] + ', ' + w.name.split(', ')[1])}</text>`);
    parts.push(`<text x="${left + wi * groupW + groupW / 2}" y="${y0 + height + 26}" font-size="10" text-anchor="middle">${esc(w.name.split(', ')[2])}</text>`);
  });
  return parts.join('\n');
}

function chart({ title, workloads, clients, labels, summary }) {
  const left = 60;
  const groupW = 120;
  const barW = 20;
  const width = left + groupW * workloads.length + 20;
  const panelH = 220;
  const legendY = 40;
  const p1 = 110;
  const p2 = p1 + panelH + 90;
  const height = p2 + panelH + 50;
  const legend = clients
    .map((c, i) => {
      const x = left + (i % 3) * 320;
      const y = legendY + Math.floor(i / 3) * 18;
      return `<rect x="${x}" y="${y}" width="12" height="12" fill="${COLORS[c]}"/><text x="${x + 16}" y="${y + 10}" font-size="11">${esc(labels[c])}</text>`;
    })
    .join('\n');
  const common = { workloads, clients, summary, left, groupW, barW, height: panelH };
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="22" font-size="16" font-weight="bold">${esc(title)}</text>`,
    legend,
    panel({ ...common, y0: p1, title: 'Records/s (median, higher is better)', value: (s) => s.rps, format: rate }),
    panel({ ...common, y0: p2, title: 'Peak RSS, MB (median, lower is better)', value: (s) => s.rssBytes, format: (v) => (v == null ? '—' : mb(v)) }),
    '</svg>',
    '',
  ].join('\n');
}

module.exports = { chart };
