// Playground: a prompt (or a chat) sent through the same API a client uses, with a short-lived token of the
// account, streamed token by token. Each token's background shows its probability; hovering shows the most likely
// alternatives. Below: how it finished, time to first token, tokens per second, and the request as code to copy.
import {accountPath, get, post} from './api.js';
import {copyButton, field, formatNumber, h, replace, status} from './dom.js';
import {FORMATS, NOT_IN_CHAT, chatBody, maasBody, snippet} from './snippets.js';
import {readChatStream, readMaasStream} from './streams.js';

export const title = 'Playground';

/** Every parameter of the guide: name, label, input attributes and what the hint says is allowed. */
const PARAMS = [
  ['max_new_tokens', 'Max new tokens', {type: 'number', min: 1, step: 1, value: 100}, '1 … context − prompt tokens'],
  ['temperature', 'Temperature', {type: 'number', min: 0, max: 100, step: 'any'}, '0 is greedy; default 1'],
  ['top_k', 'Top k', {type: 'number', min: 0, step: 1}, '0 (off) … vocabulary size'],
  ['top_p', 'Top p', {type: 'number', min: 0, max: 1, step: 'any'}, '(0, 1]; default 1 (off)'],
  ['typical_p', 'Typical p', {type: 'number', min: 0, max: 1, step: 'any'}, '(0, 1]; default 1 (off)'],
  ['repetition_penalty', 'Repetition penalty', {type: 'number', min: 0, max: 100, step: 'any'},
    '(0, 100]; default 1 (off)'],
  ['frequency_penalty', 'Frequency penalty', {type: 'number', min: -2, max: 2, step: 'any'}, '−2 … 2; default 0'],
  ['seed', 'Seed', {type: 'text', inputmode: 'numeric', pattern: '[0-9]*'}, '0 … 2⁶⁴−1; empty: random'],
  ['top_n_tokens', 'Top n tokens', {type: 'number', min: 0, max: 5, step: 1, value: 3},
    '0 … 5 alternatives per token, shown on hover'],
  ['truncate', 'Truncate', {type: 'number', min: 1, step: 1}, 'keep only the last N prompt tokens'],
];

export async function render(main, {account, params}) {
  const [{models}, {clients}] = await Promise.all([
    get(accountPath(account, '/models')),
    get(accountPath(account, '/clients')).catch(() => ({clients: []})),
  ]);
  if (!models.length) {
    replace(main, h('h1', {}, title), h('p.empty', {}, 'This account may use no product yet: an operator grants them.'));
    return;
  }
  const active = clients.filter(c => c.status === 'active');
  const ui = new Playground(account, models, active, params.get('product'));
  replace(main, ui.element);
  return () => ui.cancel();
}

