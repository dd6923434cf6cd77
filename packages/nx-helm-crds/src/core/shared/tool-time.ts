/**
 * How a use case tells the executor's timing line where its time went: waits for an external tool are shown
 * apart from our own processing (failed work counts too), and a tool interleaved with our processing is named
 * as included in it.
 */
export interface ToolTime {
  measure<T>(tool: string, work: () => Promise<T>): Promise<T>;
  /** A tool whose time our own processing includes (helm template, run inside the chart comparison). */
  include(tool: string): void;
}

/** For callers without a timing line (tests). */
export const untimed: ToolTime = { measure: (_tool, work) => work(), include: () => undefined };
