/** Views the panels ask the shell to open. */
export type View = 'board' | 'yaml' | 'versions' | 'simulation' | 'live' | 'members' | 'templates';

export interface NavigateDetail {
  view: View;
  playbook?: string;
  /** A member to open, for `members`. */
  member?: string;
}

export const NAVIGATE_EVENT = 'kith-navigate';

export function navigateEvent(detail: NavigateDetail): CustomEvent<NavigateDetail> {
  return new CustomEvent(NAVIGATE_EVENT, { detail, bubbles: true, composed: true });
}
