// Credentials: the account's API clients (client_id + client_secret, for the guide's token endpoint) and sk- API
// keys (for OpenAI-compatible tools). A new or rotated secret is shown once, with a copy button and, for a client,
// the guide's five globals ready to paste.
import {accountPath, del, get, post} from './api.js';
import {action, copyButton, field, formatTime, h, replace, status, table} from './dom.js';
import {guideGlobals} from './snippets.js';

export const title = 'Credentials';

export async function render(main, {account}) {
  const secret = h('div.secret-slot', {'aria-live': 'polite'});
  const clients = h('section', {'aria-labelledby': 'clients-title'});
  const keys = h('section', {'aria-labelledby': 'keys-title'});
  replace(main, h('h1', {}, title),
    h('p', {}, `Cloud account `, h('code', {id: 'cloud-account'}, account),
        ' — the guide\'s CLOUD_ACCOUNT and every request\'s cloudAccountId.'),
    secret, clients, keys);
  const page = {account, secret, clients, keys};
  await Promise.all([drawClients(page), drawKeys(page)]);
}

async function drawClients(page) {
  const {clients} = await get(accountPath(page.account, '/clients'));
  const name = h('input', {name: 'client-name', required: true, maxlength: 100, placeholder: 'my-app'});
  const form = h('form.inline', {id: 'new-client'}, field('Name', name), h('button', {type: 'submit'}, 'Create client'));
  form.addEventListener('submit', action(page.secret, async () => {
    const created = await post(accountPath(page.account, '/clients'), {name: name.value.trim()});
    showClientSecret(page, created.client_id, created.client_secret, `Client ${created.name} was created.`);
    await drawClients(page);
  }));
  replace(page.clients, h('h2', {id: 'clients-title'}, 'API clients'),
    h('p', {}, 'A client gets tokens at /oauth2/token with its id and secret, as the guide\'s script does.'),
    form,
    table(['Name', 'Client id', 'Created', 'Last used', 'Status', ''], clients, c => [
      c.name, h('code', {}, c.client_id), formatTime(c.created_at), formatTime(c.last_used_at), c.status,
      c.status === 'active' ? h('div.buttons', {},
        h('button.secondary', {type: 'button', 'aria-label': `Rotate the secret of ${c.name}`,
            onclick: action(page.secret, async () => {
              if (!confirm(`Rotate the secret of ${c.name}? Every app using it will need the new one.`)) return;
              const rotated = await post(accountPath(page.account, `/clients/${encodeURIComponent(c.client_id)}/rotate`));
              const grace = rotated.previous_secret_expires_at
                  ? ` The old secret works until ${formatTime(rotated.previous_secret_expires_at)}.` : '';
              showClientSecret(page, rotated.client_id, rotated.client_secret,
                  `The secret of ${c.name} was rotated.${grace}`);
            })}, 'Rotate secret'),
        h('button.danger', {type: 'button', 'aria-label': `Revoke ${c.name}`,
            onclick: action(page.secret, async () => {
              if (!confirm(`Revoke ${c.name}? Its tokens stop working within seconds.`)) return;
              await del(accountPath(page.account, `/clients/${encodeURIComponent(c.client_id)}`));
              replace(page.secret, status(`Client ${c.name} was revoked.`, 'info'));
              await drawClients(page);
            })}, 'Revoke')) : null,
    ], 'No API client yet.'));
}

async function drawKeys(page) {
  const {api_keys: keys} = await get(accountPath(page.account, '/api-keys'));
  const name = h('input', {name: 'key-name', required: true, maxlength: 100, placeholder: 'my-tool'});
  const form = h('form.inline', {id: 'new-key'}, field('Name', name), h('button', {type: 'submit'}, 'Create key'));
  form.addEventListener('submit', action(page.secret, async () => {
    const created = await post(accountPath(page.account, '/api-keys'), {name: name.value.trim()});
    showSecret(page, `API key ${created.name} was created.`, 'API key', created.key,
      h('p', {}, 'OpenAI-compatible tools take it as their API key, with ', h('code', {}, `${location.origin}/v1`),
          ' as their base URL.'));
    await drawKeys(page);
  }));
  replace(page.keys, h('h2', {id: 'keys-title'}, 'API keys'),
    h('p', {}, 'An sk- key is sent as a Bearer token by OpenAI-compatible clients.'),
    form,
    table(['Name', 'Key', 'Created', 'Last used', 'Status', ''], keys, k => [
      k.name, h('code', {}, `${k.prefix}…`), formatTime(k.created_at), formatTime(k.last_used_at), k.status,
      k.status === 'active' ? h('button.danger', {type: 'button', 'aria-label': `Revoke key ${k.name}`,
          onclick: action(page.secret, async () => {
            if (!confirm(`Revoke the key ${k.name}? It stops working at once.`)) return;
            await del(accountPath(page.account, `/api-keys/${encodeURIComponent(k.id)}`));
            replace(page.secret, status(`API key ${k.name} was revoked.`, 'info'));
            await drawKeys(page);
          })}, 'Revoke') : null,
    ], 'No API key yet.'));
}

function showClientSecret(page, clientId, secret, headline) {
  const globals = guideGlobals({origin: location.origin, clientId, clientSecret: secret, account: page.account});
  showSecret(page, headline, 'Client secret', secret,
    h('p', {}, 'Client id ', h('code', {id: 'secret-client-id'}, clientId), '. The guide\'s five globals:'),
    h('div.code-with-copy', {}, h('pre', {id: 'guide-globals', tabindex: 0}, h('code', {}, globals)),
      copyButton(() => globals, 'Copy the globals')));
}

/** The one time a secret is shown: selectable, with a copy button, and gone once the person says so. */
function showSecret(page, headline, label, value, ...more) {
  const input = h('input.secret', {id: 'secret-value', readonly: true, value, spellcheck: 'false',
      autocomplete: 'off'});
  input.addEventListener('focus', () => input.select());
  const panel = h('section.card.secret-panel', {'aria-labelledby': 'secret-title'},
    h('h2', {id: 'secret-title'}, headline),
    h('p.warning', {}, 'Copy it now: it is shown only this once and cannot be shown again.'),
    h('div.code-with-copy', {}, field(label, input), copyButton(() => value)),
    more,
    h('button.secondary', {type: 'button', onclick: () => replace(page.secret)}, 'I have copied it'));
  replace(page.secret, panel);
  input.focus();
}
