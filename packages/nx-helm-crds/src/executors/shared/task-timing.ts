import { performance } from 'node:perf_hooks';
import type { ToolTime } from '../../core/shared/tool-time';

/**
 * Where a task's time went: the external tools it waited for, and nx-helm-crds' own processing (the rest of
 * the executor's run; Nx's start-up of the task process is not in it). Printed as the task's last line, so a
 * user, and the benchmark, see what our own work costs next to kustomize's.
 */
export class TaskTiming implements ToolTime {
  private readonly started: number;
  private readonly toolMs = new Map<string, number>();
  private readonly included: string[] = [];

  /** `now` is replaceable so the split can be tested exactly, without sleeping. */
  constructor(private readonly now: () => number = () => performance.now()) {
    this.started = now();
  }

  async measure<T>(tool: string, work: () => Promise<T>): Promise<T> {
    const start = this.now();
    try {
      return await work();
    } finally {
      this.toolMs.set(tool, (this.toolMs.get(tool) ?? 0) + this.now() - start);
    }
  }

  include(tool: string): void {
    this.included.push(tool);
  }

  /** `timing: kustomize 612 ms, nx-helm-crds 35 ms, peak memory 180 MB` (the task process's peak RSS). */
  summary(): string {
    const tools = [...this.toolMs].map(([tool, ms]) => `${tool} ${Math.round(ms)} ms, `).join('');
    const own = this.now() - this.started - [...this.toolMs.values()].reduce((sum, ms) => sum + ms, 0);
    const note = this.included.map((tool) => ` (${tool} included)`).join('');
    const peakMegabytes = Math.round(process.resourceUsage().maxRSS / 1024);
    return `timing: ${tools}nx-helm-crds ${Math.round(own)} ms${note}, peak memory ${peakMegabytes} MB`;
  }
}
