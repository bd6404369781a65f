import type { ErrorBodyJson } from '@stitch/api';
import { urlOf } from './router.ts';

/** Central's JSON API, as the console calls it: with the read token when central asks for one. */

const TOKEN_KEY = 'stitch.token';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** A filter expression's error: the 1-based column at fault. */
    readonly column: number | null = null,
  ) {
    super(message);
  }
}

export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export const UNAUTHORIZED = 'stitch:unauthorized';

export async function apiGet<T>(path: string, params: Record<string, string | number | null | undefined> = {}, signal?: AbortSignal): Promise<T> {
  return apiCall<T>('GET', path, params, undefined, signal);
}

export async function apiCall<T>(method: string, path: string, params: Record<string, string | number | null | undefined> = {}, body?: unknown, signal?: AbortSignal): Promise<T> {
  const url = urlOf(path, params);
  const headers: Record<string, string> = {};
  const token = tokenStore.get();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), ...(signal ? { signal } : {}) });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiFailure(response.status, `central answered ${response.status} with something that is not JSON`);
  }
  if (!response.ok) {
    // OTLP paths answer a status with `message` instead.
    const { error, message, column } = (parsed ?? {}) as Partial<ErrorBodyJson> & { message?: string };
    if (response.status === 401) window.dispatchEvent(new Event(UNAUTHORIZED));
    throw new ApiFailure(response.status, error ?? message ?? `central answered ${response.status}`, column ?? null);
  }
  return parsed as T;
}
