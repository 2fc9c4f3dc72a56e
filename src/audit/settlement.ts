/**
 * The settlements, replayed from the pool's events: each settlement has its request, its KMS proof covers
 * the released remainder handle, and its mask is at least as wide as the public record requires.
 */
import { nextMaskBits, remainderBound } from "../math";
import type { PoolEvent } from "./events";
import { poolArgs } from "./poolReport";
import type { AuditChainView, PoolAuditState, SettlementAudit } from "./poolReport";

/** The settlement checks of one audit, fed the stream in order. */
export class SettlementReplay {
  readonly settlements: SettlementAudit[] = [];
  private readonly requested = new Map<string, { released: string; liability: bigint; maskBits: bigint }>();
  // Mask rule of the pool, replayed from public values: once a noisy epoch is settled, the mask is at least
  // one bit wider than the settled epochs' remainder bound and never narrower than before.
  private maskBits = 0n;

  constructor(
    private readonly state: PoolAuditState,
    private readonly chain: AuditChainView,
  ) {}

  /** Replays one event; only settlement requests and settlements matter here. */
  async replay(event: PoolEvent): Promise<void> {
    if (event.name === "SettlementRequested") this.request(event);
    else if (event.name === "PoolSettled") await this.settled(event);
  }

  private request(event: PoolEvent): void {
    const a = poolArgs(
      event,
      "SettlementRequested",
      "fromEpochId",
      "toEpochId",
      "released",
      "liability",
      "maskBits",
      "lent",
      "lenderEpochId",
    );
    this.requested.set(`${a.fromEpochId}-${a.toEpochId}`, {
      released: a.released,
      liability: a.liability,
      maskBits: a.maskBits,
    });
    // Only a masked settlement lends; an unmasked one touches no epoch's pool.
    if (a.lent > 0n) this.state.epochOf(a.lenderEpochId).lent += a.lent;
  }

  private async settled(event: PoolEvent): Promise<void> {
    const { state, chain } = this;
    const a = poolArgs(event, "PoolSettled", "fromEpochId", "toEpochId", "intoEpochId", "released");
    const { fromEpochId: from, toEpochId: to, released } = a;
    const fail = (message: string) => state.fail(to, "Settle", message, event.transactionHash);
    const request = this.requested.get(`${from}-${to}`);
    let settledPools = 0n;
    let bound = 0n;
    let noisy = false;
    for (let id = from; id <= to; id++) {
      const epoch = state.epochs.get(id);
      // An epoch whose pool was carried forward whole paid nothing and is not counted.
      if (epoch?.revealedTotal === undefined || epoch.revealedTotal === 0n || epoch.pool === 0n) continue;
      settledPools += epoch.pool;
      bound += remainderBound(epoch.pool, epoch.revealedTotal, epoch.noiseBits, epoch.participants);
      if (epoch.noiseBits !== 0n) noisy = true;
    }
    const expectedMaskBits = noisy || this.maskBits !== 0n ? nextMaskBits(this.maskBits, bound) : 0n;
    let proofValid = false;
    if (request === undefined) {
      fail(`settlement of epochs ${from}..${to} without its request in the range`);
    } else {
      const submitted = await chain.submittedDecryption(event.transactionHash);
      proofValid =
        submitted.value === released && (await chain.verifyDecryption([request.released], released, submitted.proof));
      if (!proofValid) fail("the KMS proof does not cover the released remainder handle");
      if (request.maskBits < expectedMaskBits) {
        fail(`mask of ${request.maskBits} bits is narrower than the ${expectedMaskBits} the settled epochs need`);
      }
      this.maskBits = request.maskBits;
    }
    this.settlements.push({
      fromEpochId: from,
      toEpochId: to,
      intoEpochId: a.intoEpochId,
      liability: request?.liability ?? 0n,
      released,
      maskBits: request?.maskBits ?? 0n,
      expectedMaskBits,
      settledPools,
      proofValid,
    });
    state.epochOf(a.intoEpochId).carriedIn += released;
  }
}
