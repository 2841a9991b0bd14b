/**
 * `creds3 completions bash|zsh|fish`: a shell completion script made from the command tree.
 *
 * @module
 */
import { completionScript, completionTree, SHELLS } from "../lib/cli/mod.ts";
import { defineCommand } from "./global_options.ts";
import { printData } from "./output.ts";

/** The `completions` command. */
export const completionsCommand = defineCommand({
  name: "completions",
  description: "Print a shell completion script for bash, zsh or fish",
  arguments: [{ name: "<shell>", description: "the shell to complete in", choices: SHELLS }],
  helpAfter: `
Examples:
  source <(creds3 completions bash)          # in ~/.bashrc
  source <(creds3 completions zsh)           # in ~/.zshrc, after compinit
  creds3 completions fish > ~/.config/fish/completions/creds3.fish`,
  async run(call) {
    await printData(completionScript(call.args.shell, completionTree(call.program)));
  },
});
