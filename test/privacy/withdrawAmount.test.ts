import { expect } from "chai";
import { Interface, toBeHex, zeroPadValue } from "ethers";
import type { ContractTransactionReceipt, Log, TransactionResponse } from "ethers";
import { ethers } from "hardhat";

import { relayWithdrawal, signWithdrawAuthorization, withdraw } from "../../src";
import { bitsOf } from "../../src/privacy";
import { ConfidentialPayoutToken__factory, PayoutVault__factory } from "../../types";
import { withdrawAmount } from "../helpers/fhe";
import { claimShare, vaultBalance, vaultClient, vaultWorld } from "../payouts/vault.helpers";
import type { VaultWorld } from "../payouts/vault.helpers";

/**
 * The partial-withdrawal leak (SECURITY.md): `withdraw(token, recipient, uint64 amount)` published the amount in
 * calldata and in `Withdrawn.requested`, and the library only sends an amount the balance covers, so every observer
 * learnt the amount exactly (0 bits left) and a lower bound on the contributor's balance. Now the amount is an
 * encrypted input. The attacker here reads everything public about a partial withdrawal (the transaction, its
 * receipt, every log of every contract) with the contracts' public ABIs, and the tests measure what it has left.
 */

/** Every public byte string of a withdrawal: its calldata and each log's topics and data. */
function publicBytes(tx: TransactionResponse, receipt: ContractTransactionReceipt): string[] {
  return [tx.data, ...receipt.logs.flatMap((log) => [...log.topics, log.data])].map((hex) => hex.toLowerCase());
}

/** The encodings of `amount` an observer would search for: an ABI word and the packed 8-byte uint64. */
function encodings(amount: bigint): string[] {
  return [zeroPadValue(toBeHex(amount), 32), zeroPadValue(toBeHex(amount), 8)].map((hex) => hex.slice(2));
}

const vaultAbi = new Interface(PayoutVault__factory.abi);
const tokenAbi = new Interface(ConfidentialPayoutToken__factory.abi);

/** Every clear integer the attacker decodes from the calldata and the logs with the public ABIs. */
function clearIntegers(calldata: string, logs: readonly Log[], abi: Interface = vaultAbi): bigint[] {
  const found: bigint[] = [];
  const collect = (values: readonly unknown[]) => {
    for (const value of values) {
      if (typeof value === "bigint") found.push(value);
      else if (Array.isArray(value)) collect(value);
    }
  };
  const call = abi.parseTransaction({ data: calldata });
  if (call !== null) collect(call.args.toArray(true) as unknown[]);
  for (const log of logs) {
    for (const parser of [vaultAbi, tokenAbi]) {
      try {
        const parsed = parser.parseLog(log);
        if (parsed !== null) collect(parsed.args.toArray(true) as unknown[]);
      } catch {
        // A log of another contract: the other parser names it.
      }
    }
  }
  return found;
}

/**
 * The attacker's candidate interval for the victim's balance: at most the epoch's public pool, and at least any clear
 * integer of the withdrawal that fits in it (the library sends only amounts the balance covers). It ignores nonces,
 * deadlines and ids below 2 (none of them is an amount here) so that it errs towards narrowing, never widening.
 */
function balanceCandidates(integers: readonly bigint[], upper: bigint): { low: bigint; high: bigint } {
  const low = integers.filter((v) => v > 1n && v <= upper).reduce((a, b) => (a > b ? a : b), 0n);
  return { low, high: upper };
}

/**
 * What an observer can tell two withdrawals apart by: everything but the values of ciphertext handles and proofs,
 * and of the addresses of the two worlds' contracts (each named by its order of first appearance).
 */
async function fingerprint(tx: TransactionResponse, receipt: ContractTransactionReceipt) {
  // Calldata gas depends on zero bytes, and handles and proofs are random bytes: the execution gas is what is left.
  const bytes = ethers.getBytes(tx.data);
  const calldataGas = bytes.reduce((sum, b) => sum + (b === 0 ? 4 : 16), 0);
  const names = new Map<string, number>([[tx.to!.toLowerCase(), 0]]);
  const name = (address: string) => {
    const key = address.toLowerCase();
    if (!names.has(key)) names.set(key, names.size);
    return names.get(key);
  };
  return {
    selector: tx.data.slice(0, 10),
    calldataLength: bytes.length,
    status: receipt.status,
    executionGas: receipt.gasUsed - 21_000n - BigInt(calldataGas),
    // Handles (in data, and indexed by the token's ConfidentialTransfer) are fresh random values for any amount.
    logs: receipt.logs.map((l) => ({
      contract: name(l.address),
      topic0: l.topics[0],
      topics: l.topics.length,
      bytes: l.data.length,
    })),
  };
}

/** The epoch's public pool: the vault can never credit one contributor more than it for the epoch. */
async function publicUpperBound(w: VaultWorld): Promise<bigint> {
  return (await w.pool.getEpoch(1n)).pool;
}

