import type { CompatibilityOptions } from '../../core/verify/compatibility/guard';

export interface VerifyExecutorSchema {
  helmCrdsTarget?: string;
  report?: string;
  format?: 'text' | 'json' | 'github';
  helm?: 'auto' | 'always' | 'never';
  helmBinary?: string;
  namespace?: string;
  releaseName?: string;
  values?: string[];
  set?: string[];
  ignore?: string[];
  referenceOverlay?: string;
  requireDependencies?: boolean;
  compatibility?: CompatibilityOptions;
}
