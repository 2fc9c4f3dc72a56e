import { FhevmType } from "@fhevm/hardhat-plugin";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { ethers, fhevm } from "hardhat";

import { expectedShare } from "../../src/math";
import { METRICS, payoutWorld, playEpoch } from "../fixtures/payouts.fixture";
import type { PayoutWorld } from "../fixtures/payouts.fixture";
import { RATE, createFundablePool, defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import type { PoolFixture } from "../fixtures/royaltyPool.fixture";
import {
  claimVia,
  closeAndReveal,
  debugBalance,
  decrypt,
  publicValue,
  submit,
  vaultBalance,
  vaultOf,
  withdrawAmount,
} from "../helpers/fhe";
import type { ConfidentialPayoutToken, PayoutVault, RoyaltyPool, TestToken } from "../../types";

/**
 * The payout vault at contract level: a claim credits exactly the share to an encrypted balance per (contributor,
 * payout token), a batch claim sums shares per token, and withdrawals pay out all or part of a balance, never more.
 */

/** HCU targets of the claim issue: per claimed pair of a batch, and the depth limit of one transaction. */
const PAIR_BUDGET = 600_000n;
const DEPTH_LIMIT = 5_000_000n;
/**
 * HCU of a withdrawal (mock coprocessor, HCULimit.sol). The whole balance: the ERC7984 transfer alone (586,064).
 * Part of it, the amount encrypted: ge 152,000 + select 55,000 + one trivial encrypt 32 + sub 162,000 + the transfer;
 * with the amount in clear it was 919,128 (scalar ge 116,000 and two trivial encrypts).
 */
const WITHDRAW_ALL_HCU = 586_064;
const WITHDRAW_AMOUNT_HCU = 955_096;

interface VaultWorld extends PayoutWorld {
  vault: PayoutVault;
  vaultAddress: string;
}

async function vaultWorld(epochs = 1): Promise<VaultWorld> {
  const w = await payoutWorld(epochs);
  const vault = await vaultOf(w);
  return { ...w, vault, vaultAddress: await vault.getAddress() };
}

/** The share `who` was credited for an epoch of `pool`, decrypted by them. */
async function shareOf(pool: RoyaltyPool, epochId: bigint, who: HardhatEthersSigner): Promise<bigint> {
  return decrypt(await pool.shareOf(epochId, who.address), await pool.getAddress(), who);
}

/** The `sent` handle of the vault's Withdrawn event in a receipt. */
function withdrawnSent(vault: PayoutVault, receipt: Awaited<ReturnType<typeof claimVia>>): string {
  const events = receipt!.logs
    .map((l) => {
      try {
        return vault.interface.parseLog(l);
      } catch {
        return null;
      }
    })
    .filter((p) => p?.name === "Withdrawn");
  expect(events).to.have.length(1);
  return events[0]!.args.sent as string;
}

/** Every (contributor, payout token) balance handle of the given accounts, and the vault's token balance handles. */
async function vaultState(vault: PayoutVault, accounts: readonly string[], tokens: readonly ConfidentialPayoutToken[]) {
  const vaultAddress = await vault.getAddress();
  const rows = [];
  for (const token of tokens) {
    const address = await token.getAddress();
    rows.push(await token.confidentialBalanceOf(vaultAddress));
    for (const account of accounts) {
      rows.push(await vault.balanceOf(account, address));
      rows.push(await token.confidentialBalanceOf(account));
    }
  }
  return rows;
}

/** A second model in `w`'s registry paying in a second token, with one revealed epoch of alice, bob and carol. */
async function secondTokenModel(w: PayoutWorld) {
  const token: TestToken = await (await ethers.getContractFactory("TestToken")).deploy("Second", "SEC");
  const payout: ConfidentialPayoutToken = await (
    await ethers.getContractFactory("ConfidentialPayoutToken")
  ).deploy(await token.getAddress(), "cSEC", "cSEC", "");
  const name = `second-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  await (await w.registry.createModel(name, await payout.getAddress(), defaultRules(), ethers.ZeroAddress)).wait();
  const modelId = await w.registry.modelIdByName(name);
  const pool = await ethers.getContractAt("RoyaltyPool", (await w.registry.getModel(modelId)).pool);
  const poolAddress = await pool.getAddress();
  await (await token.mint(w.funder.address, 10n ** 24n)).wait();
  await (await token.connect(w.funder).approve(poolAddress, ethers.MaxUint256)).wait();
  await (await pool.connect(w.funder).fund(50n * 10n ** 6n * RATE)).wait();
  const ref = { pool, poolAddress };
  for (const [i, who] of [w.alice, w.bob, w.carol].entries()) await submit(ref, who, [...METRICS[2 - i]]);
  await closeAndReveal(ref);
  return { token, payout, modelId, pool, poolAddress };
}

describe("PayoutVault", function () {
  describe("claim", function () {
    it("credits exactly the share: ShareCredited and BalanceUpdated, balances add up over epochs", async function () {
      const w = await vaultWorld(2);
      const { vault, alice, payoutAddress } = w;
      await expect(vault.connect(alice).claim(w.modelId, 1))
        .to.emit(vault, "ShareCredited")
        .withArgs(alice.address, w.modelId, 1n, payoutAddress, (h: string) => h !== ethers.ZeroHash)
        .and.to.emit(vault, "BalanceUpdated");
      const first = await shareOf(w.pool, 1n, alice);
      expect(first).to.be.gt(0n);
      expect(await vaultBalance(vault, alice, payoutAddress)).to.equal(first);
      await claimVia(w, alice, 2n);
      const second = await shareOf(w.pool, 2n, alice);
      expect(await vaultBalance(vault, alice, payoutAddress)).to.equal(first + second);
      // Nobody else was credited, and no token left the vault.
      for (const other of [w.bob, w.carol, w.stranger]) {
        expect(await vault.balanceOf(other.address, payoutAddress)).to.equal(ethers.ZeroHash);
      }
      expect(await w.payout.confidentialBalanceOf(alice.address)).to.equal(ethers.ZeroHash);
    });

    it("claimMany across two models with two payout tokens: each token's balance is the sum of its shares", async function () {
      const w = await vaultWorld(2);
      const second = await secondTokenModel(w);
      const { vault, alice } = w;
      const pairs = [
        { modelId: w.modelId, epochId: 1n },
        { modelId: second.modelId, epochId: 1n },
        { modelId: w.modelId, epochId: 2n },
      ];
      expect(await vault.connect(alice).claimMany.staticCall(pairs)).to.equal(3n);
      const receipt = await (await vault.connect(alice).claimMany(pairs)).wait();
      const credited = receipt!.logs
        .map((l) => {
          try {
            return vault.interface.parseLog(l);
          } catch {
            return null;
          }
        })
        .filter((p) => p?.name === "ShareCredited");
      expect(credited.map((c) => [c!.args.modelId, c!.args.epochId])).to.deep.equal([
        [w.modelId, 1n],
        [second.modelId, 1n],
        [w.modelId, 2n],
      ]);
      const first = (await shareOf(w.pool, 1n, alice)) + (await shareOf(w.pool, 2n, alice));
      const other = await shareOf(second.pool, 1n, alice);
      expect(first).to.be.gt(0n);
      expect(other).to.be.gt(0n);
      expect(await vaultBalance(vault, alice, w.payoutAddress)).to.equal(first);
      expect(await vaultBalance(vault, alice, await second.payout.getAddress())).to.equal(other);
      // One withdrawal per token pays every epoch and model credited in it.
      await (await vault.connect(alice).withdraw(await second.payout.getAddress(), alice.address)).wait();
      expect(await debugBalance(second.payout, alice.address)).to.equal(other);
      expect(await vaultBalance(vault, alice, w.payoutAddress)).to.equal(first);
    });

    it("skips pairs it cannot claim (PairSkipped) and changes nothing for them", async function () {
      const w = await vaultWorld(1);
      const { vault, alice, bob } = w;
      await claimVia(w, alice, 1n);
      await submit(w, bob, [...METRICS[1]]); // epoch 2 is open
      const accounts = [alice.address, bob.address, w.stranger.address];
      const before = await vaultState(vault, accounts, [w.payout]);
      const epochBefore = await w.pool.getEpoch(1);
      for (const [who, epochId] of [
        [alice, 1n], // already claimed
        [bob, 2n], // not revealed
        [alice, 999n], // never started
        [w.stranger, 1n], // no contribution
      ] as const) {
        await expect(vault.connect(who).claimMany([{ modelId: w.modelId, epochId }]))
          .to.emit(vault, "PairSkipped")
          .withArgs(who.address, w.modelId, epochId)
          .and.not.to.emit(vault, "ShareCredited")
          .and.not.to.emit(vault, "BalanceUpdated");
      }
      expect(await vaultState(vault, accounts, [w.payout])).to.deep.equal(before);
      expect(await w.pool.getEpoch(1)).to.deep.equal(epochBefore);
      // A skipped pair next to a claimable one: only the claimable one is credited.
      const pairs = [
        { modelId: w.modelId, epochId: 2n },
        { modelId: w.modelId, epochId: 1n },
        { modelId: w.modelId, epochId: 1n },
      ];
      expect(await vault.connect(bob).claimMany.staticCall(pairs)).to.equal(1n);
      await expect(vault.connect(bob).claimMany(pairs))
        .to.emit(vault, "PairSkipped")
        .withArgs(bob.address, w.modelId, 2n);
      expect(await vaultBalance(vault, bob, w.payoutAddress)).to.equal(await shareOf(w.pool, 1n, bob));
    });

    it("refuses more than maxClaimsPerTransaction() pairs (PayoutVaultBatchTooLarge), state unchanged", async function () {
      const w = await vaultWorld(1);
      const { vault, alice } = w;
      const max = await vault.maxClaimsPerTransaction();
      expect(max).to.equal(35n);
      const pair = { modelId: w.modelId, epochId: 1n };
      const before = await vaultState(vault, [alice.address], [w.payout]);
      await expect(vault.connect(alice).claimMany(Array.from({ length: Number(max) + 1 }, () => pair)))
        .to.be.revertedWithCustomError(vault, "PayoutVaultBatchTooLarge")
        .withArgs(max + 1n, max);
      expect(await vaultState(vault, [alice.address], [w.payout])).to.deep.equal(before);
      expect(await w.pool.hasClaimed(1, alice.address)).to.equal(false);
      // Exactly the maximum is accepted (one claimable pair, the duplicates skipped).
      expect(await vault.connect(alice).claimMany.staticCall(Array.from({ length: Number(max) }, () => pair))).to.equal(
        1n,
      );
    });

    it("claimMany of 30 pairs: at most 600 k HCU per pair and 5 M depth, the balance is the sum of the 30 shares", async function () {
      // 10 models × 3 epochs of one cheap metric (weight 1: no multiply): 30 pairs for alice.
      const f = await deployPoolFixture(defaultRules({ metrics: [{ name: "units", weight: 1n, cap: 2n ** 32n }] }));
      const [alice, bob, carol] = f.contributors;
      const payoutAddress = await f.payout.getAddress();
      const models: { pool: RoyaltyPool; poolAddress: string; modelId: bigint }[] = [
        { pool: f.pool, poolAddress: f.poolAddress, modelId: await f.registry.modelIdOf(f.poolAddress) },
      ];
      for (let m = 1; m < 10; m++) {
        const name = `hcu-${m}-${Date.now()}`;
        const rules = defaultRules({ metrics: [{ name: "units", weight: 1n, cap: 2n ** 32n }] });
        await (await f.registry.createModel(name, payoutAddress, rules, ethers.ZeroAddress)).wait();
        const modelId = await f.registry.modelIdByName(name);
        const poolAddress = (await f.registry.getModel(modelId)).pool;
        await (await f.token.connect(f.funder).approve(poolAddress, ethers.MaxUint256)).wait();
        models.push({ pool: await ethers.getContractAt("RoyaltyPool", poolAddress), poolAddress, modelId });
      }
      const pairs: { modelId: bigint; epochId: bigint }[] = [];
      for (let epoch = 1n; epoch <= 3n; epoch++) {
        for (const [m, model] of models.entries()) {
          await (await model.pool.connect(f.funder).fund(BigInt(1_000 + m) * 10n ** 6n * RATE)).wait();
          await submit(model, alice, [BigInt(100 + m) + epoch]);
          await submit(model, bob, [200n]);
          await submit(model, carol, [300n]);
        }
        // Every model shares one clock: one jump past the latest end, then each closes and reveals.
        const ends = await Promise.all(models.map(async (model) => (await model.pool.getEpoch(epoch)).end));
        const latest = ends.reduce((a, b) => (a > b ? a : b));
        await ethers.provider.send("evm_setNextBlockTimestamp", [Number(latest)]);
        for (const model of models) {
          await (await model.pool.closeEpoch()).wait();
          const { value, proof } = await publicValue((await model.pool.getEpoch(epoch)).total);
          await (await model.pool.revealEpochTotal(epoch, value, proof)).wait();
          pairs.push({ modelId: model.modelId, epochId: epoch });
        }
      }
      const vault = await vaultOf(f);
      expect(await vault.connect(alice).claimMany.staticCall(pairs)).to.equal(30n);
      const receipt = await (await vault.connect(alice).claimMany(pairs)).wait();
      const hcu = fhevm.computeTransactionHCU(receipt!);
      expect(BigInt(hcu.globalHCU)).to.be.lte(30n * PAIR_BUDGET);
      expect(BigInt(hcu.maxHCUDepth)).to.be.lte(DEPTH_LIMIT);
      let sum = 0n;
      for (const { modelId, epochId } of pairs) {
        const pool = models.find((m) => m.modelId === modelId)!.pool;
        sum += await shareOf(pool, epochId, alice);
      }
      expect(await vaultBalance(vault, alice, payoutAddress)).to.equal(sum);
    });
  });

  describe("withdraw", function () {
    it("all: pays the whole balance, clears it, then refuses with PayoutVaultNoBalance", async function () {
      const w = await vaultWorld(1);
      const { vault, alice, payoutAddress } = w;
      await claimVia(w, alice, 1n);
      const share = await vaultBalance(vault, alice, payoutAddress);
      const tx = vault.connect(alice).withdraw(payoutAddress, alice.address);
      await expect(tx)
        .to.emit(vault, "Withdrawn")
        .withArgs(alice.address, payoutAddress, alice.address, (h: string) => h !== ethers.ZeroHash, false);
      const receipt = await (await tx).wait();
      expect(fhevm.computeTransactionHCU(receipt!).globalHCU).to.equal(WITHDRAW_ALL_HCU);
      const sent = withdrawnSent(vault, receipt);
      expect(await decrypt(sent, payoutAddress, alice)).to.equal(share);
      expect(await decrypt(await w.payout.confidentialBalanceOf(alice.address), payoutAddress, alice)).to.equal(share);
      expect(await vault.balanceOf(alice.address, payoutAddress)).to.equal(ethers.ZeroHash);
      const before = await vaultState(vault, [alice.address], [w.payout]);
      await expect(vault.connect(alice).withdraw(payoutAddress, alice.address))
        .to.be.revertedWithCustomError(vault, "PayoutVaultNoBalance")
        .withArgs(alice.address, payoutAddress);
      await expect(withdrawAmount(vault, alice, payoutAddress, alice.address, 1n))
        .to.be.revertedWithCustomError(vault, "PayoutVaultNoBalance")
        .withArgs(alice.address, payoutAddress);
      expect(await vaultState(vault, [alice.address], [w.payout])).to.deep.equal(before);
    });

    it("partial within the balance: sends exactly the amount to any recipient, the exact rest remains", async function () {
      const w = await vaultWorld(1);
      const { vault, alice, payoutAddress } = w;
      await claimVia(w, alice, 1n);
      const share = await vaultBalance(vault, alice, payoutAddress);
      const amount = share / 3n;
      const receipt = await (await withdrawAmount(vault, alice, payoutAddress, w.omnibus.address, amount)).wait();
      expect(fhevm.computeTransactionHCU(receipt!).globalHCU).to.equal(WITHDRAW_AMOUNT_HCU);
      expect(await decrypt(withdrawnSent(vault, receipt), payoutAddress, alice)).to.equal(amount);
      expect(await debugBalance(w.payout, w.omnibus.address)).to.equal(amount);
      expect(await vaultBalance(vault, alice, payoutAddress)).to.equal(share - amount);
      // The rest, exactly: a second partial withdrawal of all that remains leaves zero.
      await (await withdrawAmount(vault, alice, payoutAddress, alice.address, share - amount)).wait();
      expect(await vaultBalance(vault, alice, payoutAddress)).to.equal(0n);
      expect(await debugBalance(w.payout, alice.address)).to.equal(share - amount);
    });

    it("partial above the balance sends nothing: sent = 0 in the event, the balance keeps its value", async function () {
      const w = await vaultWorld(1);
      const { vault, alice, payoutAddress } = w;
      await claimVia(w, alice, 1n);
      const share = await vaultBalance(vault, alice, payoutAddress);
      const vaultHeld = await debugBalance(w.payout, w.vaultAddress);
      const receipt = await (await withdrawAmount(vault, alice, payoutAddress, alice.address, share + 1n)).wait();
      expect(await decrypt(withdrawnSent(vault, receipt), payoutAddress, alice)).to.equal(0n);
      expect(await vaultBalance(vault, alice, payoutAddress)).to.equal(share);
      expect(await debugBalance(w.payout, alice.address)).to.equal(0n);
      expect(await debugBalance(w.payout, w.vaultAddress)).to.equal(vaultHeld);
      // The same balance still pays in full afterwards.
      await (await withdrawAmount(vault, alice, payoutAddress, alice.address, share)).wait();
      expect(await debugBalance(w.payout, alice.address)).to.equal(share);
    });

    it("an encrypted zero sends nothing and changes no value (it cannot be refused in public: nothing is clear)", async function () {
      const w = await vaultWorld(1);
      const { vault, alice, payoutAddress } = w;
      await claimVia(w, alice, 1n);
      const share = await vaultBalance(vault, alice, payoutAddress);
      const receipt = await (await withdrawAmount(vault, alice, payoutAddress, alice.address, 0n)).wait();
      expect(await decrypt(withdrawnSent(vault, receipt), payoutAddress, alice)).to.equal(0n);
      expect(await vaultBalance(vault, alice, payoutAddress)).to.equal(share);
      expect(await debugBalance(w.payout, alice.address)).to.equal(0n);
    });

    it("an amount encrypted for another sender or contract is refused by the input verifier, state unchanged", async function () {
      const w = await vaultWorld(1);
      const { vault, alice, bob, payoutAddress } = w;
      await claimVia(w, alice, 1n);
      const before = await vaultState(vault, [alice.address], [w.payout]);
      // Bob's input (bound to vault, bob) submitted by alice, and alice's input bound to the pool, not the vault.
      for (const [contract, user] of [
        [w.vaultAddress, bob.address],
        [w.poolAddress, alice.address],
      ]) {
        const enc = await fhevm.createEncryptedInput(contract, user).add64(1n).encrypt();
        await expect(vault.connect(alice).withdrawAmount(payoutAddress, alice.address, enc.handles[0], enc.inputProof))
          .to.be.reverted;
      }
      expect(await vaultState(vault, [alice.address], [w.payout])).to.deep.equal(before);
    });

    it("refuses a zero recipient (PayoutVaultInvalidRecipient) on every path, state unchanged", async function () {
      const w = await vaultWorld(1);
      const { vault, alice, payoutAddress } = w;
      await claimVia(w, alice, 1n);
      const before = await vaultState(vault, [alice.address], [w.payout]);
      const refusals = [
        () => vault.connect(alice).withdraw(payoutAddress, ethers.ZeroAddress),
        () => vault.connect(alice).withdrawUnwrapped(payoutAddress, ethers.ZeroAddress),
        () => withdrawAmount(vault, alice, payoutAddress, ethers.ZeroAddress, 1n),
        () => withdrawAmount(vault, alice, payoutAddress, ethers.ZeroAddress, 1n, true),
      ];
      for (const refused of refusals) {
        await expect(refused())
          .to.be.revertedWithCustomError(vault, "PayoutVaultInvalidRecipient")
          .withArgs(ethers.ZeroAddress);
      }
      expect(await vaultState(vault, [alice.address], [w.payout])).to.deep.equal(before);
    });

    it("unwrapped: the recipient receives the public ERC20 once the unwrap is finalized with the KMS proof", async function () {
      const w = await vaultWorld(1);
      const { vault, alice, payoutAddress } = w;
      await claimVia(w, alice, 1n);
      const share = await vaultBalance(vault, alice, payoutAddress);
      const part = share / 2n;
      const recipient = w.omnibus.address;
      const erc20Before = await w.token.balanceOf(recipient);
      for (const amount of [part, undefined]) {
        const tx =
          amount === undefined
            ? vault.connect(alice).withdrawUnwrapped(payoutAddress, recipient)
            : withdrawAmount(vault, alice, payoutAddress, recipient, amount, true);
        const sent = withdrawnSent(vault, await (await tx).wait());
        expect(await w.payout.unwrapRequester(sent)).to.equal(recipient);
        const { value, proof } = await publicValue(sent);
        expect(value).to.equal(amount ?? share - part);
        await expect(w.payout.finalizeUnwrap(sent, value, proof)).to.emit(w.payout, "UnwrapFinalized");
      }
      expect(await w.token.balanceOf(recipient)).to.equal(erc20Before + share * RATE);
      expect(await vault.balanceOf(alice.address, payoutAddress)).to.equal(ethers.ZeroHash);
      expect(await w.payout.confidentialBalanceOf(recipient)).to.equal(ethers.ZeroHash);
    });

    it("only the owner can decrypt a balance: another contributor, the vault's registry deployer, a stranger cannot", async function () {
      const w = await vaultWorld(1);
      const { vault, alice, payoutAddress } = w;
      await claimVia(w, alice, 1n);
      const handle = await vault.balanceOf(alice.address, payoutAddress);
      expect(await decrypt(handle, w.vaultAddress, alice)).to.be.gt(0n);
      for (const other of [w.bob, w.deployer, w.stranger, w.auditor]) {
        await expect(decrypt(handle, w.vaultAddress, other)).to.be.rejected;
      }
      await expect(fhevm.publicDecrypt([handle])).to.be.rejected;
    });
  });

  describe("funds", function () {
    it("the vault holds exactly what moved at the reveals; after every claim and withdrawal only the floors' dust (< participants) stays", async function () {
      const w = await vaultWorld(0);
      const { vault, alice, bob, carol, payoutAddress } = w;
      const people = [alice, bob, carol];
      let moved = 0n;
      for (const fundWhole of [100n, 7n]) {
        const epochId = await playEpoch(w, fundWhole);
        const epoch = await w.pool.getEpoch(epochId);
        // With no noise the moved amount is public: floor(total·factor >> shift) from the revealed values.
        const amount = expectedShare(epoch.revealedTotal, epoch.pool, epoch.revealedTotal);
        expect((epoch.revealedTotal * epoch.shareFactor) >> epoch.shareShift).to.equal(amount);
        moved += amount;
      }
      expect(await debugBalance(w.payout, w.vaultAddress)).to.equal(moved);
      let credited = 0n;
      for (const who of people) {
        await (
          await vault.connect(who).claimMany([
            { modelId: w.modelId, epochId: 1n },
            { modelId: w.modelId, epochId: 2n },
          ])
        ).wait();
        credited += await vaultBalance(vault, who, payoutAddress);
      }
      expect(credited).to.be.lte(moved);
      expect(moved - credited).to.be.lt(2n * 3n); // < participants per epoch, two epochs of three
      let withdrawn = 0n;
      for (const who of people) {
        await (await vault.connect(who).withdraw(payoutAddress, who.address)).wait();
        withdrawn += await debugBalance(w.payout, who.address);
      }
      expect(withdrawn).to.equal(credited);
      expect(await debugBalance(w.payout, w.vaultAddress)).to.equal(moved - credited);
      // The pool kept pool − moved (the factor's rounding) for the settlement.
      const funded = 107n * 10n ** 6n;
      expect(await debugBalance(w.payout, w.poolAddress)).to.equal(funded - moved);
    });

    it("a pool's move to the vault is a confidential amount only the pool may use (EpochFundsMoved)", async function () {
      const f: PoolFixture = await deployPoolFixture(defaultRules({ noiseBits: 8 }));
      await (await f.pool.connect(f.funder).fund(10n ** 6n * RATE)).wait();
      for (let i = 0; i < 3; i++) await submit(f, f.contributors[i], [10n, 10n, 10n]);
      await closeAndReveal(f);
      const logs = await f.pool.queryFilter(f.pool.filters.EpochFundsMoved());
      expect(logs).to.have.length(1);
      const handle = logs[0].args.amount;
      // With noise it would give the total before the noise away: nobody may decrypt it.
      for (const who of [f.contributors[0], f.deployer, f.stranger]) {
        await expect(decrypt(handle, f.poolAddress, who)).to.be.rejected;
      }
      await expect(fhevm.publicDecrypt([handle])).to.be.rejected;
      expect(await fhevm.debugger.decryptEuint(FhevmType.euint64, handle)).to.equal(
        await debugBalance(f.payout, await f.registry.payoutVault()),
      );
    });

    it("a registry's vault serves only its own pools: createFundablePool gives each registry its own vault", async function () {
      const [deployer, funder] = await ethers.getSigners();
      const token = await (await ethers.getContractFactory("TestToken")).deploy("T", "T");
      const payout = await (
        await ethers.getContractFactory("ConfidentialPayoutToken")
      ).deploy(await token.getAddress(), "cT", "cT", "");
      const parameters = {
        deployer,
        funder,
        token: await token.getAddress(),
        payout: await payout.getAddress(),
        funds: 10n ** 21n,
      };
      const a = await createFundablePool(parameters);
      const b = await createFundablePool(parameters);
      expect(await a.registry.payoutVault()).to.not.equal(await b.registry.payoutVault());
      expect(await a.pool.payoutVault()).to.equal(await a.registry.payoutVault());
      expect(await b.pool.payoutVault()).to.equal(await b.registry.payoutVault());
    });
  });
});
