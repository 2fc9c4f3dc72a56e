/**
 * A relayer trusts nothing in a signed-withdrawal file but the signature: every field is validated, the transaction
 * goes only to the payout vault of the registry the relayer trusts (registry.payoutVault()), and the result is read
 * only from that vault's own events. Two withdrawals signed in a row get distinct nonces that the output names.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import type { ContractTransactionReceipt } from "ethers";
import hre, { ethers } from "hardhat";

import {
  InvalidSignedWithdrawalError,
  RoyaltiesError,
  nextWithdrawalNonce,
  parseSignedWithdrawal,
  relayWithdrawal,
  relayedWithdrawal,
  serializeSignedWithdrawal,
  signWithdrawAuthorization,
} from "../../src";
import { runTask } from "../helpers/tasks";
import {
  accountIndex,
  claimShare,
  expectUnchanged,
  snapshot,
  tokenBalance,
  vaultClient,
  vaultWorld,
} from "./vault.helpers";
import type { VaultWorld } from "./vault.helpers";

async function signedJson(w: VaultWorld): Promise<Record<string, unknown>> {
  const signed = await signWithdrawAuthorization(await vaultClient(w, w.alice), {
    token: w.payoutAddress,
    amount: 1_000n,
    relayer: w.relayer.address,
  });
  return JSON.parse(serializeSignedWithdrawal(signed)) as Record<string, unknown>;
}

describe("relay-withdrawal trusts only the signature", function () {
  describe("every field of the signed-withdrawal file is validated with a one-line error", function () {
    let valid: Record<string, unknown>;
    before(async function () {
      const w = await vaultWorld();
      await claimShare(w, w.alice);
      valid = await signedJson(w);
    });
    const auth = () => valid.authorization as Record<string, unknown>;
    const withAuth = (fields: Record<string, unknown>) =>
      JSON.stringify({ ...valid, authorization: { ...auth(), ...fields } });
    const cases: [string, () => string, RegExp][] = [
      ["not JSON", () => "{ vault: ", /is not JSON/],
      ["a JSON array", () => "[]", /content must be a JSON object/],
      ["no vault", () => JSON.stringify({ ...valid, vault: undefined }), /vault must be present/],
      ["a bad vault", () => JSON.stringify({ ...valid, vault: "0x1234" }), /vault must be an address/],
      ["a numeric chain id", () => JSON.stringify({ ...valid, chainId: 31337 }), /chainId must be a whole number/],
      ["chain id 0", () => JSON.stringify({ ...valid, chainId: "0" }), /chainId must be a chain id above 0/],
      ["a signature that is not hex", () => JSON.stringify({ ...valid, signature: "0xzz" }), /signature must be/],
      ["an unknown field", () => JSON.stringify({ ...valid, extra: 1 }), /extra must be absent/],
      ["no authorization", () => JSON.stringify({ ...valid, authorization: null }), /authorization must be an object/],
      ["a bad token", () => withAuth({ token: "cMUD" }), /authorization\.token must be an address/],
      ["a clear amount", () => withAuth({ amount: "1000" }), /authorization\.amount must be the 32-byte handle/],
      [
        "an amount handle without its proof",
        () => JSON.stringify({ ...valid, amountProof: "0x" }),
        /amountProof must be the amount's input proof/,
      ],
      [
        "a proof for the whole balance",
        () => JSON.stringify({ ...valid, authorization: { ...auth(), amount: ethers.ZeroHash } }),
        /amountProof must be the amount's input proof, and 0x exactly when/,
      ],
      [
        "a signed amount with no relayer",
        () => withAuth({ relayer: ethers.ZeroAddress }),
        /authorization\.relayer must be the relayer's address \(a signed amount is encrypted for it\)/,
      ],
      ["unwrap as a string", () => withAuth({ unwrap: "false" }), /authorization\.unwrap must be true or false/],
      ["a negative nonce", () => withAuth({ nonce: "-1" }), /authorization\.nonce must be a whole number/],
      [
        "a deadline of 2^256",
        () => withAuth({ deadline: (2n ** 256n).toString() }),
        /authorization\.deadline must be a whole number/,
      ],
      ["a bad recipient", () => withAuth({ recipient: 42 }), /authorization\.recipient must be an address/],
      [
        "the zero recipient",
        () => withAuth({ recipient: ethers.ZeroAddress }),
        /authorization\.recipient must be a non-zero address/,
      ],
      ["a missing relayer", () => withAuth({ relayer: undefined }), /authorization\.relayer must be/],
      ["an unknown authorization field", () => withAuth({ modelId: "1" }), /authorization\.modelId must be absent/],
      [
        "an omnibus withdrawal whose recipient is not a handle",
        () => {
          const rest: Record<string, unknown> = { ...auth(), omnibus: auth().recipient };
          delete rest.unwrap;
          return JSON.stringify({ ...valid, inputProof: "0x00", authorization: rest });
        },
        /authorization\.recipient must be the 32-byte handle/,
      ],
    ];
    for (const [what, file, message] of cases) {
      it(`refuses ${what}`, function () {
        let error: unknown;
        try {
          parseSignedWithdrawal(file());
        } catch (e) {
          error = e;
        }
        expect(error).to.be.instanceOf(InvalidSignedWithdrawalError);
        expect((error as Error).message).to.match(message);
        expect((error as Error).message).to.not.contain("\n");
      });
    }

    it("accepts the file sign-withdrawal writes, unchanged", function () {
      const parsed = parseSignedWithdrawal(JSON.stringify(valid));
      expect(serializeSignedWithdrawal(parsed)).to.equal(JSON.stringify(valid, null, 2));
    });
  });

  it("the relay-withdrawal task refuses a malformed file with its one-line error and sends nothing", async function () {
    const w = await vaultWorld();
    await claimShare(w, w.alice);
    const before = await snapshot(w, w.alice);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "relay-withdrawal-"));
    try {
      const file = path.join(dir, "withdrawal.json");
      const json = await signedJson(w);
      fs.writeFileSync(
        file,
        JSON.stringify({ ...json, authorization: { ...(json.authorization as object), nonce: 0 } }),
      );
      await expect(
        runTask("relay-withdrawal", {
          file,
          registry: w.registryAddress,
          account: await accountIndex(w.relayer.address),
        }),
      ).to.be.rejectedWith(
        /authorization\.nonce must be a whole number below 2\^256 written as a decimal string \(got 0\)/,
      );
      fs.writeFileSync(file, "not json at all");
      await expect(runTask("relay-withdrawal", { file, registry: w.registryAddress })).to.be.rejectedWith(
        /is not JSON/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await expectUnchanged(w, w.alice, before);
  });

  it("sends only to the vault of the trusted registry, never to the vault the file or the caller names", async function () {
    const w = await vaultWorld();
    await claimShare(w, w.alice);
    const before = await snapshot(w, w.alice);
    const other = await vaultWorld(0); // a genuine vault, but of another registry
    const signed = await signWithdrawAuthorization(await vaultClient(w, w.alice), { token: w.payoutAddress });
    const [relayerAccount] = await ethers.getSigners(); // account 0, the task's default
    const sent = await ethers.provider.getTransactionCount(relayerAccount.address);

    // The library: a vault client that is not registry.payoutVault() of the trusted registry is refused…
    await expect(
      relayWithdrawal(await vaultClient(other, w.relayer), { signed, registry: w.registryAddress }),
    ).to.be.rejectedWith(
      InvalidSignedWithdrawalError,
      new RegExp(`${other.vaultAddress} is not the payout vault of registry ${w.registryAddress}`),
    );
    // …and so is a file signed for another vault, even when the client is connected to it.
    await expect(
      relayWithdrawal(await vaultClient(other, w.relayer), {
        signed: { ...signed, vault: other.vaultAddress },
        registry: w.registryAddress,
      }),
    ).to.be.rejectedWith(InvalidSignedWithdrawalError, /is not the payout vault of registry/);

    // The task: the file names the other vault; the deployment's (or --registry's) vault is the only one trusted.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "relay-withdrawal-"));
    try {
      const file = path.join(dir, "withdrawal.json");
      fs.writeFileSync(file, serializeSignedWithdrawal({ ...signed, vault: other.vaultAddress }));
      await expect(runTask("relay-withdrawal", { file, registry: w.registryAddress })).to.be.rejectedWith(
        new RegExp(
          `names vault ${other.vaultAddress}, but the payout vault of registry ${w.registryAddress} is ${w.vaultAddress}`,
        ),
      );
      // Without --registry on a network with no deployment: no registry to trust, nothing is sent.
      await expect(runTask("relay-withdrawal", { file })).to.be.rejectedWith(/No ModelRegistry deployment/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(await ethers.provider.getTransactionCount(relayerAccount.address)).to.equal(sent);
    await expectUnchanged(w, w.alice, before);
  });

  it("does not report a payout from events another contract emitted (same signatures, another address)", async function () {
    const w = await vaultWorld();
    const share = await claimShare(w, w.alice);
    const signed = await signWithdrawAuthorization(await vaultClient(w, w.alice), { token: w.payoutAddress });
    const relayer = await vaultClient(w, w.relayer);
    const { sentHandle, receipt } = await relayWithdrawal(relayer, { signed, registry: w.registryAddress });
    expect(await tokenBalance(w, w.alice)).to.equal(share);
    expect(relayedWithdrawal(relayer, receipt, signed.authorization).sentHandle).to.equal(sentHandle);

    // The very same logs, emitted by any other address (a contract imitating the vault), prove nothing.
    const impostor = ethers.Wallet.createRandom().address;
    const forged = {
      hash: receipt.hash,
      logs: receipt.logs.map((log) => ({ address: impostor, topics: log.topics, data: log.data })),
    } as unknown as ContractTransactionReceipt;
    expect(() => relayedWithdrawal(relayer, forged, signed.authorization)).to.throw(
      RoyaltiesError,
      /carries no Withdrawn and WithdrawalRelayed events of vault .* the withdrawal is not paid/,
    );
    // Nor do the vault's events of another contributor's withdrawal.
    expect(() => relayedWithdrawal(relayer, receipt, { ...signed.authorization, contributor: w.bob.address })).to.throw(
      RoyaltiesError,
      /not paid/,
    );
  });
});

describe("withdrawals signed in a row get distinct nonces", function () {
  it("nextWithdrawalNonce skips nonces held by pending withdrawals and reuses expired or relayed ones", function () {
    const now = 1_000n;
    expect(nextWithdrawalNonce({ onChain: 0n, pending: [], now })).to.equal(0n);
    expect(nextWithdrawalNonce({ onChain: 0n, pending: [{ nonce: 0n, deadline: 2_000n }], now })).to.equal(1n);
    expect(nextWithdrawalNonce({ onChain: 0n, pending: [{ nonce: 0n, deadline: 999n }], now })).to.equal(0n);
    expect(nextWithdrawalNonce({ onChain: 3n, pending: [{ nonce: 2n, deadline: 2_000n }], now })).to.equal(3n);
    const held = [0n, 1n, 3n].map((nonce) => ({ nonce, deadline: 2_000n }));
    expect(nextWithdrawalNonce({ onChain: 0n, pending: held, now })).to.equal(2n);
  });

  it("sign-withdrawal twice: nonces 0 then 1, named in the output; both relay in order; --nonce picks one", async function () {
    const w = await vaultWorld();
    const share = await claimShare(w, w.alice);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "two-withdrawals-"));
    try {
      const alice = await accountIndex(w.alice.address);
      const relayer = await accountIndex(w.relayer.address);
      const base = { registry: w.registryAddress, model: "1", account: alice };
      // A corrupt ledger of pending withdrawals is ignored, never trusted or fatal.
      const ledger = path.join(hre.config.paths.cache, "royalties-signed-withdrawals.json");
      fs.mkdirSync(path.dirname(ledger), { recursive: true });
      fs.writeFileSync(ledger, JSON.stringify([{ nonce: { x: 1 } }, 5, null, { nonce: "0", deadline: "zz" }]));
      const first = path.join(dir, "first.json");
      const second = path.join(dir, "second.json");
      // 0.000001 cMUD = 1 unit each (6 confidential decimals).
      // An amount is encrypted for the relayer that submits it, so it names one.
      const partial = { ...base, relayer: w.relayer.address };
      const text1 = await runTask("sign-withdrawal", { ...partial, amount: "0.000001", out: first });
      const text2 = await runTask("sign-withdrawal", {
        ...partial,
        amount: "0.000002",
        to: w.bob.address,
        out: second,
      });
      expect(text1).to.contain(`Signed with nonce 0, the vault's next one for ${w.alice.address}.`);
      expect(text1).to.contain(`relay-withdrawal --file ${first}`);
      expect(text2).to.contain("Signed with nonce 1: the vault accepts nonces in order");
      expect(text2).to.match(/^nonce +1$/m);
      expect(parseSignedWithdrawal(fs.readFileSync(first, "utf8")).authorization.nonce).to.equal(0n);
      const secondAuth = parseSignedWithdrawal(fs.readFileSync(second, "utf8")).authorization;
      expect(secondAuth.nonce).to.equal(1n);
      expect(secondAuth.amount)
        .to.match(/^0x[0-9a-f]{64}$/)
        .and.not.equal(ethers.ZeroHash);

      for (const file of [first, second]) {
        const text = await runTask("relay-withdrawal", { file, registry: w.registryAddress, account: relayer });
        expect(text).to.contain(`Withdrawal of ${w.alice.address} submitted`);
      }
      expect(await tokenBalance(w, w.alice)).to.equal(1n);
      expect(await tokenBalance(w, w.bob)).to.equal(2n);
      expect(await w.vault.nonces(w.alice.address)).to.equal(2n);
      await expect(
        runTask("relay-withdrawal", { file: first, registry: w.registryAddress, account: relayer }),
      ).to.be.rejectedWith(/Nonce 0 of .* is used already/);

      // A used nonce is refused before signing; a chosen free one is used as given.
      await expect(runTask("sign-withdrawal", { ...base, nonce: "1", out: first })).to.be.rejectedWith(
        /--nonce 1 is already used: the vault's next nonce for .* is 2/,
      );
      const chosen = JSON.parse(
        await runTask("sign-withdrawal", { ...base, nonce: "5", out: path.join(dir, "x.json"), json: true }),
      ) as { authorization: { nonce: string; amount: string }; onChainNonce: string };
      expect(chosen.authorization.nonce).to.equal("5");
      expect(chosen.authorization.amount).to.equal(ethers.ZeroHash); // the whole balance
      expect(chosen.onChainNonce).to.equal("2");
      expect(share).to.be.greaterThan(3n);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
