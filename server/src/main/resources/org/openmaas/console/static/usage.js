// Usage: tokens and requests per day and per product for a period, the month's quota as a gauge, the account's
// limits, and the same records as CSV.
import {accountPath, get} from './api.js';
import {field, formatNumber, h, replace, table} from './dom.js';
import {gauge, productBars, stackedBars} from './charts.js';

export const title = 'Usage';

const DAY = 86_400_000;

export async function render(main, {account}) {
  const today = new Date().toISOString().slice(0, 10);
  const from = h('input', {type: 'date', name: 'from', value: isoDay(Date.parse(today) - 29 * DAY), required: true});
  const to = h('input', {type: 'date', name: 'to', value: today, required: true});
  const csv = h('a.button.secondary', {id: 'usage-csv', download: `usage-${account}.csv`}, 'Download CSV');
  const results = h('div');
  const form = h('form.inline', {id: 'usage-range'}, field('From', from), field('To', to),
      h('button', {type: 'submit'}, 'Show'), csv);
  const show = async () => {
    const range = `from=${from.value}&to=${to.value}`;
    csv.href = `/console/api${accountPath(account, `/usage.csv?${range}`)}`;
    draw(results, await get(accountPath(account, `/usage?${range}`)), from.value, to.value);
  };
  form.addEventListener('submit', event => { event.preventDefault(); show(); });
  replace(main, h('h1', {}, title), form, results);
  await show();
}

function draw(results, usage, from, to) {
  const days = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += DAY) days.push(isoDay(t));
  const products = [...new Set(usage.days.map(d => d.product_name))].sort();
  const perDay = key => products.map(name => ({name, values: days.map(day =>
      usage.days.filter(d => d.day === day && d.product_name === name).reduce((sum, d) => sum + d[key], 0))}));
  const perProduct = key => products.map(name => ({name,
      value: usage.days.filter(d => d.product_name === name).reduce((sum, d) => sum + d[key], 0)}));
  replace(results,
    h('section.cards', {},
      h('div.card', {}, h('h2', {}, 'Monthly quota'), gauge(usage.quota.used_this_month, usage.quota.monthly_tokens)),
      h('div.card', {id: 'limits'}, h('h2', {}, 'Limits per API client'), limits(usage.limits))),
    usage.days.length === 0 ? h('p.empty', {id: 'no-usage'}, 'No generation in this period.') : [
      stackedBars('Generated tokens per day', days, perDay('generated_tokens'), 'tokens'),
      stackedBars('Requests per day', days, perDay('requests'), 'requests'),
      productBars('Generated tokens per product', perProduct('generated_tokens'), 'tokens'),
      h('h2', {}, 'Per day and product'),
      table(['Day', 'Product', 'Requests', 'Prompt tokens', 'Generated tokens'], usage.days, d => [
        d.day, d.product_name, formatNumber(d.requests), formatNumber(d.prompt_tokens),
        formatNumber(d.generated_tokens)]),
    ]);
}

/** The rate limits are per API client: one row each (empty: unlimited). */
function limits(clients) {
  return table(['Client', 'Requests / min', 'Generated tokens / min', 'Concurrent streams'], clients || [], c => [
    h('span', {title: c.client_id}, c.name || c.client_id), unlimited(c.requests_per_minute),
    unlimited(c.generated_tokens_per_minute), unlimited(c.concurrent_streams)], 'No API client, so no limits.');
}

function unlimited(value) {
  return value === null || value === undefined ? 'unlimited' : formatNumber(value);
}

function isoDay(millis) {
  return new Date(millis).toISOString().slice(0, 10);
}
