// Responses the proxy itself produces, HAProxy-like (status line, no-cache, close, short HTML).
// `errorfile` bodies replace them verbatim: ErrorFile.content is a raw HTTP response, exactly
// what HAProxy sends from an errorfile.
import type { ErrorFile } from '../config/model.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  408: 'Request Time-out',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Time-out',
};

const MESSAGES: Record<number, string> = {
  400: 'Your browser sent an invalid request.',
  408: "Your browser didn't send a complete request in time.",
  431: 'Your browser sent request headers that are too large.',
  502: 'The server returned an invalid or incomplete response.',
  503: 'No server is available to handle this request.',
  504: "The server didn't respond in time.",
};

const cache = new Map<number, Buffer>();

export function defaultErrorResponse(status: number): Buffer {
  let b = cache.get(status);
  if (!b) {
    const reason = REASONS[status] ?? 'Error';
    const body = `<html><body><h1>${status} ${reason}</h1>\n${MESSAGES[status] ?? reason}\n</body></html>\n`;
    b = Buffer.from(`HTTP/1.1 ${status} ${reason}\r\ncontent-length: ${body.length}\r\ncache-control: no-cache\r\ncontent-type: text/html\r\nconnection: close\r\n\r\n${body}`, 'latin1');
    cache.set(status, b);
  }
  return b;
}

/** First errorfile found for the status in the given sources (backend first, then frontend, as HAProxy). */
export function errorResponse(status: number, ...sources: (Readonly<Record<number, ErrorFile>> | undefined)[]): Buffer {
  for (const s of sources) {
    const f = s?.[status];
    if (f) return Buffer.from(f.content, 'utf8');
  }
  return defaultErrorResponse(status);
}
