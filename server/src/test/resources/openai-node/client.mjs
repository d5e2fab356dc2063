// Drives OpenMaaS with the official `openai` npm package, as any Node tool would, and prints what it got as one JSON
// object for OpenAiNodeClientTest to check. Configured by environment: OPENAI_BASE_URL, OPENAI_API_KEY (the client
// reads both itself), CHAT_MODEL and COMPLETION_MODEL; TOOLS_BASE_URL, TOOLS_API_KEY and TOOLS_MODEL for tool calling.
import OpenAI from 'openai';

const client = new OpenAI({ maxRetries: 0, timeout: 60_000 });
const chatModel = process.env.CHAT_MODEL;
const completionModel = process.env.COMPLETION_MODEL;
const messages = [
  { role: 'system', content: 'You tell stories.' },
  { role: 'user', content: 'Tell me one.' },
];
const out = {};

const models = [];
for await (const model of client.models.list()) {
  models.push(model.id);
}
out.models = models;

const chat = await client.chat.completions.create({
  model: chatModel, messages, max_tokens: 10, temperature: 0, seed: 7,
});
out.chat = {
  object: chat.object,
  content: chat.choices[0].message.content,
  role: chat.choices[0].message.role,
  finishReason: chat.choices[0].finish_reason,
  usage: chat.usage,
};

const stream = await client.chat.completions.create({
  model: chatModel, messages, max_tokens: 10, temperature: 0, seed: 7, stream: true,
  stream_options: { include_usage: true },
});
let streamed = '';
let streamedFinish = null;
let streamedUsage = null;
let chunks = 0;
for await (const chunk of stream) {
  chunks++;
  for (const choice of chunk.choices) {
    streamed += choice.delta?.content ?? '';
    streamedFinish = choice.finish_reason ?? streamedFinish;
  }
  streamedUsage = chunk.usage ?? streamedUsage;
}
out.chatStream = { content: streamed, finishReason: streamedFinish, usage: streamedUsage, chunks };

const completion = await client.completions.create({
  model: completionModel, prompt: 'Once upon a time', max_tokens: 8, temperature: 0,
});
out.completion = {
  object: completion.object,
  text: completion.choices[0].text,
  finishReason: completion.choices[0].finish_reason,
  usage: completion.usage,
};

let completionStreamed = '';
for await (const chunk of await client.completions.create({
  model: completionModel, prompt: 'Once upon a time', max_tokens: 8, temperature: 0, stream: true,
})) {
  completionStreamed += chunk.choices[0]?.text ?? '';
}
out.completionStream = { text: completionStreamed };

try {
  await client.chat.completions.create({ model: chatModel, messages, n: 9 });
  out.error = null;
} catch (e) {
  out.error = { name: e.constructor.name, status: e.status, type: e.type, param: e.param, code: e.code, message: e.message };
}

// Tool calling: a required call, streamed and put together by the client's own stream helper, then the conversation
// with the call's result.
const tools = new OpenAI({
  baseURL: process.env.TOOLS_BASE_URL, apiKey: process.env.TOOLS_API_KEY, maxRetries: 0, timeout: 60_000,
});
const toolsModel = process.env.TOOLS_MODEL;
const weather = [{
  type: 'function',
  function: {
    name: 'get_weather', description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
}];
const question = [{ role: 'user', content: 'What is the weather in Paris?' }];
const callStream = tools.chat.completions.stream({
  model: toolsModel, messages: question, tools: weather, tool_choice: 'required',
});
const called = await callStream.finalChatCompletion();
const call = called.choices[0].message;
out.toolCall = {
  finishReason: called.choices[0].finish_reason,
  content: call.content,
  toolCalls: call.tool_calls,
};
const answered = await tools.chat.completions.create({
  model: toolsModel, tools: weather,
  messages: [...question, call, { role: 'tool', tool_call_id: call.tool_calls[0].id, content: '22 C' }],
});
out.toolAnswer = {
  finishReason: answered.choices[0].finish_reason,
  content: answered.choices[0].message.content,
  toolCalls: answered.choices[0].message.tool_calls ?? null,
};

console.log(JSON.stringify(out));
