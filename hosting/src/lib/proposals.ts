// Proposals the app just received (from capture or an edit), so the review screen opens without another read.
import type { Proposal } from './types';

const recent = new Map<string, Proposal>();

export function remember(p: Proposal): Proposal {
  recent.set(p.proposal_id, p);
  return p;
}
export function remembered(id: string): Proposal | undefined {
  return recent.get(id);
}
