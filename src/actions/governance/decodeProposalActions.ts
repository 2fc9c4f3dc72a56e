import { RoyaltyPool__factory } from "../../../types";
import type { IRoyaltyPool } from "../../../types";
import type { RulesParameters } from "../../deploy";
import type { ProposalInfo } from "./proposals";

/** What one action of a proposal does: a rules update of a pool, or a call the library does not know. */
export type ProposalAction =
  | { target: string; value: bigint; kind: "updateRules"; rules: RulesParameters }
  | { target: string; value: bigint; kind: "other"; selector: string };

/**
 * Decodes a proposal's actions from its calldata, so that what it does can be shown beside (and
 * checked against) its description, which the proposer wrote.
 * @example
 * const [action] = decodeProposalActions(proposal);
 * if (action.kind === "updateRules") rulesChanges(current, action.rules);
 */
export function decodeProposalActions(
  proposal: Pick<ProposalInfo, "targets" | "values" | "calldatas">,
): ProposalAction[] {
  const iface = RoyaltyPool__factory.createInterface();
  return proposal.targets.map((target, i) => {
    const data = proposal.calldatas[i] ?? "0x";
    const value = proposal.values[i] ?? 0n;
    try {
      const parsed = iface.parseTransaction({ data });
      if (parsed?.name === "updateRules") {
        // The calldata's struct, typed by TypeChain from the pool's ABI (ethers decodes it as any).
        const r = parsed.args[0] as IRoyaltyPool.RulesStructOutput;
        const rules: RulesParameters = {
          metrics: r.metrics.map((m) => ({ name: m.name, weight: m.weight, cap: m.cap })),
          epochLength: r.epochLength,
          minParticipants: Number(r.minParticipants),
          maxSubmissionsPerContributor: Number(r.maxSubmissionsPerContributor),
          attestationRequired: r.attestationRequired,
          attestors: [...r.attestors],
          bonusMultipliers: [...r.bonusMultipliers],
          claimWindow: r.claimWindow,
          noiseBits: Number(r.noiseBits),
        };
        return { target, value, kind: "updateRules", rules };
      }
    } catch {
      // not a pool call
    }
    return { target, value, kind: "other", selector: data.slice(0, 10) };
  });
}
