/** A tiny path-template router: `/cmk/v2/clusters/{id}` → params. Templates also name endpoints in stats. */
import { errorsReply, notFoundReply, type Reply, type SimRequest } from './reply.js';

export interface Route<C> {
  method: string;
  template: string;
  handler(req: SimRequest, ctx: C): Reply | Promise<Reply>;
}

export type RouteMatch<C> =
  | { kind: 'found'; route: Route<C>; params: Record<string, string> }
  | { kind: 'method'; template: string }
  | { kind: 'none' };

function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const want = template.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith('{') && w.endsWith('}')) {
      if (g === '') return undefined;
      try {
        params[w.slice(1, -1)] = decodeURIComponent(g);
      } catch {
        return undefined;
      }
    } else if (w !== g) {
      return undefined;
    }
  }
  return params;
}

export function matchRoute<C>(routes: readonly Route<C>[], method: string, path: string): RouteMatch<C> {
  let template: string | undefined;
  for (const route of routes) {
    const params = matchTemplate(route.template, path);
    if (!params) continue;
    if (route.method === method || (method === 'HEAD' && route.method === 'GET')) {
      return { kind: 'found', route, params };
    }
    template ??= route.template;
  }
  return template ? { kind: 'method', template } : { kind: 'none' };
}

/** The answer when no route takes the request: 404 for an unknown path, 405 for a known path's other method. */
export function unmatchedReply(match: { kind: 'none' } | { kind: 'method' }): Reply {
  return match.kind === 'none'
    ? notFoundReply()
    : errorsReply(405, 'method_not_allowed', 'Method Not Allowed');
}
