// Operator: the instance as a whole. Live serving metrics, products with their engines' health, cloud accounts
// with their limits and entitlements, and users (created with a one-time invite link).
import {get, patch, post, put} from './api.js';
import {action, copyButton, field, formatNumber, formatTime, h, replace, status, table} from './dom.js';

export const title = 'Operator';

const METRICS_EVERY_MS = 2000;

export async function render(main, {me}) {
  const page = {
    me,
    outcome: h('div.outcome', {'aria-live': 'polite'}),
    metrics: h('section', {'aria-labelledby': 'metrics-title'}),
    products: h('section', {'aria-labelledby': 'products-title'}),
    accounts: h('section', {'aria-labelledby': 'accounts-title'}),
    editor: h('div.editor'),
    users: h('section', {'aria-labelledby': 'users-title'}),
  };
  replace(main, h('h1', {}, title), page.outcome, page.metrics, page.products, page.accounts, page.users);
  await Promise.all([drawMetrics(page), drawProducts(page), drawAccounts(page), drawUsers(page)]);
  const timer = setInterval(() => drawMetrics(page).catch(() => null), METRICS_EVERY_MS);
  return () => clearInterval(timer);
}

/** The totals since the server started, and tokens per second between this reading and the one before. */
async function drawMetrics(page) {
  const m = await get('/operator/metrics');
  const now = performance.now();
  const previous = page.lastReading;
  page.lastReading = {at: now, generated: m.generated_tokens_total};
  const rate = previous && now > previous.at
      ? ((m.generated_tokens_total - previous.generated) / ((now - previous.at) / 1000)).toFixed(1) : '—';
  const figures = [['In flight', m.in_flight], ['Queued', m.queued], ['Requests', m.requests_total],
                   ['Prompt tokens', m.prompt_tokens_total], ['Generated tokens', m.generated_tokens_total]];
  replace(page.metrics, h('h2', {id: 'metrics-title'}, 'Live serving'),
    h('dl.metrics', {id: 'metrics'},
      figures.map(([label, value]) => h('div', {}, h('dt', {}, label), h('dd', {}, formatNumber(value)))),
      h('div', {}, h('dt', {}, 'Generated tokens/s'), h('dd', {id: 'tokens-per-second'}, rate))),
    table(['Product', 'Generating', 'Queued'], m.products || [], p => [p.product_name,
      `${formatNumber(p.active)} of ${formatNumber(p.slots)} slots`, formatNumber(p.queued)]),
    h('p.hint', {}, `Totals since this instance started; refreshed every ${METRICS_EVERY_MS / 1000} s.`));
}

async function drawProducts(page) {
  const {products} = await get('/operator/products');
  page.productNames = products.map(p => p.product_name);
  replace(page.products, h('h2', {id: 'products-title'}, 'Products'),
    table(['Product', 'Model', 'Engine', 'Health', 'Endpoints'], products, p => [
      h('span', {}, h('strong', {}, p.product_name), h('br'), h('code.id', {}, p.product_id)),
      p.model_name, p.engine,
      h('span', {}, h(`span.badge.${p.ready ? 'ok' : 'bad'}`, {}, p.ready ? 'ready' : p.state || 'not ready'),
        p.error ? h('small.hint', {}, ` ${p.error}`) : null),
      (p.endpoints || []).length ? h('ul.plain', {}, p.endpoints.map(e =>
          h('li', {}, h('code', {}, e.url), ` ${e.state}, ${formatNumber(e.in_flight)} in flight`))) : '—',
    ], 'No product is configured.'));
}

async function drawAccounts(page) {
  const {accounts} = await get('/operator/accounts');
  const id = h('input', {name: 'account-id', inputmode: 'numeric', pattern: '[0-9]{12}',
      placeholder: 'chosen when empty'});
  const name = h('input', {name: 'account-name', required: true});
  const form = h('form.inline', {id: 'new-account'}, field('Name', name), field('Id (12 digits)', id),
      h('button', {type: 'submit'}, 'Create account'));
  form.addEventListener('submit', action(page.outcome, async () => {
    const created = await post('/operator/accounts', id.value.trim() ? {id: id.value.trim(), name: name.value.trim()}
        : {name: name.value.trim()});
    replace(page.outcome, status(`Account ${created.name || name.value} (${created.id}) was created.`, 'info'));
    await drawAccounts(page);
  }));
  replace(page.accounts, h('h2', {id: 'accounts-title'}, 'Cloud accounts'), form,
    table(['Id', 'Name', 'Status', 'Monthly tokens', 'Products', 'Created', ''], accounts, a => [
      h('code', {}, a.id), a.name, a.status,
      a.monthly_tokens === null ? 'unlimited' : formatNumber(a.monthly_tokens),
      a.all_products ? 'all' : 'chosen', formatTime(a.created_at),
      h('button.secondary', {type: 'button', 'aria-label': `Edit ${a.name}`,
          onclick: action(page.outcome, () => editAccount(page, a))}, 'Edit'),
    ], 'No account yet.'),
    page.editor);
}

