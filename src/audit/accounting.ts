/**
 * The per-epoch public accounting, replayed from the pool's events: rules version, participants, funds and
 * carry, the close (pool arithmetic, k-anonymity, noise rule), the reveal and its KMS proof, the claims.
 */
import type { PoolEvent } from "./events";
import { poolArgs } from "./poolReport";
import type { AuditChainView, PoolAuditState } from "./poolReport";

/** The accounting of one audit, fed the stream in order. */
export class EpochAccounting {
  /** The total handle each epoch closed with: the handle its reveal's KMS proof must cover. */
  private readonly closeHandles = new Map<bigint, string>();
  private readonly contributors = new Map<bigint, Set<string>>();

  constructor(
    private readonly state: PoolAuditState,
    private readonly chain: AuditChainView,
  ) {}

  /** Replays one event; events that do not touch an epoch's accounting are ignored. */
  async replay(event: PoolEvent): Promise<void> {
    const { state } = this;
    switch (event.name) {
      case "EpochRulesAdopted": {
        const a = poolArgs(event, "EpochRulesAdopted", "epochId", "toVersion");
        state.epochOf(a.epochId).rulesVersion = a.toVersion;
        break;
      }
      case "EpochStarted": {
        const a = poolArgs(event, "EpochStarted", "epochId", "rulesVersion");
        state.epochOf(a.epochId).rulesVersion = a.rulesVersion;
        break;
      }
      case "ContributionSubmitted": {
        const a = poolArgs(event, "ContributionSubmitted", "epochId", "contributor");
        const seen = this.contributors.get(a.epochId) ?? new Set<string>();
        seen.add(a.contributor);
        this.contributors.set(a.epochId, seen);
        state.epochOf(a.epochId).participants = BigInt(seen.size);
        break;
      }
      case "PoolFunded": {
        const a = poolArgs(event, "PoolFunded", "epochId", "units");
        state.epochOf(a.epochId).funded += a.units;
        break;
      }
      case "PoolCarriedForward": {
        const a = poolArgs(event, "PoolCarriedForward", "intoEpochId", "amount");
        state.epochOf(a.intoEpochId).carriedIn += a.amount;
        break;
      }
      case "EpochTotalNoised": {
        const a = poolArgs(event, "EpochTotalNoised", "epochId", "total");
        state.epochOf(a.epochId).noisedTotal = a.total;
        break;
      }
      case "EpochClosed":
        await this.closed(event);
        break;
      case "EpochTotalRevealed":
        await this.revealed(event);
        break;
      case "RoyaltyClaimed": {
        const epoch = state.epochOf(poolArgs(event, "RoyaltyClaimed", "epochId").epochId);
        epoch.claims += 1n;
        if (epoch.claims > epoch.participants) {
          state.fail(
            epoch.epochId,
            "Claim",
            `${epoch.claims} claims for ${epoch.participants} participants`,
            event.transactionHash,
          );
        }
        break;
      }
      default:
        break;
    }
  }

  /** A close: the pool adds up, the participants are the log's, k-anonymity and the noise rule hold. */
  private async closed(event: PoolEvent): Promise<void> {
    const a = poolArgs(event, "EpochClosed", "epochId", "pool", "total", "participants");
    const epoch = this.state.epochOf(a.epochId);
    const fail = (message: string) => this.state.fail(epoch.epochId, "Close", message, event.transactionHash);
    epoch.closed = true;
    epoch.pool = a.pool;
    this.closeHandles.set(epoch.epochId, a.total);
    if (epoch.pool !== epoch.funded + epoch.carriedIn - epoch.lent) {
      fail(`pool ${epoch.pool} ≠ funds ${epoch.funded} + carried in ${epoch.carriedIn} − lent ${epoch.lent}`);
    }
    if (a.participants !== epoch.participants) {
      fail(`closed with ${a.participants} participants, the log shows ${epoch.participants}`);
    }
    ({ minParticipants: epoch.minParticipants, noiseBits: epoch.noiseBits } = await this.chain.closeRules(
      epoch.rulesVersion,
    ));
    const noised = epoch.noisedTotal !== undefined && epoch.noisedTotal === a.total;
    if ((epoch.noiseBits !== 0n) !== noised) {
      fail(
        epoch.noiseBits !== 0n
          ? `the rules add noise below 2^${epoch.noiseBits} but the closed total carries none`
          : "noise was added to the total although the rules do not ask for it",
      );
    }
    if (epoch.participants < epoch.minParticipants) {
      fail(`closed with ${epoch.participants} < k = ${epoch.minParticipants} participants (k-anonymity)`);
    }
  }

  /** A reveal: of a closed epoch, with the closed pool, and a KMS proof covering the closed total handle. */
  private async revealed(event: PoolEvent): Promise<void> {
    const a = poolArgs(event, "EpochTotalRevealed", "epochId", "total", "pool");
    const epoch = this.state.epochOf(a.epochId);
    const fail = (message: string) => this.state.fail(epoch.epochId, "Reveal", message, event.transactionHash);
    epoch.revealedTotal = a.total;
    const handle = this.closeHandles.get(epoch.epochId);
    if (handle === undefined) {
      fail("revealed without a close in the range");
      epoch.revealProofValid = false;
      return;
    }
    if (a.pool !== epoch.pool) fail(`revealed pool ${a.pool} ≠ closed pool ${epoch.pool}`);
    const submitted = await this.chain.submittedDecryption(event.transactionHash);
    epoch.revealProofValid =
      submitted.value === epoch.revealedTotal &&
      (await this.chain.verifyDecryption([handle], submitted.value, submitted.proof));
    if (!epoch.revealProofValid) {
      fail("the KMS decryption proof does not cover the closed total handle and revealed value");
    }
  }
}
