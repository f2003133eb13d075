/**
 * The bodies and answers of the HTTP API (packages/server/ROUTES.md). Written out here rather than
 * imported from the engine: the editor talks to the server over HTTP only and may not pull engine
 * code into the browser bundle; these shapes are the JSON the server sends.
 */

export type Role = 'agency-admin' | 'tenant-editor' | 'tenant-viewer';

export interface Me {
  token: { id: string; name: string; role: Role; agency: string; tenant: string | null };
}

export interface Tenant {
  id: string;
  name: string;
  agency: string;
  createdAt: string;
}

export interface TokenSummary {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
}

export interface CreatedToken {
  id: string;
  name: string;
  role: Role;
  /** Shown once: the server keeps only a hash. */
  token: string;
}

export interface Items<T> {
  items: T[];
}

export interface Page<T> {
  items: T[];
  /** Cursor of the next page; absent on the last one. */
  next?: string;
}

export type Severity = 'error' | 'warning' | 'info';

/** A positioned problem in a playbook (same shape as `@kith/playbook`'s Diagnostic). */
export interface Diagnostic {
  severity: Severity;
  code: string;
  message: string;
  hint: string;
  zh: { message: string; hint: string };
  file: string;
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  offset: number;
  endOffset: number;
}

export interface ValidateResult {
  ok: boolean;
  diagnostics: Diagnostic[];
}

export interface PluginEntry {
  name: string;
  version: string;
  kind: string;
  description: string;
  configSchema: JsonSchema;
  actions: Record<string, { inputSchema: JsonSchema }>;
}

/**
 * A JSON Schema (or a template's param spec, which uses the extra types `duration` and `money`).
 * Only the keywords the editor reads are typed; the rest pass through.
 */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  [keyword: string]: unknown;
}

export interface Template {
  id: string;
  name: string;
  description: string;
  params: Record<string, JsonSchema>;
  /** The template's YAML. */
  source: string;
}

export interface RolloutPreviewItem {
  tenant: string;
  playbook: string;
  diff: Diff;
  touched: Record<string, number>;
  membersMidJourney: number;
}

export interface RolloutItem {
  tenant: string;
  playbook: string;
  version: number;
}

export interface PlaybookSummary {
  id: string;
  name: string;
  revision: number;
  publishedVersion: number | null;
  updatedAt: string;
  errors: number;
  warnings: number;
}

export interface VersionSummary {
  version: number;
  publishedAt: string;
  by: string;
}

export interface Playbook {
  id: string;
  source: string;
  revision: number;
  diagnostics: Diagnostic[];
  publishedVersion: number | null;
  versions: VersionSummary[];
}

export type CreatePlaybook =
  | { id: string; source: string }
  | { id: string; template: string; params: Record<string, unknown> };

export interface PublishMove {
  journey: string;
  /** The step members wait on now. */
  from: string;
  /** Where the new version puts them; null when it has no such step (they leave the journey). */
  to: string | null;
  members: number;
}

export interface PublishPreview {
  /** The version a publish would create. */
  version: number;
  /** Members whose step the new version maps (`migrate:`) elsewhere. */
  moves: PublishMove[];
  /** Members who finish their journey on the version they started on. */
  finishing: number;
}

export interface PublishResult {
  version: number;
  migrated: number;
}

export interface VersionSource {
  version: number;
  source: string;
  publishedAt: string;
  by?: string;
  /** Plugin versions the version was published with. */
  plugins?: Record<string, string>;
}

export interface RollbackResult extends PublishResult {
  /** The version whose source was published again. */
  from: number;
}

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface Change {
  path: string;
  kind: ChangeKind;
  before?: unknown;
  after?: unknown;
}

export interface Diff {
  from: string | number;
  to: string | number;
  /** A unified diff of the two YAML sources. */
  unified: string;
  changes: Change[];
}

/** A version number, or the unpublished draft. */
export type VersionRef = number | 'draft';

export interface SecretSummary {
  name: string;
  updatedAt: string;
}

export interface EventInput {
  id?: string;
  type: string;
  member: string;
  at?: string | number;
  data?: Record<string, unknown>;
}

export interface EventAccepted {
  id: string;
  status: 'accepted' | 'duplicate';
}

export interface MemberQuery {
  q?: string;
  stage?: string;
  tier?: string;
  tag?: string;
  journey?: string;
  step?: string;
  cursor?: string;
  limit?: number;
}

export interface MemberSummary {
  id: string;
  name: string | null;
  stage: string | null;
  tier: string;
  tags: string[];
  points?: number;
  joinedAt?: string | number | null;
  lastActiveAt?: string | number | null;
}

export interface JourneyInstanceSummary {
  id: string;
  journey: string;
  step?: string | null;
  status?: string;
  version?: number | string;
  startedAt?: string | number;
  [field: string]: unknown;
}

/** The member profile (`GET …/members/:member`). */
export interface MemberProfile {
  id: string;
  name: string | null;
  identities: Record<string, string>;
  stage: string | null;
  tier: string;
  tags: string[];
  attributes: Record<string, unknown>;
  points: number;
  streaks: Record<string, number>;
  referrer: string | null;
  /** Direct referrals: a count, or the members themselves when the server lists them. */
  referrals: number | string[];
  referralsTotal?: number;
  /** Group pool → group id. */
  groups: Record<string, string>;
  instances: JourneyInstanceSummary[];
  badges?: string[];
  spent?: number;
  orders?: number;
  joinedAt?: string | number | null;
  lastActiveAt?: string | number | null;
  source?: string | null;
}

