import { deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import type { PoolFixture } from "../fixtures/royaltyPool.fixture";
import { claimVia, closeAndReveal, endCurrentEpoch, publicValue, submit } from "../helpers/fhe";

export const tokens = (whole: bigint) => whole * 10n ** 18n;

/** Two settled epochs, the second rolled over once for lack of contributors, and a third one open. */
export async function honestRun(): Promise<PoolFixture> {
  const f = await deployPoolFixture();
  const [alice, bob, carol] = f.contributors;
  await f.pool.connect(f.funder).fund(tokens(100n));
  for (const [i, who] of [alice, bob, carol].entries()) await submit(f, who, [BigInt(10 + i), 5n, 3n]);
  await closeAndReveal(f);
  for (const who of [alice, bob, carol]) await claimVia(f, who, 1);
  await settle(f);

  await f.pool.connect(f.funder).fund(tokens(30n));
  await submit(f, alice, [1n, 2n, 3n]);
  await submit(f, bob, [4n, 5n, 6n]);
  await endCurrentEpoch(f);
  await f.pool.closeEpoch(); // extended: only two contributors
  await submit(f, carol, [7n, 8n, 9n]);
  await closeAndReveal(f);
  for (const who of [alice, bob, carol]) await claimVia(f, who, 2);
  await settle(f);
  return f;
}

/** Requests a settlement and settles it with the KMS-signed balance. */
export async function settle(f: PoolFixture): Promise<void> {
  await f.pool.requestSettlement();
  const { value, proof } = await publicValue((await f.pool.settlementStatus()).pending.released);
  await f.pool.settle(value, proof);
}
