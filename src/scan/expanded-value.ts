import { SourceBuilder, type SourceText } from "./source-text.js";

/** One variable that contributed to an expanded value. */
export interface VariableUse {
  name: string;
  /** The characters of the value it produced: `from..to`. */
  from: number;
  to: number;
  /** Why its value is not known from the file ("ARG V has no default", …). */
  problem?: string;
}

/** A value after variable substitution, every character still tied to the file offset it came from. */
export interface ExpandedValue extends SourceText {
  /** Variables in the order their substitution finished (inner ones first). */
  variables: VariableUse[];
}

/** What a variable stands for while expanding. */
export type VariableBinding =
  /** Set, to a value written in the file (an ARG default). */
  | { value: ExpandedValue }
  /** Not set as far as the file tells: the reason is reported if the value is needed. */
  | { unset: string }
  /** Set by the builder to a value the file cannot tell (TARGETARCH): never pinnable. */
  | { varies: string };

/**
 * Collects characters and the variables that produced them.
 *
 * @example
 * ```ts
 * const out = new ExpansionBuilder();
 * out.appendExpanded(defaultOfBase);
 * out.recordUse("BASE", 0);
 * out.build().variables; // [{ name: "BASE", from: 0, to: defaultOfBase.text.length }]
 * ```
 */
export class ExpansionBuilder {
  private readonly source = new SourceBuilder();
  private readonly variables: VariableUse[] = [];

  get length(): number {
    return this.source.length;
  }

  push(char: string, offset: number): void {
    this.source.push(char, offset);
  }

  /** Appends a value expanded elsewhere, moving its variable ranges along. */
  appendExpanded(value: ExpandedValue): void {
    const base = this.length;
    this.source.append(value);
    for (const use of value.variables) this.variables.push({ ...use, from: use.from + base, to: use.to + base });
  }

  /** Records that `name` produced the characters from `from` to the current end. */
  recordUse(name: string, from: number, problem?: string): void {
    this.variables.push(
      problem === undefined ? { name, from, to: this.length } : { name, from, to: this.length, problem },
    );
  }

  build(): ExpandedValue {
    return { ...this.source.build(), variables: [...this.variables] };
  }
}

/**
 * A value with no variables in it, straight from the file.
 *
 * @example
 * ```ts
 * literalValue(fileSource("FROM alpine", 5, 11)).variables; // []
 * ```
 */
export function literalValue(source: SourceText): ExpandedValue {
  return { ...source, variables: [] };
}
