// "Copy as": the playground's request written for curl, the guide's Python, the Java SDK and the openai package,
// with this server's URLs, the account and product ids, and a client id of the account filled in. Secrets never
// are: the snippets read them from the environment or leave the guide's placeholder.

/** The guide's five globals, as its Python script starts. */
export function guideGlobals({origin, clientId, clientSecret, account}) {
  return [
    `CLIENT_ID = ${py(clientId || 'my_client_id')}`,
    `CLIENT_SECRET = ${py(clientSecret || 'my_client_secret')}`,
    `CLOUD_ACCOUNT = ${py(account)}`,
    `API_BASE_URL = ${py(`${origin}/v1/maas`)}`,
    `AUTH_URL = ${py(`${origin}/oauth2/token`)}`,
  ].join('\n');
}

/** The body of POST /v1/maas/generatestream, as the guide builds it. */
export function maasBody({account, product, prompt, params}) {
  return {
    model: product.model_name,
    request: {prompt, params},
    cloudAccountId: account,
    productName: product.product_name,
    productId: product.product_id,
  };
}

/** The body of POST /v1/chat/completions for the same messages and the parameters chat takes. */
export function chatBody({product, messages, params, stream}) {
  const body = {model: product.product_name, messages, ...openAiParams(params)};
  if (params.top_n_tokens !== undefined) {
    body.logprobs = true;
    body.top_logprobs = params.top_n_tokens;
  }
  return stream ? {...body, stream, stream_options: {include_usage: true}} : body;
}

/** The body of POST /v1/completions (OpenAI's legacy shape: logprobs is the number of alternatives). */
function completionBody({product, prompt, params}) {
  const body = {model: product.product_name, prompt, ...openAiParams(params)};
  if (params.top_n_tokens !== undefined) body.logprobs = params.top_n_tokens;
  return {...body, stream: true};
}

/** The generation parameters OpenAI's routes share with the MaaS API, under OpenAI's names. */
function openAiParams(params) {
  const names = {max_new_tokens: 'max_tokens', temperature: 'temperature', top_p: 'top_p', seed: 'seed',
                 stop: 'stop', frequency_penalty: 'frequency_penalty'};
  const mapped = {};
  for (const [maas, openai] of Object.entries(names)) {
    if (params[maas] !== undefined) mapped[openai] = maas === 'seed' ? Number(params.seed) : params[maas];
  }
  return mapped;
}

/** The parameters chat cannot take, to say so beside them. */
export const NOT_IN_CHAT = ['top_k', 'typical_p', 'repetition_penalty', 'do_sample', 'truncate'];

export const FORMATS = {
  curl: 'curl',
  python: 'Python (the guide\'s script)',
  java: 'Java SDK',
  openai: 'openai (Python)',
};

export function snippet(format, request) {
  return {curl, python, java, openai}[format](request);
}

function curl(r) {
  const token = [
    `CLIENT_ID=${sh(r.clientId || 'my_client_id')}`,
    'read -rsp "client secret: " CLIENT_SECRET; echo',
    `token=$(curl -s -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials ${sh(r.origin + '/oauth2/token')} \\`,
    `  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')`,
  ];
  const [path, body] = r.mode === 'chat'
      ? ['/v1/chat/completions', chatBody({...r, stream: true})]
      : ['/v1/maas/generatestream', maasBody(r)];
  return [...token,
    `curl -sN ${sh(r.origin + path)} \\`,
    '  -H "Authorization: Bearer $token" \\',
    `  -H 'Content-Type: application/json' \\`,
    `  --data ${sh(JSON.stringify(body, null, 2))}`].join('\n');
}

