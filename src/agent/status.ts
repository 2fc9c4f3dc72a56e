/** `royalties agent status`: what the state files and locks of a state directory say, without a chain. */
import fs from "node:fs";
import path from "node:path";

import type { ModelState } from "./state";
import { readLock } from "./state";

export interface KeyStatus {
  file: string;
  chainId: string;
  pool: string;
  role: string;
  account: string;
  lastEpochHandled?: string;
  submissions: number;
  claims: number;
  attestations: number;
  keeperActions: number;
  failures: number;
  /** Claimed epochs not withdrawn yet (a count, never an amount). */
  pendingBalanceCount: number;
  pending?: string;
  /** The agent holding the key: its pid and how many seconds ago it last beat (undefined: nobody runs it). */
  runningPid?: number;
  heartbeatAgeSeconds?: number;
}

/**
 * Reads every state file of a state directory (with its lock).
 * @example
 * for (const key of readAgentStatus(".royalties-agent")) console.log(key.pool, key.lastEpochHandled);
 */
export function readAgentStatus(stateDir: string, wallNow: () => number = Date.now): KeyStatus[] {
  if (!fs.existsSync(stateDir)) return [];
  return fs
    .readdirSync(stateDir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => {
      const file = path.join(stateDir, name);
      const state = JSON.parse(fs.readFileSync(file, "utf8")) as ModelState;
      const lock = readLock(`${file}.lock`);
      const sum = (prefix: string) =>
        Object.entries(state.counters)
          .filter(([key]) => key.startsWith(prefix))
          .reduce((total, [, n]) => total + n, 0);
      return {
        file,
        chainId: state.chainId,
        pool: state.pool,
        role: state.role,
        account: state.account,
        lastEpochHandled: state.lastEpochHandled,
        submissions: state.counters.submissions ?? 0,
        claims: state.counters.claims ?? 0,
        attestations: state.counters.attestations ?? 0,
        keeperActions: sum("keeper."),
        failures: sum("failures."),
        pendingBalanceCount: state.withdraw.claimsSince,
        pending: state.pending === undefined ? undefined : `${state.pending.kind} in epoch ${state.pending.epochId}`,
        runningPid: lock?.pid,
        heartbeatAgeSeconds: lock === undefined ? undefined : Math.round((wallNow() - lock.heartbeat) / 1000),
      };
    });
}
