import hre from "hardhat";

/** Runs `hardhat royalties <task>` in-process (account 0, text output unless overridden) and returns what it printed. */
export async function runTask(task: string, args: Record<string, unknown>): Promise<string> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...parts: unknown[]) => lines.push(parts.map(String).join(" "));
  try {
    await hre.run({ scope: "royalties", task }, { account: 0, json: false, ...args });
  } finally {
    console.log = original;
  }
  return lines.join("\n");
}
