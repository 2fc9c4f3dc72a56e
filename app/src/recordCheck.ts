/**
 * The public view's check of the indexer's epoch rows against the chain's own (pure: the dashboard's audit of a
 * record drawn from the indexer, data.ts `verifyIndexedModel`, reads the chain's and calls it).
 */
import type { EpochInfo } from "../../src";

/** An epoch as the public view shows it. */
export type ShownEpoch = EpochInfo & { extensions: number };

/** The fields of an epoch the public view shows, compared between the indexer's row and the chain. */
const SHOWN_FIELDS = [
  "state",
  "start",
  "end",
  "participants",
  "submissions",
  "pool",
  "revealedTotal",
  "claims",
  "settled",
  "extensions",
] as const;

/** Where the indexer's epochs differ from the chain's, in words (empty when they agree on every shown field). */
export function epochMismatches(indexed: readonly ShownEpoch[], onChain: readonly ShownEpoch[]): string[] {
  const found: string[] = [];
  const ids = (epochs: readonly ShownEpoch[]) => epochs.map((e) => `#${e.epochId}`).join(", ");
  if (ids(indexed) !== ids(onChain)) {
    found.push(`the indexer lists epochs ${ids(indexed) || "none"}, the chain ${ids(onChain) || "none"}`);
  }
  for (const chainEpoch of onChain) {
    const row = indexed.find((e) => e.epochId === chainEpoch.epochId);
    if (row === undefined) continue;
    for (const field of SHOWN_FIELDS) {
      if (row[field] !== chainEpoch[field]) {
        found.push(
          `epoch #${chainEpoch.epochId} ${field}: ${row[field]} from the indexer, ${chainEpoch[field]} on-chain`,
        );
      }
    }
  }
  return found;
}
