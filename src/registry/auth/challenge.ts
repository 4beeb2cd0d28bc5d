/** One `WWW-Authenticate` challenge: scheme plus its parameters (names lowercased). */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;

/**
 * Parse a `WWW-Authenticate` header value (RFC 7235) into its challenges,
 * handling quoted strings with escapes and several challenges in one value.
 *
 * @example
 * ```ts
 * parseChallenges('Bearer realm="https://auth.example/token",service="registry",scope="repository:a:pull"');
 * // [{ scheme: "bearer", params: { realm: "https://auth.example/token", service: "registry", scope: "repository:a:pull" } }]
 * ```
 */
export function parseChallenges(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  const scanner = new Scanner(header);
  while (!scanner.done()) {
    scanner.skip(/[\s,]*/y);
    const scheme = scanner.match(TOKEN);
    if (scheme === undefined) break;
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    readParams(scanner, challenge.params);
  }
  return challenges;
}

function readParams(scanner: Scanner, params: Record<string, string>): void {
  for (;;) {
    const save = scanner.position;
    scanner.skip(/[\s,]*/y);
    const name = scanner.match(TOKEN);
    scanner.skip(/\s*/y);
    if (name === undefined || !scanner.consume("=")) {
      scanner.position = save;
      return;
    }
    scanner.skip(/\s*/y);
    const value = scanner.peek() === '"' ? scanner.quoted() : (scanner.match(/[^\s,]*/y) ?? "");
    params[name.toLowerCase()] = value;
  }
}

class Scanner {
  position = 0;
  constructor(private readonly text: string) {}
  done(): boolean {
    return this.position >= this.text.length;
  }
  peek(): string | undefined {
    return this.text[this.position];
  }
  consume(char: string): boolean {
    if (this.text[this.position] !== char) return false;
    this.position++;
    return true;
  }
  skip(pattern: RegExp): void {
    this.match(pattern);
  }
  /** Advance past `pattern` at the current position; undefined when it matches nothing. */
  match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.position;
    const found = pattern.exec(this.text);
    if (found === null || found[0] === "") return undefined;
    this.position += found[0].length;
    return found[0];
  }
  quoted(): string {
    let value = "";
    this.position++; // opening quote
    while (!this.done()) {
      const char = this.text[this.position++] as string;
      if (char === '"') return value;
      value += char === "\\" && !this.done() ? (this.text[this.position++] as string) : char;
    }
    return value;
  }
}
