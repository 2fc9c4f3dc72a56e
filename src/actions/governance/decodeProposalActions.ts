import { RoyaltyPool__factory } from "../../../types";
import type { IRoyaltyPool } from "../../../types";
import type { RulesParameters } from "../../deploy";
import { isDecoded } from "../../events";
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
      // ethers decodes calldata untyped; the guard checks it against the ABI TypeChain typed it from.
      const r: unknown = parsed?.args[0];
      if (parsed?.name === "updateRules" && isDecoded<IRoyaltyPool.RulesStructOutput>(r, parsed.fragment.inputs[0])) {
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
