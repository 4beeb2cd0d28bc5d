import { renderCompletion, type CompletionCommand } from "../completion-script.js";
import { writeOut } from "../write-out.js";

/** `digestguard completion SHELL`: print the completion script for both names, digestguard and dg. */
export async function completionCommand(shell: string, commands: CompletionCommand[]): Promise<number> {
  await writeOut(renderCompletion(shell as "bash" | "zsh" | "fish", commands));
  return 0;
}
