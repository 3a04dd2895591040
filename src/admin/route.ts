// Which admin endpoint a request asks for. Pure module (conventions §1).
//
// The stats URI is matched like HAProxy matches `stats uri`: as a prefix of the request URI,
// so the default '/haproxy?stats' works with its query string, and HAProxy's ';json' / ';csv'
// suffix forms are accepted. `?format=json` is the halb spelling for tools that dislike ';'.

export type AdminRoute = { readonly kind: 'metrics' } | { readonly kind: 'status'; readonly format: 'json' } | { readonly kind: 'not-found' } | { readonly kind: 'method-not-allowed' };

const METRICS_PATH = '/metrics';

export function routeAdmin(method: string, url: string, statsUri: string): AdminRoute {
  const target = routeTarget(url, statsUri);
  if (target.kind === 'not-found') return target;
  // HEAD is GET without a body (RFC 9110 §9.3.2); nothing here changes state.
  if (method !== 'GET' && method !== 'HEAD') return { kind: 'method-not-allowed' };
  return target;
}

function routeTarget(url: string, statsUri: string): AdminRoute {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (path === METRICS_PATH && statsUri !== METRICS_PATH) return { kind: 'metrics' };
  if (!url.startsWith(statsUri)) return { kind: 'not-found' };
  const rest = url.slice(statsUri.length);
  // The prefix must end at a boundary: '/stats' must not answer '/statsfoo'.
  if (rest === '' || rest.startsWith(';') || rest.startsWith('?') || rest.startsWith('&') || statsUri.endsWith('/')) {
    // Only JSON exists today; the HTML page comes later and will take the bare URI.
    return { kind: 'status', format: 'json' };
  }
  return { kind: 'not-found' };
}
