/**
 * `royalties agent`: a long-running agent (contributor, attestor or keeper) over src/agent; `royalties agent status`
 * prints what its state directory says. Configuration: a JSON file (docs/agents.md) and a few flags.
 */
import fs from "node:fs";
import path from "node:path";

import { types } from "hardhat/config";

import { formatTable } from "../src/format";
import { fail } from "./args";
import { action, getClient, getSigner, output, withRegistryOptions } from "./common";
import type { RegistryArgs } from "./common";
import { lazyFheBackend } from "./fhe";
import { royalties } from "./scope";

interface AgentArgs extends RegistryArgs {
  command?: string;
  agentConfig: string;
  stateDir?: string;
  metricsPort?: number;
  interval?: number;
  once: boolean;
}

withRegistryOptions(royalties.task("agent", "Run an agent that submits, attests, claims or keeps models on its own"))
  .addOptionalPositionalParam("command", "run (default) or status")
  .addParam("agentConfig", "The agent's JSON configuration file (see docs/agents.md)")
  .addOptionalParam("stateDir", "Directory of the state and lock files (overrides the config)")
  .addOptionalParam(
    "metricsPort",
    "Serve Prometheus /metrics on this port (overrides the config)",
    undefined,
    types.int,
  )
  .addOptionalParam("interval", "Seconds between ticks (overrides the config)", undefined, types.int)
  .addFlag("once", "Run one tick and exit")
  .setAction(
    action(async (args: AgentArgs, hre) => {
      const command = args.command ?? "run";
      if (command !== "run" && command !== "status") fail(`Unknown agent command "${command}": use run or status.`);
      const file = path.resolve(args.agentConfig);
      let raw: unknown;
      try {
        raw = JSON.parse(fs.readFileSync(file, "utf8"));
      } catch (error) {
        fail(`Cannot read the agent config ${file}: ${(error as Error).message.split("\n")[0]}`);
      }
      const { parseAgentConfig, createAgent, createLogger, readAgentStatus, AgentConfigError } =
        await import("../src/agent");
      let config;
      try {
        config = parseAgentConfig(raw, path.dirname(file));
      } catch (error) {
        if (error instanceof AgentConfigError) fail(error.message);
        throw error;
      }
      if (args.stateDir !== undefined) config.stateDir = path.resolve(args.stateDir);
      if (args.metricsPort !== undefined) config.metricsPort = args.metricsPort;
      if (args.interval !== undefined) config.intervalSeconds = args.interval;

      if (command === "status") {
        const keys = readAgentStatus(config.stateDir);
        output(args.json, { stateDir: config.stateDir, keys }, () =>
          keys.length === 0
            ? `No agent state in ${config.stateDir} yet.`
            : formatTable(
                ["pool", "role", "account", "last epoch", "submitted", "claimed", "waiting", "failures", "running"],
                keys.map((k) => [
                  k.pool,
                  k.role,
                  k.account,
                  k.lastEpochHandled ?? "-",
                  k.submissions + k.attestations,
                  k.claims,
                  k.pendingBalanceCount,
                  k.failures,
                  k.runningPid === undefined ? "no" : `pid ${k.runningPid}, beat ${k.heartbeatAgeSeconds}s ago`,
                ]),
              ),
        );
        return;
      }

      const signer = await getSigner(hre, args.account);
      const needsRegistry = config.models.some((m) => m.model !== undefined);
      const agent = await createAgent({
        config,
        signer,
        fhe: lazyFheBackend(hre),
        registry: needsRegistry ? (await getClient(hre, args, signer)).registryAddress : undefined,
        logger: createLogger({ json: args.json }),
      });
      await agent.start();
      if (args.once) {
        try {
          await agent.runOnce();
        } finally {
          await agent.stop();
        }
        return;
      }
      const stop = () => void agent.stop();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      try {
        await agent.run();
      } finally {
        process.removeListener("SIGINT", stop);
        process.removeListener("SIGTERM", stop);
        await agent.stop();
      }
    }),
  );
