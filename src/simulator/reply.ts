/** What a simulator handler returns or throws, and the error bodies of the real APIs (reference §2.1). */
import { randomUUID } from 'node:crypto';

export interface Reply {
  status: number;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
}

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Path parameters of the matched route. */
  params: Record<string, string>;
  /** `http://host:port` as the client reached us, for links in bodies. */
  baseUrl: string;
  /** Parsed JSON body (admin API); undefined when absent. */
  body: unknown;
  now: number;
}

/** Thrown by the org store and the admin API; answered as an HTTP error (`status`, `code`, `detail`). */
export class SimRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const JSON_TYPE = 'application/json';

export function jsonReply(status: number, value: unknown, headers?: Record<string, string>): Reply {
  return { status, body: JSON.stringify(value), contentType: JSON_TYPE, ...(headers ? { headers } : {}) };
}

/** The management and Metrics APIs' error body: `{"errors":[{"id","status":"404","code","detail"}]}`. */
export function errorsReply(
  status: number,
  code: string,
  detail: string,
  extra: { parameter?: string; headers?: Record<string, string> } = {},
): Reply {
  const error = {
    id: randomUUID(),
    status: String(status),
    code,
    detail,
    ...(extra.parameter ? { source: { parameter: extra.parameter } } : {}),
  };
  return jsonReply(status, { errors: [error] }, extra.headers);
}

/** The Metrics API's bare error body, as its spec's examples show it: `{"errors":[{"status":"429","detail":"…"}]}`. */
export function metricsErrorReply(status: number, detail: string): Reply {
  return jsonReply(status, { errors: [{ status: String(status), detail }] });
}

/** The Connect v1 API's error body: `{"error":{"code":404,"message":"account not found"}}`. */
export function connectErrorReply(status: number, message: string): Reply {
  return jsonReply(status, { error: { code: status, message } });
}

/** The 404 for a dataset the endpoint does not serve (`datasets`), or undefined. */
export function checkDataset(req: SimRequest, datasets: readonly string[]): Reply | undefined {
  return datasets.includes(req.params.dataset ?? '')
    ? undefined
    : errorsReply(404, 'resource_not_found', `Unknown dataset: ${req.params.dataset}`);
}

export function notFoundReply(): Reply {
  return errorsReply(404, 'resource_not_found', 'Resource Not Found');
}

export const UNAUTHORIZED_HEADER = 'Basic error="invalid_key", error_description="The API Key is invalid"';
