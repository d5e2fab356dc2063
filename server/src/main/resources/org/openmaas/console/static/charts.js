// Hand-written SVG charts: stacked bars per day, bars per product, and a gauge. Colours come from classes in
// app.css (series-0 ... series-7); every bar carries a <title> with its exact number for hover.
import {formatNumber, h, svg} from './dom.js';

const WIDTH = 720;
const HEIGHT = 220;
const PAD = {top: 10, right: 10, bottom: 28, left: 56};

/** One bar per category (a day), stacked by series (a product); {@code series: [{name, values}]}. */
export function stackedBars(caption, categories, series, unit) {
  const totals = categories.map((_, i) => series.reduce((sum, s) => sum + s.values[i], 0));
  const max = niceMax(Math.max(0, ...totals));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const step = plotW / Math.max(1, categories.length);
  const barW = Math.max(2, step * 0.7);
  const y = v => PAD.top + plotH - (v / max) * plotH;
  const bars = [];
  categories.forEach((category, i) => {
    let base = 0;
    series.forEach((s, k) => {
      const v = s.values[i];
      if (v > 0) {
        bars.push(svg('rect', {class: `bar series-${k % 8}`, x: PAD.left + i * step + (step - barW) / 2,
            y: y(base + v), width: barW, height: y(base) - y(base + v)},
          svg('title', {}, `${category} · ${s.name}: ${formatNumber(v)} ${unit}`)));
      }
      base += v;
    });
  });
  const labelEvery = Math.ceil(categories.length / 8);
  const xLabels = categories.map((c, i) => i % labelEvery === 0
      ? svg('text', {class: 'axis', x: PAD.left + i * step + step / 2, y: HEIGHT - 8, 'text-anchor': 'middle'},
          c.slice(5)) : null);
  return figure(caption, series,
    svg('svg', {viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `${caption}; the table below has the numbers`},
      yAxis(max, y, plotW), bars, xLabels));
}

/** Horizontal bars, one per product, each under its product's name (names are long). */
export function productBars(caption, rows, unit) {
  const max = niceMax(Math.max(0, ...rows.map(r => r.value)));
  const rowH = 40;
  const plotW = WIDTH - 90;
  const width = v => Math.max(1, (v / max) * plotW);
  return figure(caption, [],
    svg('svg', {viewBox: `0 0 ${WIDTH} ${Math.max(1, rows.length) * rowH}`, role: 'img', 'aria-label': caption},
      rows.map((r, k) => [
        svg('text', {class: 'axis', x: 0, y: k * rowH + 12}, r.name),
        svg('rect', {class: `bar series-${k % 8}`, x: 0, y: k * rowH + 17, height: 16, width: width(r.value)},
            svg('title', {}, `${r.name}: ${formatNumber(r.value)} ${unit}`)),
        svg('text', {class: 'value', x: width(r.value) + 6, y: k * rowH + 30}, formatNumber(r.value)),
      ])));
}

/** The month's use of a quota as a half-circle gauge; without a quota, says so. */
export function gauge(used, quota) {
  if (quota === null || quota === undefined) {
    return h('p', {id: 'quota'}, `${formatNumber(used)} tokens generated this month; this account has no monthly quota.`);
  }
  const share = quota > 0 ? Math.min(1, used / quota) : 1;
  const r = 80;
  const angle = Math.PI * (1 - share);
  const end = [100 + r * Math.cos(angle), 100 - r * Math.sin(angle)];
  const level = share >= 0.9 ? 'high' : share >= 0.7 ? 'mid' : 'low';
  const text = `${formatNumber(used)} of ${formatNumber(quota)} tokens this month (${Math.round(share * 100)} %)`;
  return h('figure.gauge', {id: 'quota'},
    svg('svg', {viewBox: '0 0 200 112', role: 'img', 'aria-label': text},
      svg('path', {class: 'gauge-track', d: `M 20 100 A ${r} ${r} 0 0 1 180 100`}),
      share > 0 ? svg('path', {class: `gauge-fill ${level}`, d: `M 20 100 A ${r} ${r} 0 0 1 ${end[0].toFixed(2)} ${end[1].toFixed(2)}`})
          : null,
      svg('text', {class: 'gauge-label', x: 100, y: 96, 'text-anchor': 'middle'}, `${Math.round(share * 100)} %`)),
    h('figcaption', {}, text));
}

function yAxis(max, y, plotW) {
  return [0, 0.5, 1].map(f => [
    svg('line', {class: 'gridline', x1: PAD.left, x2: PAD.left + plotW, y1: y(max * f), y2: y(max * f)}),
    svg('text', {class: 'axis', x: PAD.left - 6, y: y(max * f) + 4, 'text-anchor': 'end'}, compact(max * f)),
  ]);
}

function figure(caption, series, chart) {
  return h('figure.chart', {}, h('figcaption', {}, caption), chart,
    series.length > 1 ? h('ul.legend', {}, series.map((s, k) => h('li', {}, h(`span.swatch.series-${k % 8}`), s.name)))
        : null);
}

/** The smallest 1, 2 or 5 times a power of ten at or above {@code v}: round numbers on the axis. */
function niceMax(v) {
  if (v <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map(m => m * power).find(m => m >= v);
}

function compact(v) {
  return new Intl.NumberFormat('en-US', {notation: 'compact'}).format(v);
}
