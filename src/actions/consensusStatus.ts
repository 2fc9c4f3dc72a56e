import { poolRequiresConsensus } from "./consensus";
import type { ConsensusClient, ConsensusConfigParameters } from "./consensus";

export interface ConsensusStatus {
  epochId: bigint;
  /** Configuration version in force for the epoch, and its values. */
  configVersion: bigint;
  config: ConsensusConfigParameters;
  /** A configuration waiting for a later epoch, if any. */
  pending: { version: bigint; fromEpochId: bigint } | null;
  /** Attesting stops at this time; incomplete contributors may be finalized from then on. */
  closesAt: bigint;
  /** The epoch's end as the pool reports it: finalize only before it. */
  end: bigint;
  /** The pool sends attested contributions only through this consensus. */
  poolWired: boolean;
  contributor?: {
    address: string;
    attestations: bigint;
    finalized: boolean;
    counted: boolean;
    /** A finalize call would be accepted now (given the block time `now`). */
    finalizable: boolean;
  };
}

export interface ConsensusStatusParameters {
  /** Also report this contributor's tally. */
  contributor?: string;
}

export type ConsensusStatusReturnType = ConsensusStatus;

/**
 * Public state of the consensus for the current epoch, optionally for one contributor.
 * @example
 * const status = await consensusStatus(client, { contributor: miner });
 */
export async function consensusStatus(
  client: ConsensusClient,
  params: ConsensusStatusParameters = {},
): Promise<ConsensusStatusReturnType> {
  const [[epochId, closesAt, end], pendingRaw] = await Promise.all([
    client.consensus.schedule(),
    client.consensus.pendingConfig(),
  ]);
  const [configVersion, c] = await client.consensus.configForEpoch(epochId);
  const config: ConsensusConfigParameters = {
    attestors: [...c.attestors],
    attestationsRequired: Number(c.attestationsRequired),
    minAttestations: Number(c.minAttestations),
    finalizationPeriod: c.finalizationPeriod,
    deviationTolerance: c.deviationTolerance,
  };
  const status: ConsensusStatus = {
    epochId,
    configVersion,
    config,
    pending: pendingRaw[0] ? { version: pendingRaw[1], fromEpochId: pendingRaw[2] } : null,
    closesAt,
    end,
    poolWired: await poolRequiresConsensus(client.pool, client.address),
  };
  if (params.contributor !== undefined) {
    const tally = await client.consensus.tallyOf(epochId, params.contributor);
    const block = await client.signer.provider?.getBlock("latest");
    const now = BigInt(block?.timestamp ?? 0);
    const complete = tally.count >= BigInt(config.attestationsRequired);
    status.contributor = {
      address: params.contributor,
      attestations: tally.count,
      finalized: tally.finalized,
      counted: tally.counted,
      finalizable: tally.count > 0n && !tally.finalized && now < end && (complete || now >= closesAt),
    };
  }
  return status;
}