class Playground {
  constructor(account, models, clients, productName) {
    this.account = account;
    this.models = models;
    this.token = null;
    this.controller = null;
    this.history = [];

    this.product = h('select', {name: 'product', onchange: () => this.productChanged()},
        models.map(m => h('option', {value: m.product_name, selected: m.product_name === productName},
            `${m.product_name} (${m.model_name})`)));
    this.promptMode = h('input', {type: 'radio', name: 'mode', value: 'prompt', checked: true,
        onchange: () => this.modeChanged()});
    this.chatMode = h('input', {type: 'radio', name: 'mode', value: 'chat', onchange: () => this.modeChanged()});
    this.prompt = h('textarea', {name: 'prompt', rows: 4, required: true, value: 'Once upon a time'});
    this.system = h('textarea', {name: 'system', rows: 2, placeholder: 'You are a helpful assistant.'});
    this.inputs = {};
    for (const [name, , attrs] of PARAMS) this.inputs[name] = h('input', {name, ...attrs});
    this.inputs.do_sample = h('input', {type: 'checkbox', name: 'do_sample'});
    this.inputs.stop = h('textarea', {name: 'stop', rows: 2});
    this.generate = h('button', {type: 'submit'}, 'Generate');
    this.stopButton = h('button.secondary', {type: 'button', disabled: true, onclick: () => this.cancel()}, 'Stop');
    this.transcript = h('ol.transcript', {'aria-label': 'Conversation'});
    this.output = h('div.output', {id: 'output', 'aria-label': 'Generated text', tabindex: 0});
    this.stats = h('dl.stats', {id: 'stats', role: 'status'});
    this.format = h('select', {name: 'format', onchange: () => this.showSnippet()},
        Object.entries(FORMATS).map(([value, label]) => h('option', {value}, label)));
    this.code = h('pre.snippet', {tabindex: 0}, h('code'));
    // The code names one of the account's clients; its secret is never shown again, so the code asks for it.
    this.client = h('select', {name: 'client', onchange: () => this.showSnippet()},
        clients.length ? clients.map(c => h('option', {value: c.client_id}, `${c.name} (${c.client_id})`))
            : h('option', {value: ''}, 'my_client_id (create a client on the Credentials page)'));

    this.chatFields = h('div.chat-only', {hidden: true}, field('System message', this.system), this.transcript,
        h('button.secondary', {type: 'button', onclick: () => this.newChat()}, 'New chat'));
    const form = h('form.playground', {id: 'playground-form', onsubmit: e => { e.preventDefault(); this.run(); },
        oninput: () => this.showSnippet()},
      h('div.row', {},
        field('Product', this.product),
        h('fieldset.mode', {}, h('legend', {}, 'Mode'),
          h('label', {}, this.promptMode, ' Prompt'), h('label', {}, this.chatMode, ' Chat'))),
      this.chatFields,
      field('Prompt', this.prompt),
      h('details.params', {open: true}, h('summary', {}, 'Parameters'),
        h('div.grid', {},
          PARAMS.map(([name, label, , hint]) => field(label, this.inputs[name], hint)),
          field('Stop sequences', this.inputs.stop, 'one per line, at most 4'),
          h('div.field.check', {}, h('label', {}, this.inputs.do_sample, ' Sample (do_sample)'),
            h('small.hint', {}, 'sample even with neutral warpers')))),
      h('div.actions', {}, this.generate, this.stopButton));

    this.element = h('div', {},
      h('h1', {}, title),
      form,
      h('section', {'aria-labelledby': 'output-title'},
        h('h2', {id: 'output-title'}, 'Output'),
        h('p.legend', {}, 'Each token\'s background is its probability (green: likely, red: unlikely); hover a token ' +
            'for its logprob and the most likely alternatives.'),
        this.output, this.stats),
      h('section.copy-as', {'aria-labelledby': 'copy-title'},
        h('h2', {id: 'copy-title'}, 'Copy as'),
        h('div.row', {}, field('Format', this.format), field('API client', this.client),
          copyButton(() => this.code.textContent, 'Copy code')),
        this.code));
    this.productChanged();
  }

  selected() {
    return this.models.find(m => m.product_name === this.product.value);
  }

  mode() {
    return this.chatMode.checked ? 'chat' : 'prompt';
  }

  productChanged() {
    const chat = this.selected().chat;
    this.chatMode.disabled = !chat;
    if (!chat) this.promptMode.checked = true;
    this.modeChanged();
  }

  modeChanged() {
    const chat = this.mode() === 'chat';
    this.chatFields.hidden = !chat;
    this.prompt.previousSibling.textContent = chat ? 'Your message' : 'Prompt';
    for (const name of NOT_IN_CHAT) {
      this.inputs[name].disabled = chat;
      this.inputs[name].title = chat ? 'not a parameter of /v1/chat/completions' : '';
    }
    this.showSnippet();
  }

  newChat() {
    this.history = [];
    replace(this.transcript);
    this.showSnippet();
  }

  /** The parameters that were given, under the guide's names; empty fields are left to the server's defaults. */
  params() {
    const params = {};
    for (const [name, , attrs] of PARAMS) {
      const input = this.inputs[name];
      if (input.disabled || input.value.trim() === '') continue;
      params[name] = name === 'seed' ? input.value.trim() : Number(input.value);
      if (attrs.type === 'number' && Number.isNaN(params[name])) delete params[name];
    }
    if (this.inputs.do_sample.checked && !this.inputs.do_sample.disabled) params.do_sample = true;
    const stop = this.inputs.stop.value.split('\n').filter(s => s !== '');
    if (stop.length) params.stop = stop;
    return params;
  }

  messages() {
    const messages = this.system.value.trim() ? [{role: 'system', content: this.system.value.trim()}] : [];
    return [...messages, ...this.history, {role: 'user', content: this.prompt.value}];
  }

