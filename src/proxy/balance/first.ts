// `balance first`: the lowest-id server that still has a free slot takes the connection
// (HAProxy: meant with maxconn, so servers fill up one after the other and idle ones can be
// powered down). Selection already removed servers at maxconn; list is in id order.
import type { Algorithm, Candidates } from './types.js';

export function createFirst(): Algorithm {
  return { pick: (cand: Candidates) => cand.list[0]! };
}
