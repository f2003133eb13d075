import type { CompiledPlaybook } from '../compile/types.js';
import type { Kernel, KernelOptions } from '../kernel/context.js';
import type { Mechanic } from '../mechanics/types.js';

/** The published versions of one tenant's playbook and the kernel that runs them. */
export class TenantPlaybooks {
  private readonly versions = new Map<string, CompiledPlaybook>();
  private currentVersion: CompiledPlaybook | undefined;
  private kernelCache: Kernel | undefined;

  constructor(
    readonly tenant: string,
    private readonly mechanics: readonly Mechanic[],
    private readonly options: KernelOptions,
  ) {}

  get current(): CompiledPlaybook | undefined {
    return this.currentVersion;
  }

  version(id: string): CompiledPlaybook | undefined {
    return this.versions.get(id);
  }

  all(): CompiledPlaybook[] {
    return [...this.versions.values()];
  }

  add(compiled: CompiledPlaybook): void {
    if (this.versions.has(compiled.version))
      throw new Error(`version '${compiled.version}' is already published`);
    this.versions.set(compiled.version, compiled);
    this.currentVersion = compiled;
    this.kernelCache = undefined;
  }

  kernel(): Kernel {
    const current = this.currentVersion;
    if (current === undefined) throw new Error(`tenant '${this.tenant}' has no published playbook`);
    if (this.kernelCache === undefined) {
      const versions = this.versions;
      this.kernelCache = {
        tenant: this.tenant,
        current,
        version: (id) => versions.get(id),
        mechanics: this.mechanics,
        options: this.options,
      };
    }
    return this.kernelCache;
  }
}