/** The account's monthly quota (empty: unlimited) and the products it may use. */
async function editAccount(page, account) {
  const path = `/operator/accounts/${encodeURIComponent(account.id)}`;
  const granted = await get(`${path}/entitlements`);
  const quota = h('input', {type: 'number', min: 0, step: 1, name: 'monthly-tokens',
      value: account.monthly_tokens ?? '', placeholder: 'unlimited'});
  const all = h('input', {type: 'checkbox', name: 'all-products', checked: granted.all_products});
  const checks = (page.productNames || []).map(n => h('input', {type: 'checkbox', name: 'product', value: n,
      checked: granted.products.includes(n), disabled: granted.all_products}));
  all.addEventListener('change', () => checks.forEach(c => { c.disabled = all.checked; }));
  const form = h('form.card', {id: 'edit-account'},
    h('h3', {}, `${account.name} (${account.id})`),
    field('Monthly generated tokens', quota, 'empty: unlimited'),
    h('fieldset', {}, h('legend', {}, 'Products it may use'),
      h('label.check', {}, all, ' Every product, also those added later'),
      checks.map(c => h('label.check', {}, c, ` ${c.value}`))),
    h('div.actions', {}, h('button', {type: 'submit'}, 'Save'),
      h('button.secondary', {type: 'button', onclick: () => replace(page.editor)}, 'Close')));
  form.addEventListener('submit', action(page.outcome, async () => {
    await put(`${path}/limits`, {monthly_tokens: quota.value === '' ? null : Number(quota.value)});
    await put(`${path}/entitlements`, all.checked ? {all_products: true}
        : {products: checks.filter(c => c.checked).map(c => c.value)});
    replace(page.outcome, status(`${account.name} was saved.`, 'info'));
    replace(page.editor);
    await drawAccounts(page);
  }));
  replace(page.editor, form);
  quota.focus();
}

async function drawUsers(page) {
  const {users} = await get('/operator/users');
  const {accounts} = await get('/operator/accounts');
  const email = h('input', {type: 'email', name: 'user-email', required: true});
  const operator = h('input', {type: 'checkbox', name: 'user-operator'});
  const account = h('select', {name: 'user-account'}, h('option', {value: ''}, '(none)'),
      accounts.map(a => h('option', {value: a.id}, `${a.name} (${a.id})`)));
  const role = h('select', {name: 'user-role'}, h('option', {value: 'member'}, 'member'),
      h('option', {value: 'owner'}, 'owner'));
  const form = h('form.inline', {id: 'new-user'}, field('Email', email), field('Account', account),
      field('Role', role), h('label.check', {}, operator, ' Operator'), h('button', {type: 'submit'}, 'Invite user'));
  form.addEventListener('submit', action(page.outcome, async () => {
    const body = {email: email.value.trim(), operator: operator.checked};
    if (account.value) Object.assign(body, {account: account.value, role: role.value});
    const created = await post('/operator/users', body);
    replace(page.outcome, inviteLink(body.email, created.invite_url));
    await drawUsers(page);
  }));
  replace(page.users, h('h2', {id: 'users-title'}, 'Users'), form,
    table(['Email', 'Operator', 'Accounts', 'Status', ''], users, u => [u.email, u.operator ? 'yes' : 'no',
      (u.accounts || []).map(a => `${a.name} (${a.id}): ${a.role}`).join(', ') || '—',
      u.disabled ? 'disabled' : u.has_password ? 'active' : 'invited',
      u.id === page.me.user.id ? '(you)' : h('button.secondary', {type: 'button',
        'aria-label': `${u.disabled ? 'Enable' : 'Disable'} ${u.email}`,
        onclick: action(page.outcome, async () => {
          await patch(`/operator/users/${encodeURIComponent(u.id)}`, {disabled: !u.disabled});
          replace(page.outcome, status(`${u.email} was ${u.disabled ? 'enabled' : 'disabled'}.`, 'info'));
          await drawUsers(page);
        })}, u.disabled ? 'Enable' : 'Disable')],
      'No user yet.'));
}

/** The one-time link a new user signs up with, to pass on to them. */
export function inviteLink(email, invitePath) {
  const url = new URL(invitePath, location.origin).href;
  return h('div.card.secret-panel', {role: 'status'},
    h('p', {}, `Send ${email} this one-time sign-up link:`),
    h('div.code-with-copy', {}, h('code', {id: 'invite-url'}, url), copyButton(() => url, 'Copy link')));
}
