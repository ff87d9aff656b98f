/** Calls the simulator's admin API (`/_sim/…`) with its basic auth. */
export interface SimAdmin {
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

export function createSimAdmin(url: string, apiKey = 'sim-key', apiSecret = 'sim-secret'): SimAdmin {
  const auth = `Basic ${Buffer.from(`${apiKey}:${apiSecret}`).toString('base64')}`;
  return {
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: auth,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
}
