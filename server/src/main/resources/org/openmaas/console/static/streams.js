// Readers of the two streamed answers the playground asks for. Both hand each token to onToken as
// {text, logprob, special, top: [{text, logprob}]} and resolve with how the generation ended, or throw the server's
// error message (before or after the stream started).

/** POST /v1/maas/generatestream: NDJSON, one line per token, the last with details; blank lines are heartbeats. */
export async function readMaasStream(response, onToken) {
  await refusal(response);
  const end = {requestId: response.headers.get('X-Request-ID')};
  for await (const line of lines(response)) {
    if (!line.trim()) continue;
    const message = JSON.parse(line);
    if (message.error) throw new Error(`${message.error.message} (gRPC code ${message.error.code})`);
    const result = message.result.response;
    onToken({...asToken(result.token), top: (result.top_tokens || []).map(asToken)});
    if (result.details) {
      end.finishReason = result.details.finish_reason;
      end.generatedTokens = result.details.generated_tokens;
      end.seed = result.details.seed;
    }
  }
  return end;
}

function asToken(t) {
  return {text: t.text, logprob: t.logprob, special: t.special};
}

/** POST /v1/chat/completions with stream: server-sent events, `data: {chunk}` until `data: [DONE]`. */
export async function readChatStream(response, onToken) {
  await refusal(response);
  const end = {requestId: response.headers.get('X-Request-ID')};
  for await (const line of lines(response)) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;   // comments are keep-alives
    const chunk = JSON.parse(line.slice(6));
    if (chunk.error) throw new Error(chunk.error.message);
    if (chunk.usage) end.generatedTokens = chunk.usage.completion_tokens;
    const choice = (chunk.choices || [])[0];
    if (!choice) continue;
    const scored = choice.logprobs && choice.logprobs.content;
    if (scored && scored.length) {
      for (const t of scored) {
        onToken({text: t.token, logprob: t.logprob, special: false,
                 top: (t.top_logprobs || []).map(a => ({text: a.token, logprob: a.logprob}))});
      }
    } else if (choice.delta && choice.delta.content) {
      onToken({text: choice.delta.content, special: false, top: []});
    }
    if (choice.finish_reason) end.finishReason = choice.finish_reason;
  }
  return end;
}

/** Throws the error body's message when the server refused the request before streaming. */
async function refusal(response) {
  if (response.ok) return;
  const body = await response.json().catch(() => ({}));
  const message = body.message || (body.error && body.error.message) || response.statusText;
  throw new Error(`${message} (HTTP ${response.status})`);
}

/** The body's lines as they arrive, decoded as UTF-8 across chunk boundaries. */
async function* lines(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const {value, done} = await reader.read();
    if (done) break;
    buffer += value;
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      yield buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
    }
  }
  if (buffer) yield buffer;
}
