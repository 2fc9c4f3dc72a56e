import { expect } from "chai";
import { ethers } from "hardhat";

import { formatAmount } from "../../src";
import { RATE, defaultRules, deployPoolFixture, nextModelName } from "../fixtures/royaltyPool.fixture";
import type { PoolFixture } from "../fixtures/royaltyPool.fixture";
import { closeAndReveal, decrypt, submit } from "../helpers/fhe";
import { runTask } from "../helpers/tasks";

/** Runs a task expecting it to fail; returns the message. */
async function taskError(task: string, args: Record<string, unknown>): Promise<string> {
  try {
    await runTask(task, args);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`royalties ${task} did not fail`);
}

/** A revealed epoch 1 with three contributors; returns the fixture and contributor 0's signer index. */
async function revealedPool(): Promise<{ f: PoolFixture; alice: number }> {
  const f = await deployPoolFixture();
  await (await f.pool.connect(f.funder).fund(1_000n * 10n ** 18n)).wait();
  await submit(f, f.contributors[0], [400_000n, 0n, 90n]);
  await submit(f, f.contributors[1], [0n, 300_000n, 50n]);
  await submit(f, f.contributors[2], [100_000n, 100_000n, 100n]);
  await closeAndReveal(f);
  const signers = await ethers.getSigners();
  return { f, alice: signers.findIndex((s) => s.address === f.contributors[0].address) };
}

const cMUD = (units: bigint) => `${formatAmount(units, 6)} cMUD`;

describe("royalties tasks: claim, claim-all, withdraw, balance (the payout vault, in-process)", function () {
  it("claim credits the vault and prints the share and the new balance; balance and withdraw pay it out", async function () {
    const { f, alice } = await revealedPool();
    const registry = await f.registry.getAddress();
    const claimed = JSON.parse(await runTask("claim", { pool: f.poolAddress, account: alice, json: true })) as {
      epochId: string;
      share: string;
      balance: string;
    };
    const share = await decrypt(await f.pool.shareOf(1, f.contributors[0].address), f.poolAddress, f.contributors[0]);
    expect(claimed).to.deep.include({ epochId: "1", share: share.toString(), balance: share.toString() });

    const text = await runTask("balance", { registry, account: alice });
    expect(text).to.match(/^token +balance +withdrawn +earnings +address$/m);
    expect(text).to.match(
      new RegExp(`^cMUD +${formatAmount(share, 6).replace(/\./g, "\\.")} +0 +${formatAmount(share, 6)}`, "m"),
    );

    // Above the balance: refused before sending, one line naming the balance and what to do.
    const nonce = await ethers.provider.getTransactionCount(f.contributors[0].address);
    const tooMuch = await taskError("withdraw", {
      registry,
      account: alice,
      amount: formatAmount(share + 1n, 6),
      unwrap: false,
    });
    expect(tooMuch).to.equal(
      `Your vault balance is ${cMUD(share)}, below the ${cMUD(share + 1n)} you asked to withdraw: ` +
        `withdraw at most ${cMUD(share)}, or omit the amount to withdraw everything.`,
    );
    expect(await ethers.provider.getTransactionCount(f.contributors[0].address)).to.equal(nonce);

    // A part, unwrapped to another address (the token is the registry's only payout token), then the rest.
    const cold = f.stranger.address;
    const before = await f.token.balanceOf(cold);
    const part = (share / 3n / 10_000n) * 10_000n; // whole hundredths of a token
    const partial = await runTask("withdraw", {
      registry,
      account: alice,
      amount: formatAmount(part, 6),
      to: cold,
      unwrap: true,
    });
    expect(partial).to.contain(`Withdrew ${cMUD(part)} unwrapped: ${cold} received the public ERC20.`);
    expect(partial).to.match(/^finalize tx +0x[0-9a-f]{64}$/m);
    expect(await f.token.balanceOf(cold)).to.equal(before + part * RATE);
    const rest = JSON.parse(
      await runTask("withdraw", { pool: f.poolAddress, account: alice, json: true, unwrap: false }),
    ) as { sent: string; requested: string };
    expect(rest).to.deep.include({ sent: (share - part).toString(), requested: "all" });

    const after = JSON.parse(await runTask("balance", { registry, account: alice, json: true })) as {
      tokens: { balance: string; withdrawn: string; withdrawals: number; earnings: string }[];
    };
    expect(after.tokens).to.deep.equal([
      {
        ...after.tokens[0],
        balance: "0",
        withdrawn: share.toString(),
        withdrawals: 2,
        earnings: share.toString(),
      },
    ]);
    expect(await taskError("withdraw", { registry, account: alice, unwrap: false })).to.match(
      /no balance .* claim first \(royalties claim/,
    );
    expect(await taskError("claim", { pool: f.poolAddress, account: alice, epoch: "1" })).to.match(
      /^RoyaltyPoolAlreadyClaimed\(1, 0x[0-9a-fA-F]{40}\): /,
    );
  });

  it("claim-all prints one progress line per batch; withdraw asks for --token when models pay in several", async function () {
    const { f, alice } = await revealedPool();
    const registry = await f.registry.getAddress();
    // A second model paying in another token, with a revealed epoch.
    const other = await (await ethers.getContractFactory("TestToken")).deploy("B", "B");
    const payoutB = await (
      await ethers.getContractFactory("ConfidentialPayoutToken")
    ).deploy(await other.getAddress(), "cB", "cB", "");
    const name = nextModelName();
    await (await f.registry.createModel(name, await payoutB.getAddress(), defaultRules(), ethers.ZeroAddress)).wait();
    const pool = await ethers.getContractAt("RoyaltyPool", await f.registry.predictPool(f.deployer.address, name));
    await (await other.mint(f.funder.address, 10n ** 21n)).wait();
    await (await other.connect(f.funder).approve(await pool.getAddress(), ethers.MaxUint256)).wait();
    await (await pool.connect(f.funder).fund(10n ** 20n)).wait();
    const ref = { pool, poolAddress: await pool.getAddress() };
    for (let i = 0; i < 3; i++) await submit(ref, f.contributors[i], [1_000n * BigInt(i + 1), 5n, 7n]);
    await closeAndReveal(ref);

    const text = await runTask("claim-all", { registry, account: alice, maxPairs: 1 });
    const progress = text.split("\n").filter((line) => line.startsWith("batch "));
    expect(progress).to.have.length(2);
    expect(progress[0]).to.match(/^batch 1\/2: 1 of 1 pair\(s\) claimed, tx 0x[0-9a-f]{64}$/);
    expect(text).to.contain("Claimed 2 pair(s) in 2 transaction(s): credited to your vault balances");

    expect(await taskError("withdraw", { registry, account: alice, unwrap: false })).to.match(
      /pay in 2 tokens: name one with --token 0x… or --model <name>/,
    );
    const sent = JSON.parse(
      await runTask("withdraw", { registry, model: name, account: alice, json: true, unwrap: false }),
    ) as { token: string; sent: string };
    const shareB = await decrypt(await pool.shareOf(1, f.contributors[0].address), ref.poolAddress, f.contributors[0]);
    expect(sent).to.deep.include({ token: await payoutB.getAddress(), sent: shareB.toString() });
    const balances = await runTask("balance", { registry, account: alice });
    expect(balances).to.match(/^cMUD +[\d,.]+ +0 +[\d,.]+ +0x/m);
    expect(balances).to.match(new RegExp(`^cB +0 +${formatAmount(shareB, 6).replace(/\./g, "\\.")} +`, "m"));
  });
});
