/** Options every command accepts (see `digestguard --help`). */
export interface GlobalOptions {
  config?: string;
  insecure?: boolean;
  caFile?: string[];
  creds?: string;
  authfile?: string;
  mirror?: string[];
  json?: boolean;
  /** auto (default), always or never; see ./color.ts. */
  color?: string;
  concurrency?: string;
  timeout?: string;
}
