export interface VerifyExecutorSchema {
  helmCrdsTarget?: string;
  report?: string;
}