export interface TimelineItem {
  at: string | number;
  kind: 'event' | 'step' | 'effect';
  type?: string;
  journey?: string;
  step?: string;
  detail?: string;
  status?: string;
  [field: string]: unknown;
}

export interface InstanceQuery {
  journey?: string;
  step?: string;
  status?: string;
  cursor?: string;
  limit?: number;
}

export interface OutboxEntry {
  effect: {
    key: string;
    tenant: string;
    member: string | null;
    instance: string | null;
    step: string | null;
    type: string;
    target: string;
    data: Record<string, unknown>;
    notBefore: number;
  };
  status: 'pending' | 'delivered' | 'skipped' | 'dead';
  attempts: number;
  availableAt: number;
  lastError: string | null;
  settledAt: number | null;
}

export interface RetryResult {
  key: string;
  status: string;
}

// ---------------------------------------------------------------- analytics

// The engine's analytics, as the server sends them (type-only: nothing of the engine is bundled).
export type {
  Commissions,
  CurrencyRevenue,
  Funnel,
  JourneyRow,
  LedgerTotals,
  RevenueRow,
  SourceRow,
  StageRow,
  StepRow,
} from '@kith/engine';

import type { Commissions, CurrencyRevenue, Funnel } from '@kith/engine';

/** The ledger report: its breakdowns vary with the mechanics a playbook runs. */
export interface LedgerReport {
  currencies: Record<string, unknown>;
  [field: string]: unknown;
}

/** `GET …/funnel`: the published playbook's analytics (409 `not-published` before the first publish). */
export interface FunnelReport {
  version: string;
  funnel: Funnel;
  revenue: CurrencyRevenue[];
  commissions: Commissions;
}

/** One live-count frame (SSE `counts`): where members are now; `null` before a playbook is published. */
export interface LiveCounts {
  at: number;
  version: string;
  members: number;
  left: number;
  stages: { stage: string; reached: number; current: number }[];
  tiers: Record<string, number>;
  goals: Record<string, number>;
  /** Runs in progress per journey, and per step where they wait. */
  journeys: { journey: string; active: number; waiting: Record<string, number> }[];
}

/** One line of live activity (SSE `activity`). */
export interface LiveActivity {
  tenant?: string;
  at: number | string;
  kind: 'event' | 'step' | 'effect' | 'stage' | 'publish';
  member?: string;
  journey?: string;
  step?: string;
  type?: string;
  detail?: string;
}

// ---------------------------------------------------------------- simulation

export interface Behaviour {
  reply: number;
  click: number;
  checkin: number;
  acceptCovenant: number;
  purchase: number;
  invite: number;
  churn: number;
  refund: number;
  violate: number;
}

export type Curve = 'flat' | 'launch' | 'growth';

/** packages/playbook/schema/simulation.schema.json */
export interface SimulationProfile {
  'kith-simulation': 1;
  description?: string;
  members?: number;
  days?: number;
  seed?: number;
  start?: string;
  arrivals?: { entry?: string; source?: string; share: number }[];
  curve?: Curve;
  behaviour?: Record<string, Partial<Behaviour>>;
  attributes?: Record<string, Record<string, number>>;
  keywords?: Record<string, number>;
}

export interface SimulationRequest {
  playbook?: string;
  source?: string;
  profile?: SimulationProfile;
  members: number;
  days: number;
  seed: number;
}

export interface LimitMoment {
  at: string;
  limit: string;
  key: string | null;
  count: number;
  max: number;
}

export interface QuietMoment {
  at: string;
  member: string | null;
  group: string | null;
  from: string;
  critical: boolean;
}

export interface ChannelUsage {
  channel: string;
  use: string;
  messages: number;
  direct: number;
  group: number;
  /** Messages per day; indexed like the report's `days`. */
  perDay: number[];
  calls: number;
  groupCap: { deferred: number; skipped: number };
  pendingAtEnd: number;
  limits: {
    name: string;
    scope: string;
    counts: string;
    max: number;
    perMs: number;
    source: string;
    violations: number;
    over: number;
    moments: LimitMoment[];
  }[];
  quietHours: { messages: number; critical: number; moments: QuietMoment[] };
}

/** The engine's simulation report (packages/engine/src/simulate/report.ts). */
export interface SimulationReport {
  report: 'kith-simulation';
  version: 1;
  playbook: { id: string; name: string; version: string };
  settings: {
    members: number;
    days: number;
    seed: number;
    start: string;
    end: string;
    curve: Curve;
    arrivals: { entry: string | null; source: string | null; share: number }[];
  };
  activity: {
    joined: number;
    invited: number;
    messages: number;
    violations: number;
    clicks: number;
    checkins: number;
    payments: number;
    refunds: number;
    churned: number;
  };
  memberSteps: number;
  funnel: Funnel;
  revenue: CurrencyRevenue[];
  commissions: Commissions;
  quietHours: { start: string; end: string; source: 'playbook' | 'default' };
  days: string[];
  channels: ChannelUsage[];
  effects: Record<string, number>;
  violations: { rateLimit: number; messagesOverLimit: number; quietHours: number };
}

export interface SimulationStatus {
  id: string;
  status: 'running' | 'done' | 'failed';
  progress: number;
  report?: SimulationReport;
  error?: string;
}

export interface SimulationProgressEvent {
  progress: number;
  day: number;
}

export interface LiveHandlers {
  counts?: (counts: LiveCounts | null) => void;
  activity?: (activity: LiveActivity) => void;
}

export interface SimulationHandlers {
  progress?: (p: SimulationProgressEvent) => void;
  done: (report: SimulationReport) => void;
  /** The server's reason, or '' when it gave none. */
  failed: (error: string) => void;
}
