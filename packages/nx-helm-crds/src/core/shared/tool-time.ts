/**
 * How a use case hands its waits for an external tool (kustomize, the compatibility guard's git reads) to the
 * executor's timing line, which shows them apart from our own processing. Failed work counts too.
 */
export type MeasureTool = <T>(tool: string, work: () => Promise<T>) => Promise<T>;

/** For callers without a timing line (tests, the watch loop). */
export const unmeasured: MeasureTool = (_tool, work) => work();
