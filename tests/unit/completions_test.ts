/** The completion tree built from the command specs: every command and option, described. */
import { deepStrictEqual, ok } from "node:assert/strict";
import { completionTree } from "../../lib/cli/completion_tree.ts";
import { buildProgram } from "../../commands/mod.ts";

const tree = completionTree(buildProgram());

Deno.test("completions: the tree has every command and its options, with descriptions", () => {
  const program = buildProgram();
  deepStrictEqual(tree.commands.map((c) => c.name), program.commands.map((c) => c.name));
  for (const command of tree.commands) {
    ok(command.description.length > 0, command.name);
    ok(command.options.some((o) => o.flags.includes("--help")), command.name);
    for (const option of command.options) ok(option.description.length > 0, option.flags.join());
  }
  const put = tree.commands.find((c) => c.name === "put")!;
  ok(put.options.some((o) => o.flags.includes("--autoversion")));
  const help = tree.commands.find((c) => c.name === "help")!;
  deepStrictEqual(help.argumentChoices, program.commands.map((c) => c.name));
});
