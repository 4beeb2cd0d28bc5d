/** Options every command accepts (see `digestguard --help`). */
export interface GlobalOptions {
  config?: string;
  insecure?: boolean;
  caFile?: string[];
  creds?: string;
  authfile?: string;
  mirror?: string[];
  json?: boolean;
  concurrency?: string;
  timeout?: string;
}
