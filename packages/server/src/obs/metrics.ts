/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text
 * exposition format. Enough for the server's own figures without a client library.
 */
type Labels = Record<string, string>;

const renderLabels = (labels: Labels) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeLabel(labels[k] ?? '')}"`)
    .join(',');

/**
 * Rendered label sets by their raw names and values: every request records a few series whose
 * labels repeat (method, route, status), so sorting and escaping them each time is wasted work.
 * Bounded, because a label value could come from outside.
 */
const renderedLabels = new Map<string, string>();
function labelKey(labels: Labels): string {
  let raw = '';
  for (const k in labels) raw += `${k}\u0000${labels[k]}\u0001`;
  let key = renderedLabels.get(raw);
  if (key === undefined) {
    key = renderLabels(labels);
    if (renderedLabels.size >= 10_000) renderedLabels.clear();
    renderedLabels.set(raw, key);
  }
  return key;
}

function escapeLabel(v: string): string {
  return v.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('"', '\\"');
}

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  render(): string[];
}

export class Counter implements Family {
  readonly type = 'counter';
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = labelKey(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
  /** For a count kept elsewhere and read at each scrape (it only grows there). */
  set(labels: Labels, value: number): void {
    this.values.set(labelKey(labels), value);
  }
  render(): string[] {
    if (this.values.size === 0) return [`${this.name} 0`];
    return [...this.values].map(([k, v]) => `${this.name}${k ? `{${k}}` : ''} ${v}`);
  }
}

export class Gauge implements Family {
  readonly type = 'gauge';
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  set(labels: Labels, value: number): void {
    this.values.set(labelKey(labels), value);
  }
  render(): string[] {
    return [...this.values].map(([k, v]) => `${this.name}${k ? `{${k}}` : ''} ${v}`);
  }
}

export class Histogram implements Family {
  readonly type = 'histogram';
  private readonly series = new Map<string, { buckets: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}
  observe(labels: Labels, value: number): void {
    const k = labelKey(labels);
    let s = this.series.get(k);
    if (!s) {
      s = { buckets: this.bounds.map(() => 0), sum: 0, count: 0 };
      this.series.set(k, s);
    }
    for (let i = 0; i < this.bounds.length; i++)
      if (value <= (this.bounds[i] ?? 0)) s.buckets[i] = (s.buckets[i] ?? 0) + 1;
    s.sum += value;
    s.count++;
  }
  render(): string[] {
    const out: string[] = [];
    for (const [k, s] of this.series) {
      const sep = k ? ',' : '';
      this.bounds.forEach((b, i) => {
        out.push(`${this.name}_bucket{${k}${sep}le="${b}"} ${s.buckets[i] ?? 0}`);
      });
      out.push(`${this.name}_bucket{${k}${sep}le="+Inf"} ${s.count}`);
      out.push(`${this.name}_sum${k ? `{${k}}` : ''} ${s.sum}`);
      out.push(`${this.name}_count${k ? `{${k}}` : ''} ${s.count}`);
    }
    return out;
  }
}

export class MetricsRegistry {
  private readonly families: Family[] = [];
  /** Called before each render (queue depth and other values read on demand). */
  private readonly collectors: (() => Promise<void>)[] = [];

  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help));
  }
  gauge(name: string, help: string): Gauge {
    return this.add(new Gauge(name, help));
  }
  histogram(name: string, help: string, bounds: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, bounds));
  }
  collect(fn: () => Promise<void>): void {
    this.collectors.push(fn);
  }

  async render(): Promise<string> {
    await Promise.all(this.collectors.map((fn) => fn().catch(() => undefined)));
    const lines: string[] = [];
    for (const f of this.families) {
      lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.render());
    }
    return `${lines.join('\n')}\n`;
  }

  private add<F extends Family>(f: F): F {
    this.families.push(f);
    return f;
  }
}

/** The figures the server reports; the host increments the engine-side ones. */
export interface ServerMetrics {
  registry: MetricsRegistry;
  requests: Counter;
  latency: Histogram;
  eventsIngested: Counter;
  effects: Counter;
  queueDepth: Gauge;
}

export function serverMetrics(): ServerMetrics {
  const registry = new MetricsRegistry();
  return {
    registry,
    requests: registry.counter('kith_http_requests_total', 'HTTP requests by method, route and status.'),
    latency: registry.histogram(
      'kith_http_request_duration_seconds',
      'HTTP request latency by method and route.',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ),
    eventsIngested: registry.counter(
      'kith_events_ingested_total',
      'Events taken in, by result (accepted, duplicate).',
    ),
    effects: registry.counter('kith_effects_total', 'Effects by outcome (delivered, failed, dead).'),
    queueDepth: registry.gauge('kith_queue_depth', 'Jobs waiting, by queue, when the host knows it.'),
  };
}
