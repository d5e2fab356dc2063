// The console's shell: finds out who is signed in, draws the header (pages, account, sign-out) and shows the page
// the location's hash names (#/models, #/playground?product=..., ...). Each page is a module with a title and
// render(main, context), which may return a function that stops what it started (timers, streams).
import {del, get, onSignedOut, post, setCsrfToken} from './api.js';
import {h, replace, status} from './dom.js';
import * as signIn from './signin.js';
import * as invite from './invite.js';
import * as models from './models.js';
import * as playground from './playground.js';
import * as credentials from './credentials.js';
import * as usage from './usage.js';
import * as members from './members.js';
import * as operator from './operator.js';

const PAGES = [
  {path: 'models', module: models, shown: () => true},
  {path: 'playground', module: playground, shown: () => true},
  {path: 'credentials', module: credentials, shown: () => true},
  {path: 'usage', module: usage, shown: () => true},
  {path: 'members', module: members, shown: ctx => ctx.role === 'owner' || ctx.me.user.operator},
  {path: 'operator', module: operator, shown: ctx => ctx.me.user.operator},
];
const ACCOUNT_KEY = 'openmaas.console.account';

const header = document.getElementById('top');
const main = document.getElementById('main');
let me = null;
let accounts = [];
let stopPage = null;

async function start() {
  const inviteToken = location.pathname.match(/^\/console\/invite\/([^/]+)$/);
  if (inviteToken) {
    invite.render(main, decodeURIComponent(inviteToken[1]), signedIn);
    return;
  }
  try {
    await signedIn(await get('/session'));
  } catch (e) {
    if (e.status !== 401) throw e;
    showSignIn();
  }
}

function showSignIn(message) {
  me = null;
  stop();
  replace(header);
  signIn.render(main, signedIn, message);
}

/** After a sign-in (or an accepted invite): the shell and the page the location names. */
function signedIn(session) {
  me = session;
  setCsrfToken(me.csrf_token);
  if (location.pathname !== '/console/') history.replaceState(null, '', '/console/' + location.hash);
  accounts = me.accounts;   // an operator's include every account, with the role "operator" where not a member
  show();
}

function currentAccount() {
  const chosen = localStorage.getItem(ACCOUNT_KEY);
  return accounts.find(a => a.id === chosen) || accounts[0] || null;
}

function route() {
  const [path, query] = location.hash.replace(/^#\/?/, '').split('?');
  return {path: path || 'models', params: new URLSearchParams(query || '')};
}

function stop() {
  if (stopPage) stopPage();
  stopPage = null;
}

function show() {
  if (!me) return;
  stop();
  const account = currentAccount();
  const ctx = {me, account: account ? account.id : null, role: account ? account.role : null,
               accountName: account ? account.name : null, params: route().params};
  const pages = PAGES.filter(p => p.shown(ctx));
  const page = pages.find(p => p.path === route().path) || pages[0];
  drawHeader(pages, page, account);
  document.title = `${page.module.title} · OpenMaaS console`;
  if (!account && page.path !== 'operator') {
    replace(main, h('h1', {}, page.module.title),
        h('p', {}, 'You are not a member of any cloud account yet. Ask an operator or an account owner to add you.'));
    return;
  }
  replace(main, h('p', {}, 'Loading…'));
  Promise.resolve(page.module.render(main, ctx))
      .then(cleanup => { stopPage = typeof cleanup === 'function' ? cleanup : null; })
      .catch(e => replace(main, h('h1', {}, page.module.title), status(e.message)));
}

function drawHeader(pages, page, account) {
  const picker = h('select', {id: 'account', 'aria-label': 'Cloud account', onchange: e => {
    localStorage.setItem(ACCOUNT_KEY, e.target.value);
    show();
  }}, accounts.map(a => h('option', {value: a.id, selected: account && a.id === account.id},
      `${a.name} (${a.id})`)));
  replace(header,
    h('div.brand', {}, h('a', {href: '#/models'}, 'OpenMaaS')),
    h('nav', {'aria-label': 'Pages'}, h('ul', {}, pages.map(p => h('li', {},
        h('a', {href: `#/${p.path}`, 'aria-current': p === page ? 'page' : null}, p.module.title))))),
    h('div.who', {},
      accounts.length ? h('label.account', {}, h('span.visually-hidden', {}, 'Cloud account'), picker) : null,
      h('span.email', {title: me.user.operator ? 'operator' : ''}, me.user.email),
      h('button.link', {type: 'button', onclick: signOut}, 'Sign out'),
      h('button.link', {type: 'button', onclick: signOutEverywhere,
          title: 'Ends your sessions in every browser'}, 'Sign out everywhere')));
}

async function signOut() {
  await del('/session').catch(() => null);
  showSignIn('You have signed out.');
}

async function signOutEverywhere() {
  await post('/session/sign-out-everywhere').catch(() => null);
  showSignIn('You have signed out in every browser.');
}

onSignedOut(() => showSignIn('Your session has ended. Sign in again.'));
window.addEventListener('hashchange', show);
start().catch(e => replace(main, status(`The console could not start: ${e.message}`)));
