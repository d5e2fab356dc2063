// The one way the pages talk to the console's JSON API: same-origin fetch with the session cookie, the session's
// CSRF token on every state change, and errors turned into ApiError with the server's code and message.

const BASE = '/console/api';
let csrfToken = null;

export function setCsrfToken(token) {
  csrfToken = token;
}

export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

/** Listeners told when a call finds the session gone (expired, or signed out elsewhere). */
const signedOutListeners = new Set();
export function onSignedOut(listener) {
  signedOutListeners.add(listener);
}

export async function api(method, path, body) {
  const headers = {Accept: 'application/json'};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(BASE + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  if (response.status === 204) return null;
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    const error = payload && payload.error ? payload.error : {};
    const failure = new ApiError(response.status, error.code || String(response.status),
        error.message || `${method} ${path} failed with HTTP ${response.status}`,
        response.headers.get('Retry-After'));
    if (response.status === 401 && path !== '/session') signedOutListeners.forEach(listener => listener(failure));
    throw failure;
  }
  return payload;
}

export const get = path => api('GET', path);
export const post = (path, body = {}) => api('POST', path, body);
export const put = (path, body) => api('PUT', path, body);
export const patch = (path, body) => api('PATCH', path, body);
export const del = path => api('DELETE', path);

/** The URL of an account's resource, its id escaped. */
export function accountPath(account, rest) {
  return `/accounts/${encodeURIComponent(account)}${rest}`;
}
