/** A command as completion sees it: its name, subcommands (cache ls …) and flags. */
export interface CompletionCommand {
  name: string;
  subcommands: string[];
  flags: string[];
}

const NAMES = ["digestguard", "dg"];

/**
 * A completion script for bash, zsh or fish that completes command names,
 * subcommands and flags of both `digestguard` and `dg` (and files, for
 * everything else).
 *
 * @example
 * ```ts
 * process.stdout.write(renderCompletion("bash", [{ name: "verify", subcommands: [], flags: ["--deep"] }]));
 * ```
 */
export function renderCompletion(shell: "bash" | "zsh" | "fish", commands: CompletionCommand[]): string {
  if (shell === "fish") return fish(commands);
  const cases = commands.map((c) => `    ${c.name}) words="${[...c.subcommands, ...c.flags].join(" ")}" ;;`).join("\n");
  const bash = `# digestguard completion (bash); also sourced by zsh through bashcompinit
_digestguard() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmd="" words i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) cmd="\${COMP_WORDS[i]}"; break ;; esac
  done
  case "$cmd" in
    "") words="${commands.map((c) => c.name).join(" ")} --help --version" ;;
${cases}
    *) words="" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  [ \${#COMPREPLY[@]} -eq 0 ] && COMPREPLY=($(compgen -f -- "$cur"))
  return 0
}
complete -o filenames -F _digestguard ${NAMES.join(" ")}
`;
  return shell === "bash" ? bash : `#compdef ${NAMES.join(" ")}\nautoload -U +X bashcompinit && bashcompinit\n${bash}`;
}

function fish(commands: CompletionCommand[]): string {
  const lines = ["# digestguard completion (fish)"];
  for (const name of NAMES) {
    for (const c of commands) {
      lines.push(`complete -c ${name} -n __fish_use_subcommand -a ${c.name}`);
      for (const sub of c.subcommands)
        lines.push(`complete -c ${name} -n '__fish_seen_subcommand_from ${c.name}' -a ${sub}`);
      for (const flag of c.flags.filter((f) => f.startsWith("--")))
        lines.push(`complete -c ${name} -n '__fish_seen_subcommand_from ${c.name}' -l ${flag.slice(2)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