  request() {
    return {origin: location.origin, account: this.account, product: this.selected(), prompt: this.prompt.value,
            params: this.params(), clientId: this.client.value, mode: this.mode(), messages: this.messages()};
  }

  showSnippet() {
    this.code.firstChild.textContent = snippet(this.format.value, this.request());
  }

  /** A token of the account's console client, fetched again a minute before it expires. */
  async accessToken() {
    if (!this.token || Date.now() > this.token.renewAt) {
      const issued = await post(accountPath(this.account, '/playground-token'));
      this.token = {value: issued.access_token, renewAt: Date.now() + (issued.expires_in - 60) * 1000};
    }
    return this.token.value;
  }

  async run() {
    const request = this.request();
    const chat = request.mode === 'chat';
    this.controller = new AbortController();
    this.generate.disabled = true;
    this.stopButton.disabled = false;
    replace(this.output);
    replace(this.stats, stat('Status', 'waiting for the first token…'));
    this.output.setAttribute('aria-busy', 'true');
    const started = performance.now();
    const timing = {first: null, last: null, count: 0};
    let text = '';
    const onToken = token => {
      const now = performance.now();
      if (timing.first === null) timing.first = now;
      timing.last = now;
      timing.count++;
      if (!token.special) text += token.text;
      this.output.append(tokenSpan(token));
    };
    try {
      const headers = {Authorization: `Bearer ${await this.accessToken()}`, 'Content-Type': 'application/json'};
      const [path, body] = chat
          ? ['/v1/chat/completions', chatBody({...request, stream: true})]
          : ['/v1/maas/generatestream', maasBody(request)];
      const response = await fetch(path, {method: 'POST', headers, body: JSON.stringify(body),
                                          signal: this.controller.signal});
      const end = await (chat ? readChatStream : readMaasStream)(response, onToken);
      this.showStats(end, timing, started);
      if (chat) {
        this.history.push({role: 'user', content: request.prompt}, {role: 'assistant', content: text});
        this.transcript.append(h('li.user', {}, request.prompt), h('li.assistant', {}, text));
        this.prompt.value = '';
      }
    } catch (e) {
      const stopped = e.name === 'AbortError';
      this.showStats({finishReason: stopped ? 'stopped here (the server cancelled the generation)' : null},
          timing, started);
      if (!stopped) this.stats.append(h('dt', {}, 'Error'), h('dd', {}, status(e.message)));
    } finally {
      this.output.removeAttribute('aria-busy');
      this.generate.disabled = false;
      this.stopButton.disabled = true;
      this.controller = null;
      this.showSnippet();
    }
  }

  showStats(end, timing, started) {
    const decoding = timing.count > 1 ? (timing.count - 1) / ((timing.last - timing.first) / 1000) : null;
    replace(this.stats,
      stat('Finish reason', end.finishReason || '—', 'finish-reason'),
      stat('Tokens', formatNumber(end.generatedTokens ?? timing.count)),
      stat('Time to first token', timing.first === null ? '—' : `${Math.round(timing.first - started)} ms`, 'ttft'),
      stat('Tokens/s after the first', decoding === null ? '—' : decoding.toFixed(1), 'tokens-per-second'),
      end.seed ? stat('Seed', end.seed) : null,
      end.requestId ? stat('Request id', end.requestId) : null);
  }

  cancel() {
    if (this.controller) this.controller.abort();
  }
}

function stat(label, value, id) {
  return [h('dt', {}, label), h('dd', {id}, value)];
}

/**
 * One token: its text on a background that is pale green when the model was sure of it and turns red as it was
 * less likely; its logprob and the most likely alternatives in its title (shown on hover).
 */
function tokenSpan(token) {
  const span = h('span.token', {}, token.text);
  if (token.special) span.classList.add('special');
  if (typeof token.logprob === 'number') {
    const probability = Math.exp(token.logprob);
    span.style.backgroundColor = `hsl(${Math.round(120 * probability)} 80% ${Math.round(55 + 40 * probability)}%)`;
    const lines = [`${JSON.stringify(token.text)}: p = ${probability.toFixed(3)} (logprob ${token.logprob.toFixed(3)})`];
    for (const alt of token.top || []) {
      lines.push(`  ${JSON.stringify(alt.text)}: p = ${Math.exp(alt.logprob).toFixed(3)}`);
    }
    span.title = lines.join('\n');
  }
  return span;
}