describe("Privacy: a partial withdrawal publishes nothing about its amount", function () {
  it("the calldata, the receipt and every event carry no encoding of the amount; the attacker keeps the whole range", async function () {
    const w = await vaultWorld();
    const share = await claimShare(w, w.alice);
    const upper = await publicUpperBound(w);
    // A distinctive amount: three quarters of the balance.
    const amount = (share * 3n) / 4n;
    const result = await withdraw(await vaultClient(w, w.alice), { token: w.payoutAddress, amount });
    expect(result.sent).to.equal(amount);
    const receipt = result.receipts[0];
    const tx = (await receipt.getTransaction())!;

    const bytes = publicBytes(tx, receipt);
    for (const encoding of encodings(amount)) {
      expect(
        bytes.some((b) => b.includes(encoding)),
        `0x${encoding} in public data`,
      ).to.equal(false);
    }
    const integers = clearIntegers(tx.data, receipt.logs);
    expect(integers).to.not.include(amount);

    // Before: the old calldata (same function, uint64 amount) gives the attacker the amount and a lower bound.
    const old = new Interface(["function withdraw(address token, address recipient, uint64 amount)"]);
    const oldCalldata = old.encodeFunctionData("withdraw", [w.payoutAddress, w.alice.address, amount]);
    const before = balanceCandidates(clearIntegers(oldCalldata, [], old), upper);
    expect(before.low).to.equal(amount);
    const after = balanceCandidates(integers, upper);
    expect(after.low).to.equal(0n);
    expect(share).to.be.gte(after.low).and.lte(after.high); // sound: the truth is never ruled out

    const bitsBefore = bitsOf(before.high - before.low + 1n);
    const bitsAfter = bitsOf(after.high - after.low + 1n);
    // The balance: from log2(pool − amount + 1) to log2(pool + 1) bits; the amount itself: from 0 bits to at least
    // log2(pool) (any amount up to the balance, which is any value up to the pool).
    expect(bitsAfter).to.be.closeTo(Math.log2(Number(upper) + 1), 1e-9);
    expect(bitsAfter).to.be.greaterThan(bitsBefore);
    console.log(
      `      balance: ${bitsBefore.toFixed(2)} → ${bitsAfter.toFixed(2)} bits left; ` +
        `amount: 0 → ${bitsOf(upper).toFixed(2)} bits left (pool ${upper} units, amount ${amount})`,
    );
  });

  it("indistinguishable: amounts within the balance, equal to it, above it (sends 0) and zero look the same", async function () {
    const seen = [];
    const amounts = (share: bigint) => [1n, share / 3n, share, share + 1n, 2n ** 64n - 1n, 0n];
    for (let i = 0; i < 6; i++) {
      // A fresh world for each: an observer comparing worlds that differ only in the amount.
      const w = await vaultWorld();
      const share = await claimShare(w, w.alice);
      const amount = amounts(share)[i];
      const tx = await withdrawAmount(w.vault, w.alice, w.payoutAddress, w.bob.address, amount);
      const receipt = (await tx.wait())!;
      seen.push(await fingerprint(tx, receipt));
      // The contract did pay what the amount says (all of it or nothing): the worlds really differ.
      expect(await vaultBalance(w, w.alice)).to.equal(amount <= share ? share - amount : share);
    }
    const [first, ...others] = seen;
    expect(first.logs.length).to.be.greaterThan(0);
    for (const [i, other] of others.entries()) expect(other, `amount #${i + 1}`).to.deep.equal(first);
    // Every candidate amount produces the same public record: nothing narrows it, and success is not public either.
    console.log(
      `      ${seen.length} amounts (1, part, all, above, 2^64 − 1, 0): one public fingerprint, ` +
        `execution gas ${first.executionGas}`,
    );
  });

  it("a signed partial withdrawal: the struct the relayer submits holds a handle, the calldata and events no amount", async function () {
    const w = await vaultWorld();
    const share = await claimShare(w, w.alice);
    const amount = (share * 2n) / 5n;
    const signed = await signWithdrawAuthorization(await vaultClient(w, w.alice), {
      token: w.payoutAddress,
      amount,
      relayer: w.relayer.address,
    });
    const { receipt } = await relayWithdrawal(await vaultClient(w, w.relayer), { signed, registry: w.registryAddress });
    const tx = (await receipt.getTransaction())!;
    for (const encoding of encodings(amount)) {
      expect(publicBytes(tx, receipt).some((b) => b.includes(encoding))).to.equal(false);
    }
    // The clear integers of the relayed call are its nonce and deadline, nothing that bounds the balance.
    const integers = clearIntegers(tx.data, receipt.logs);
    expect(integers).to.not.include(amount);
    expect(
      integers.filter((v) => v !== signed.authorization.nonce && v !== signed.authorization.deadline),
    ).to.deep.equal([]);
    expect(await vaultBalance(w, w.alice)).to.equal(share - amount);
  });
});
