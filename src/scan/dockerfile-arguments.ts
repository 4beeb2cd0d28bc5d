import { expandDockerfileWord } from "./variable-expansion.js";
import { splitQuotedWords } from "./dockerfile-words.js";
import type { VariableBinding } from "./expanded-value.js";
import { sliceSource, type SourceText } from "./source-text.js";

// Set by BuildKit for every build; their values depend on the platform built.
const PLATFORM_ARGUMENTS = new Set([
  "BUILDPLATFORM",
  "BUILDOS",
  "BUILDARCH",
  "BUILDVARIANT",
  "TARGETPLATFORM",
  "TARGETOS",
  "TARGETARCH",
  "TARGETVARIANT",
]);

function platformBinding(name: string): VariableBinding {
  return { varies: `built from ${name}, which the builder sets for each platform` };
}

/**
 * The ARG variables visible at one point of a Dockerfile. The global scope
 * holds the ARGs before the first FROM (the only ones FROM lines see); each
 * stage gets a fresh scope in which `ARG NAME` without a default takes the
 * global default, as in BuildKit.
 *
 * @example
 * ```ts
 * const globals = ArgumentScope.global();
 * globals.declare(fileSource("V=3.3", 0, 5), "\\");
 * globals.lookup("V"); // { value: { text: "3.3", … } }
 * ```
 */
export class ArgumentScope {
  private readonly bindings = new Map<string, VariableBinding>();

  private constructor(
    private readonly undeclared: (name: string) => VariableBinding,
    private readonly globals?: ArgumentScope,
  ) {}

  /** The scope before the first FROM. */
  static global(): ArgumentScope {
    return new ArgumentScope((name) =>
      PLATFORM_ARGUMENTS.has(name)
        ? platformBinding(name)
        : { unset: `variable ${name} is not declared by an ARG before the first FROM` },
    );
  }

  /** A fresh scope for a stage that inherits global defaults through `ARG NAME`. */
  stageScope(): ArgumentScope {
    return new ArgumentScope((name) => ({ unset: `variable ${name} is not declared by an ARG in this stage` }), this);
  }

  /** What `name` stands for here. */
  readonly lookup = (name: string): VariableBinding => this.bindings.get(name) ?? this.undeclared(name);

  /** Applies one `ARG a=1 b c="x y"` instruction's arguments. */
  declare(args: SourceText, escape: string): void {
    for (const word of splitQuotedWords(args, escape)) {
      const equals = word.text.indexOf("=");
      const name = equals === -1 ? word.text : word.text.slice(0, equals);
      this.bindings.set(
        name,
        equals === -1 ? this.withoutDefault(name) : this.withDefault(name, sliceSource(word, equals + 1), escape),
      );
    }
  }

  private withoutDefault(name: string): VariableBinding {
    if (PLATFORM_ARGUMENTS.has(name)) return platformBinding(name);
    return this.globals?.bindings.get(name) ?? { unset: `ARG ${name} has no default` };
  }

  private withDefault(name: string, value: SourceText, escape: string): VariableBinding {
    // The builder overrides platform ARGs whatever their default says.
    if (PLATFORM_ARGUMENTS.has(name)) return platformBinding(name);
    return { value: expandDockerfileWord(value, this.lookup, escape) };
  }
}
