/** What the sandbox provider holds: the inbox, groups, invites, and a sequence for ids. */

export type SandboxAddress = { kind: 'member'; address: string } | { kind: 'group'; group: string };

export interface SandboxButton {
  text: string;
  value: string | null;
  url: string | null;
}

/** A message as it landed in the inbox. */
export interface SandboxMessage {
  id: string;
  at: number;
  to: SandboxAddress;
  text: string;
  subject: string | null;
  html: string | null;
  image: string | null;
  buttons: SandboxButton[];
}

export interface SandboxGroup {
  id: string;
  name: string;
  /** Most members the group takes (a WeChat group: 500); null for no limit. */
  capacity: number | null;
  members: string[];
  /** Muted addresses and until when (null: until unmuted). */
  muted: Record<string, number | null>;
}

export interface SandboxInvite {
  code: string;
  url: string;
  member: string | null;
  group: string | null;
  attribution: Record<string, string>;
}

export interface SandboxState {
  messages: SandboxMessage[];
  groups: Map<string, SandboxGroup>;
  invites: Map<string, SandboxInvite>;
  names: Map<string, string>;
  seq: number;
}

export function newState(): SandboxState {
  return { messages: [], groups: new Map(), invites: new Map(), names: new Map(), seq: 0 };
}

export function nextId(state: SandboxState, prefix: string): string {
  state.seq += 1;
  return `${prefix}-${state.seq}`;
}

/** Adds a member to a group; false when the group is full (capacity reached). */
export function joinGroup(group: SandboxGroup, address: string): boolean {
  if (group.members.includes(address)) return true;
  if (group.capacity !== null && group.members.length >= group.capacity) return false;
  group.members.push(address);
  return true;
}
