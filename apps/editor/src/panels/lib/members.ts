import type { MemberQuery, TimelineItem } from '../../api/types.js';

export interface Filters {
  q: string;
  stage: string;
  tier: string;
  tag: string;
}

export const PAGE_SIZE = 25;

/** The query for one page: empty filters left out, so the server's defaults apply. */
export function memberQuery(f: Filters, cursor: string | undefined, limit = PAGE_SIZE): MemberQuery {
  const q: MemberQuery = { limit };
  if (f.q.trim() !== '') q.q = f.q.trim();
  if (f.stage.trim() !== '') q.stage = f.stage.trim();
  if (f.tier.trim() !== '') q.tier = f.tier.trim();
  if (f.tag.trim() !== '') q.tag = f.tag.trim();
  if (cursor !== undefined) q.cursor = cursor;
  return q;
}

/**
 * Cursor pages, walked both ways: the server gives only `next`, so the cursors of the pages seen
 * are kept to step back. `cursors[i]` opens page i (page 0 has none).
 */
export class CursorPager {
  private cursors: (string | undefined)[] = [undefined];
  private index = 0;
  private nextCursor: string | undefined;

  get page(): number {
    return this.index;
  }

  get current(): string | undefined {
    return this.cursors[this.index];
  }

  get hasPrevious(): boolean {
    return this.index > 0;
  }

  get hasNext(): boolean {
    return this.nextCursor !== undefined;
  }

  /** Record the `next` of the page just shown. */
  loaded(next: string | undefined): void {
    this.nextCursor = next;
  }

  /** The cursor to load for the next page (and move there), or undefined at the end. */
  forward(): string | undefined {
    if (this.nextCursor === undefined) return undefined;
    this.cursors = this.cursors.slice(0, this.index + 1);
    this.cursors.push(this.nextCursor);
    this.index++;
    return this.nextCursor;
  }

  back(): string | undefined {
    if (this.index > 0) this.index--;
    return this.cursors[this.index];
  }

  reset(): void {
    this.cursors = [undefined];
    this.index = 0;
    this.nextCursor = undefined;
  }
}

/** One line for a timeline entry, from whichever fields it has. */
export function timelineText(item: TimelineItem): string {
  const parts: string[] = [];
  if (typeof item.type === 'string') parts.push(item.type);
  const place = [item.journey, item.step].filter((s) => typeof s === 'string' && s !== '').join(' › ');
  if (place !== '') parts.push(place);
  if (typeof item.status === 'string') parts.push(`(${item.status})`);
  if (typeof item.detail === 'string' && item.detail !== '') parts.push(item.detail);
  return parts.join(' · ');
}
