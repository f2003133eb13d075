import type { Fetch, WebhookRequest } from '@kith/sdk';
import { DEV_SIGNING_SECRET, DEV_TOKEN } from '../config.js';
import { createApi } from './api.js';
import { type FaultOptions, Faults, type SandboxFailure } from './faults.js';
import { createActivity, type SimulatedMember } from './members.js';
import { newState, type SandboxGroup, type SandboxInvite, type SandboxMessage } from './state.js';

export interface SandboxOptions extends FaultOptions {
  baseUrl?: string;
  token?: string;
  signingSecret?: string;
  inviteBaseUrl?: string;
  clock?: { now(): number };
  onInbound?: (request: WebhookRequest) => void | Promise<void>;
}

/** An in-memory provider: the inbox, groups and simulated members behind the sandbox channel. */
export interface Sandbox {
  /** Give this to the plugin instance's context (`fetch:`): it is the sandbox's API. */
  readonly fetch: Fetch;
  /** The `with:` values that point a sandbox channel at this sandbox. */
  readonly config: { baseUrl: string; token: string; signingSecret: string; inviteBaseUrl: string };
  /** Messages that landed, oldest first; filter by member address or group. */
  inbox(filter?: { member?: string; group?: string }): SandboxMessage[];
  group(id: string): SandboxGroup | undefined;
  groups(): SandboxGroup[];
  /** Makes a group exist on the provider side (an operator's existing group). */
  createGroup(
    id: string,
    options?: { name?: string; capacity?: number | null; members?: string[] },
  ): SandboxGroup;
  invite(code: string): SandboxInvite | undefined;
  /** A simulated member, who can reply, click, join and leave. */
  member(address: string, name?: string): SimulatedMember;
  /** The next API call fails this way. */
  failNext(failure: SandboxFailure): void;
}

/**
 * Creates a sandbox provider.
 * @example
 * const sandbox = createSandbox({ rateLimit: { max: 20, perMs: 60_000 } });
 * const ann = sandbox.member('ann', 'Ann');
 * await ann.reply('Hello!'); // a signed webhook request for the plugin
 */
export function createSandbox(options: SandboxOptions = {}): Sandbox {
  const state = newState();
  const faults = new Faults(options);
  const now = () => (options.clock ?? Date).now();
  const config = {
    baseUrl: options.baseUrl ?? 'http://sandbox.kith.local',
    token: options.token ?? DEV_TOKEN,
    signingSecret: options.signingSecret ?? DEV_SIGNING_SECRET,
    inviteBaseUrl: options.inviteBaseUrl ?? 'https://sandbox.kith.local/join',
  };
  const handler = createApi({
    state,
    faults,
    token: config.token,
    inviteBaseUrl: config.inviteBaseUrl,
    basePath: new URL(config.baseUrl).pathname.replace(/\/$/, ''),
    now,
  });
  const member = createActivity({
    state,
    signingSecret: config.signingSecret,
    now,
    onInbound: options.onInbound,
  });
  return {
    fetch: (input, init) => handler(new Request(input, init)),
    config,
    inbox(filter = {}) {
      return state.messages.filter(
        (m) =>
          (filter.member === undefined || (m.to.kind === 'member' && m.to.address === filter.member)) &&
          (filter.group === undefined || (m.to.kind === 'group' && m.to.group === filter.group)),
      );
    },
    group: (id) => state.groups.get(id),
    groups: () => [...state.groups.values()],
    createGroup(id, o = {}) {
      const g: SandboxGroup = {
        id,
        name: o.name ?? id,
        capacity: o.capacity ?? null,
        members: [...(o.members ?? [])],
        muted: {},
      };
      state.groups.set(id, g);
      return g;
    },
    invite: (code) => state.invites.get(code),
    member,
    failNext: (f) => faults.failNext(f),
  };
}
