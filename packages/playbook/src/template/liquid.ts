import { tags as builtinTags, Liquid, type TagToken } from 'liquidjs';
import { FORBIDDEN_NAMES } from '../expr/ast.js';
import { date, defaultFilter, money } from './filters.js';

/**
 * The one shared, locked-down Liquid instance: own properties only, unknown filters are parse
 * errors, no file system (`include`, `render` and `layout` fail at parse), bounded parse size,
 * render time and memory, deterministic dates (UTC unless told otherwise, en-US).
 */

export const TEMPLATE_LIMITS = {
  /** Longest template source, in characters. */
  maxSourceLength: 100_000,
  /** Longest rendered output; longer output is truncated. */
  maxOutputLength: 100_000,
  /** Render time budget per call, ms (Liquid's `renderLimit`). */
  renderTimeMs: 1_000,
  /** Liquid's `memoryLimit` (roughly characters/items allocated per render). */
  memory: 10_000_000,
} as const;

/** Tags refused in message templates, and why. */
const DISABLED_TAGS: Record<string, string> = {
  include: 'message templates cannot include other files; put the text in this template',
  render: 'message templates cannot render other files; put the text in this template',
  layout: 'message templates cannot use layouts; put the text in this template',
};

/** Filters removed from the standard set (non-deterministic). */
const REMOVED_FILTERS = ['sample'];

type TagClass = (typeof builtinTags)[string];

function disabledTag(message: string): TagClass {
  return class DisabledTag {
    constructor(token: TagToken) {
      throw new Error(`the '${token.name}' tag is not available: ${message}`);
    }
  } as unknown as TagClass;
}

/** Wraps a tag so that the names it binds (assign, capture, for, ...) cannot be prototype keys. */
function guardedTag(Base: TagClass): TagClass {
  const Guarded = class extends (Base as unknown as new (...args: unknown[]) => object) {
    constructor(...args: unknown[]) {
      super(...args);
      const self = this as unknown as {
        localScope?: () => Iterable<{ content: string }>;
        blockScope?: () => Iterable<string>;
      };
      const names: string[] = [];
      if (typeof self.localScope === 'function') for (const t of self.localScope()) names.push(t.content);
      if (typeof self.blockScope === 'function') for (const n of self.blockScope()) names.push(n);
      for (const n of names) {
        if (FORBIDDEN_NAMES.has(n)) throw new Error(`'${n}' cannot be used as a variable name`);
      }
    }
  };
  return Guarded as unknown as TagClass;
}

function createLiquid(): Liquid {
  const liquid = new Liquid({
    ownPropertyOnly: true,
    strictFilters: true,
    strictVariables: false,
    jsTruthy: true,
    dynamicPartials: false,
    relativeReference: false,
    templates: {},
    cache: false,
    timezoneOffset: 'UTC',
    locale: 'en-US',
    parseLimit: TEMPLATE_LIMITS.maxSourceLength,
    renderLimit: TEMPLATE_LIMITS.renderTimeMs,
    memoryLimit: TEMPLATE_LIMITS.memory,
  });
  for (const [name, Base] of Object.entries(builtinTags)) {
    liquid.registerTag(
      name,
      Object.hasOwn(DISABLED_TAGS, name) ? disabledTag(DISABLED_TAGS[name]!) : guardedTag(Base),
    );
  }
  for (const name of REMOVED_FILTERS) liquid.unregisterFilter(name);
  liquid.registerFilter('money', money);
  liquid.registerFilter('date', date);
  liquid.registerFilter('default', defaultFilter);
  return liquid;
}

export const liquid: Liquid = createLiquid();

/** Names of the filters templates may use, sorted. */
export const TEMPLATE_FILTERS: string[] = Object.keys(liquid.filters).sort();
