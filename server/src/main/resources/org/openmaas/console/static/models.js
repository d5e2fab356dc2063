// Models: the account's catalog, what each product is and supports, and a way into the playground with it.
import {accountPath, get} from './api.js';
import {formatNumber, h, replace, table} from './dom.js';

export const title = 'Models';

export async function render(main, {account}) {
  const {models} = await get(accountPath(account, '/models'));
  replace(main,
    h('h1', {}, 'Models'),
    h('p', {}, `The products cloud account ${account} may use. Send `, h('code', {}, 'product_name'), ', ',
        h('code', {}, 'product_id'), ' and ', h('code', {}, 'model_name'), ' with each generation.'),
    table(['Product name', 'Product id', 'Model name', 'Context', 'Engine', 'Supports', ''], models, m => [
      h('strong', {}, m.product_name),
      h('code.id', {}, m.product_id),
      m.model_name,
      `${formatNumber(m.context_length)} tokens`,
      m.engine,
      supports(m).join(', '),
      h('a.button', {href: `#/playground?product=${encodeURIComponent(m.product_name)}`,
          'aria-label': `Try ${m.product_name} in the playground`}, 'Try it'),
    ], 'This account may use no product yet: an operator grants them.'));
}

function supports(m) {
  return [
    'generatestream',
    m.chat ? 'chat' : null,
    m.openai ? 'OpenAI API' : null,
    m.embeddings ? 'embeddings' : null,
  ].filter(Boolean);
}