function python(r) {
  const body = r.mode === 'chat' ? chatBody({...r, stream: true}) : maasBody(r);
  const url = r.mode === 'chat' ? `f'{API_BASE_URL.removesuffix("/maas")}/chat/completions'`
      : `f'{API_BASE_URL}/generatestream'`;
  const payload = JSON.stringify(body, null, 4)
      .replace(/"cloudAccountId": "[0-9]+"/, '"cloudAccountId": CLOUD_ACCOUNT')
      .replace(/\btrue\b/g, 'True').replace(/\bfalse\b/g, 'False');
  return `import json
import os
import requests

# 1. Define global variables
${guideGlobals({...r, clientSecret: null}).replace('"my_client_secret"', 'os.environ["CLIENT_SECRET"]')}


# 2. Authenticate
def get_auth_token(client_id: str = CLIENT_ID, client_secret: str = CLIENT_SECRET) -> str:
    '''Get authentication token for API access.'''
    response = requests.post(
        url=AUTH_URL,
        data='grant_type=client_credentials',
        headers={'Content-Type': 'application/x-www-form-urlencoded'},
        auth=(client_id, client_secret)
    )
    token_data = response.json()
    return f"{token_data['token_type']} {token_data['access_token']}"


# 3. Generate, streamed
payload = ${payload}
response = requests.post(
    ${url},
    headers={'Authorization': get_auth_token(), 'Content-Type': 'application/json'},
    data=json.dumps(payload),
    stream=True
)
for line in response.iter_lines():
    if line:
        print(line.decode('utf-8'))
`;
}

function java(r) {
  const p = r.params;
  const calls = [];
  const setters = {max_new_tokens: 'maxNewTokens', temperature: 'temperature', top_k: 'topK', top_p: 'topP',
      typical_p: 'typicalP', repetition_penalty: 'repetitionPenalty', frequency_penalty: 'frequencyPenalty',
      do_sample: 'doSample', top_n_tokens: 'topNTokens', truncate: 'truncate'};
  for (const [name, setter] of Object.entries(setters)) {
    if (p[name] !== undefined) calls.push(`.${setter}(${p[name]})`);
  }
  if (p.seed !== undefined) calls.push(`.seed(${javaString(String(p.seed))})`);
  if (p.stop !== undefined) calls.push(`.stop(${p.stop.map(javaString).join(', ')})`);
  const prompt = r.mode === 'chat' ? r.messages.map(m => m.content).join('\n') : r.prompt;
  return `// org.openmaas:openmaas-client (see the README's "Java SDK")
try (MaasClient client = MaasClient.builder()
        .baseUrl(${javaString(r.origin + '/v1/maas')}).authUrl(${javaString(r.origin + '/oauth2/token')})
        .clientId(${javaString(r.clientId || 'my_client_id')}).clientSecret(System.getenv("MAAS_CLIENT_SECRET"))
        .cloudAccount(${javaString(r.account)})
        .build()) {
    Model model = client.findModel(${javaString(r.product.product_name)}).orElseThrow();
    GenerateRequest request = GenerateRequest.builder(model, ${javaString(prompt)})
            ${calls.join('\n            ')}
            .build();
    try (GenerationStream stream = client.generateStream(request)) {
        for (TokenEvent event : stream) {
            System.out.print(event.token().text());
        }
        System.out.println("\\n" + stream.details().orElseThrow().finishReason());
    }
}`;
}

function openai(r) {
  const body = r.mode === 'chat' ? chatBody({...r, stream: true}) : completionBody(r);
  const args = Object.entries(body).filter(([name]) => name !== 'stream_options')
      .map(([name, value]) => `    ${name}=${pyValue(value)},`).join('\n');
  const call = r.mode === 'chat' ? 'client.chat.completions.create' : 'client.completions.create';
  const text = r.mode === 'chat' ? 'chunk.choices[0].delta.content or ""' : 'chunk.choices[0].text';
  return `# pip install openai; an sk- key from the console's Credentials page in OPENAI_API_KEY
from openai import OpenAI

client = OpenAI(base_url=${py(r.origin + '/v1')})
stream = ${call}(
${args}
)
for chunk in stream:
    if chunk.choices:
        print(${text}, end="", flush=True)
print()
`;
}

function py(s) {
  return JSON.stringify(s);
}

function pyValue(v) {
  return JSON.stringify(v).replace(/\btrue\b/g, 'True').replace(/\bfalse\b/g, 'False').replace(/\bnull\b/g, 'None');
}

function javaString(s) {
  return JSON.stringify(s);
}

/** A shell word: single-quoted, with its own single quotes closed, escaped and reopened. */
function sh(s) {
  return `'${String(s).replace(/'/g, `'\\''`)}'`;
}
