import { ExpansionBuilder, type ExpandedValue, type VariableBinding } from "./expanded-value.js";
import type { SourceText } from "./source-text.js";

/** Finds what a variable stands for at the point of expansion. */
export type VariableLookup = (name: string) => VariableBinding;

const NAME_CHAR = /[\p{L}\p{N}_]/u;
const DIGIT = /[0-9]/;
const SPECIAL_PARAMETER = /[@*#?$!0-]/;
const DEFAULTING_OPERATORS = new Set([":-", "-", ":+", "+", ":?", "?"]);

/**
 * Expand one Dockerfile word the way BuildKit's shell lexer does: single
 * quotes are literal, double quotes allow `$` and escapes of `"`, `$` and the
 * escape character, the escape character makes the next character literal,
 * and `$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME-word}`, `${NAME:+word}`,
 * `${NAME+word}`, `${NAME:?word}` and `${NAME?word}` are substituted. Pattern
 * forms (`#`, `%`, `/`) are recorded as a problem rather than evaluated.
 * Every output character keeps the file offset of the character it came from.
 *
 * @example
 * ```ts
 * const word = fileSource("ruby:${V:-3.3}", 0, 14);
 * expandDockerfileWord(word, () => ({ unset: "ARG V has no default" }), "\\").text; // "ruby:3.3"
 * ```
 */
export function expandDockerfileWord(word: SourceText, lookup: VariableLookup, escape: string): ExpandedValue {
  const out = new ExpansionBuilder();
  new WordExpander(word, lookup, { escape, quotes: true, literalDoubleDollar: false }).expand(out);
  return out.build();
}

/**
 * Expand a compose value the way `docker compose` interpolates it, knowing
 * no environment (a pin must follow from the file alone): `$$` is a literal
 * `$`, `${VAR:-default}` and `${VAR-default}` give the default, `${VAR:+x}`
 * gives nothing, and a variable needed without a default is a problem.
 * Quotes mean nothing here; YAML has already removed its own.
 *
 * @example
 * ```ts
 * expandComposeValue(fileSource("${IMAGE:-nginx:1.25}", 0, 20)).text; // "nginx:1.25"
 * ```
 */
export function expandComposeValue(value: SourceText): ExpandedValue {
  const out = new ExpansionBuilder();
  const lookup: VariableLookup = (name) => ({ unset: `variable ${name} has no default` });
  new WordExpander(value, lookup, { escape: "", quotes: false, literalDoubleDollar: true }).expand(out);
  return out.build();
}

interface Dialect {
  /** The Dockerfile escape character; "" for none (compose). */
  escape: string;
  /** Whether quotes group and are removed (Dockerfile), or are plain characters (compose). */
  quotes: boolean;
  /** Compose writes a literal dollar as "$$"; in a Dockerfile `$$` is a (never set) shell parameter. */
  literalDoubleDollar: boolean;
}

class WordExpander {
  private at = 0;

  constructor(
    private readonly source: SourceText,
    private readonly lookup: VariableLookup,
    private readonly dialect: Dialect,
  ) {}

  /** Expands up to `stop` at the top level (consumed) or to the end. */
  expand(out: ExpansionBuilder, stop?: string): void {
    while (this.at < this.source.text.length) {
      const char = this.peek();
      if (char === stop) {
        this.at += 1;
        return;
      }
      if (char === "'" && this.dialect.quotes) this.singleQuoted(out);
      else if (char === '"' && this.dialect.quotes) this.doubleQuoted(out);
      else if (char === this.dialect.escape) {
        this.at += 1;
        if (this.at < this.source.text.length) this.literal(out);
      } else if (char === "$") this.dollar(out);
      else this.literal(out);
    }
  }

  private singleQuoted(out: ExpansionBuilder): void {
    this.at += 1;
    while (this.at < this.source.text.length && this.peek() !== "'") this.literal(out);
    this.at += 1;
  }

  private doubleQuoted(out: ExpansionBuilder): void {
    this.at += 1;
    while (this.at < this.source.text.length) {
      const char = this.peek();
      if (char === '"') {
        this.at += 1;
        return;
      }
      if (char === "$") this.dollar(out);
      else if (char === this.dialect.escape && ['"', "$", this.dialect.escape].includes(this.peek(1))) {
        this.at += 1;
        this.literal(out);
      } else this.literal(out);
    }
  }

  private dollar(out: ExpansionBuilder): void {
    const dollarAt = this.at;
    this.at += 1;
    if (this.peek() === "$" && this.dialect.literalDoubleDollar) {
      this.literal(out);
      return;
    }
    if (this.peek() !== "{") {
      const name = this.readName();
      if (name === "") out.push("$", this.source.offsets[dollarAt] as number);
      else this.substitute(out, name, this.lookup(name));
      return;
    }
    this.at += 1;
    const name = this.readName();
    const operator = this.readOperator();
    if (operator === "}")
      return this.substitute(out, name, name === "" ? { unset: "bad substitution ${}" } : this.lookup(name));
    const word = new ExpansionBuilder();
    this.expand(word, "}");
    if (name === "" || !DEFAULTING_OPERATORS.has(operator)) {
      out.recordUse(name, out.length, `uses \${${name}${operator}…}, which digestguard does not evaluate`);
      return;
    }
    this.substituteWithWord(out, name, operator, word.build());
  }

  private substitute(out: ExpansionBuilder, name: string, binding: VariableBinding): void {
    const from = out.length;
    if ("value" in binding) out.appendExpanded(binding.value);
    out.recordUse(name, from, "value" in binding ? undefined : "unset" in binding ? binding.unset : binding.varies);
  }

  private substituteWithWord(out: ExpansionBuilder, name: string, operator: string, word: ExpandedValue): void {
    const binding = this.lookup(name);
    if ("varies" in binding) return out.recordUse(name, out.length, binding.varies);
    const set = "value" in binding && !(operator.startsWith(":") && binding.value.text === "");
    const from = out.length;
    const kind = operator.replace(":", "");
    if (kind === "-" && !set) out.appendExpanded(word);
    else if (kind === "+" && set) out.appendExpanded(word);
    else if (kind !== "+" && "value" in binding) out.appendExpanded(binding.value);
    const problem =
      kind === "?" && !set ? ("unset" in binding ? binding.unset : `variable ${name} is empty`) : undefined;
    out.recordUse(name, from, problem);
  }

  private readName(): string {
    const start = this.at;
    const text = this.source.text;
    if (DIGIT.test(this.peek())) {
      while (DIGIT.test(this.peek())) this.at += 1;
    } else if (SPECIAL_PARAMETER.test(this.peek()) && this.peek() !== "") {
      this.at += 1;
    } else {
      while (this.at < text.length && NAME_CHAR.test(this.peek())) this.at += 1;
    }
    return text.slice(start, this.at);
  }

  /** `}`, `:-`, `-`, `#`, … — consumed; "" at the end of the word. */
  private readOperator(): string {
    const char = this.peek();
    const operator = char === ":" ? char + this.peek(1) : char;
    this.at += operator.length;
    return operator;
  }

  private literal(out: ExpansionBuilder): void {
    out.push(this.peek(), this.source.offsets[this.at] as number);
    this.at += 1;
  }

  private peek(ahead = 0): string {
    return this.source.text[this.at + ahead] ?? "";
  }
}
