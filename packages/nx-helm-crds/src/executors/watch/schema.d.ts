export interface WatchExecutorSchema {
  target?: string;
  debounce?: number;
  buildTarget?: string;
}
