import { expect } from "chai";
import hre, { ethers } from "hardhat";

import {
  InsufficientPayoutBalanceError,
  InvalidContributorError,
  InvalidUnwrapAmountError,
  InvalidUnwrapRecipientError,
  ModelNameTakenError,
  ModelNotFoundError,
  PoolRevertError,
  RegistryNotFoundError,
  RoyaltiesError,
  UnknownUnwrapRequestError,
  claimRoyalty,
  connectPool,
  createRoyaltiesClient,
  FheRequiredError,
  PoolNotFoundError,
  SignerRequiredError,
  createHardhatFheBackend,
  decryptPayoutBalance,
  decryptShare,
  finalizePayoutUnwrap,
  getRules,
  submitContribution,
  findModel,
  getContributorStatus,
  listModels,
  registerModel,
  registryOfPool,
  toRoyaltiesError,
  unwrapPayout,
  vaultOfPool,
  withSigner,
  withdraw,
} from "../../src/node";
import type { PoolClient } from "../../src";
import { parseAmount, parseEpochId, parseMetricSchema, parseMetricValues } from "../../tasks/args";
import { missingRealNetworkEnv, resolveFheBackend } from "../../tasks/fhe";
import { DEFAULT_METRICS, RATE, deployPoolFixture, nextModelName } from "../fixtures/royaltyPool.fixture";
import type { PoolFixture } from "../fixtures/royaltyPool.fixture";
import { closeAndReveal, submit } from "../helpers/fhe";

const METRICS = DEFAULT_METRICS.map((m) => ({ name: m.name, weight: BigInt(m.weight), cap: BigInt(m.cap) }));

/** Expects `promise` to reject with an instance of `type` whose message matches `message`. */
async function expectError(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => Error,
  message: RegExp,
): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "expected a rejection").to.be.instanceOf(type);
  expect((error as Error).message).to.match(message);
  return error as Error;
}

/**
 * A funded pool whose epoch 1 has three contributors, is revealed, and was claimed by contributor 0, who withdrew the
 * whole vault balance to the wallet (where unwrapPayout finds it).
 */
async function claimedPool(): Promise<{ f: PoolFixture; alice: PoolClient }> {
  const f = await deployPoolFixture();
  await (await f.pool.connect(f.funder).fund(1_000n * 10n ** 18n)).wait();
  await submit(f, f.contributors[0], [400_000n, 0n, 90n]);
  await submit(f, f.contributors[1], [0n, 300_000n, 50n]);
  await submit(f, f.contributors[2], [100_000n, 100_000n, 100n]);
  await closeAndReveal(f);
  const fhe = createHardhatFheBackend(hre.fhevm);
  const registry = await f.registry.getAddress();
  const alice = await connectPool(await createRoyaltiesClient({ signer: f.contributors[0], fhe, registry }), {
    address: f.poolAddress,
  });
  await claimRoyalty(alice, { epochId: 1n });
  await withdraw(await vaultOfPool(alice), { token: await alice.pool.payoutToken() });
  return { f, alice };
}

describe("client library: unwrap, contributor status, registry", function () {
  describe("unwrapPayout", function () {
    it("burns confidential units and pays the ERC20 at the wrapper's rate, to the signer or a named address", async function () {
      const { f, alice } = await claimedPool();
      const share = await decryptShare(alice, { epochId: 1n });
      expect(await decryptPayoutBalance(alice)).to.equal(share);
      const part = share / 3n;

      const before = await f.token.balanceOf(f.contributors[0].address);
      const result = await unwrapPayout(alice, { amount: part });
      expect(result.units).to.equal(part);
      expect(result.underlyingAmount).to.equal(part * RATE);
      expect(result.recipient).to.equal(f.contributors[0].address);
      expect(result.receipts).to.have.length(2);
      expect(await f.token.balanceOf(f.contributors[0].address)).to.equal(before + part * RATE);
      expect(await decryptPayoutBalance(alice)).to.equal(share - part);
      // The request is consumed: finalizing it again is refused.
      await expectError(
        finalizePayoutUnwrap(alice, { requestId: result.requestId }),
        UnknownUnwrapRequestError,
        /not pending/,
      );

      const cold = f.stranger.address;
      const rest = share - part;
      const coldBefore = await f.token.balanceOf(cold);
      const toCold = await unwrapPayout(alice, { amount: rest, to: cold });
      expect(toCold.recipient).to.equal(cold);
      expect(await f.token.balanceOf(cold)).to.equal(coldBefore + rest * RATE);
      expect(await decryptPayoutBalance(alice)).to.equal(0n);
    });

    it("rejects a zero amount, a bad recipient, more than the balance and an unknown request, before burning anything", async function () {
      const { alice } = await claimedPool();
      const balance = await decryptPayoutBalance(alice);
      await expectError(unwrapPayout(alice, { amount: 0n }), InvalidUnwrapAmountError, /positive amount/);
      await expectError(unwrapPayout(alice, { amount: 2n ** 64n }), InvalidUnwrapAmountError, /below 2\^64/);
      await expectError(
        unwrapPayout(alice, { amount: 1n, to: "0x1234" }),
        InvalidUnwrapRecipientError,
        /not a usable address/,
      );
      await expectError(
        unwrapPayout(alice, { amount: 1n, to: ethers.ZeroAddress }),
        InvalidUnwrapRecipientError,
        /non-zero/,
      );
      const tooMuch = await expectError(
        unwrapPayout(alice, { amount: balance + 1n }),
        InsufficientPayoutBalanceError,
        /unwrap at most .* cMUD/,
      );
      expect(tooMuch).to.be.instanceOf(RoyaltiesError);
      expect(await decryptPayoutBalance(alice)).to.equal(balance);
      await expectError(
        finalizePayoutUnwrap(alice, { requestId: ethers.ZeroHash }),
        UnknownUnwrapRequestError,
        /check the id/,
      );
    });
  });

  describe("getContributorStatus", function () {
    it("lists every epoch a contributor submitted to, with state, submissions and claims", async function () {
      const { f, alice } = await claimedPool();
      await submit(f, f.contributors[0], [1n, 1n, 1n]);
      await submit(f, f.contributors[0], [2n, 2n, 2n]);
      const status = await getContributorStatus(alice, { contributor: f.contributors[0].address });
      expect(status.contributor).to.equal(f.contributors[0].address);
      expect(status.epochs.map((e) => [e.epochId, e.state, e.submissions, e.claimed, e.claimable])).to.deep.equal([
        [1n, "Revealed", 1n, true, false],
        [2n, "Open", 2n, false, false],
      ]);

      const bob = await getContributorStatus(alice, { contributor: f.contributors[1].address });
      expect(bob.epochs.map((e) => [e.epochId, e.claimed, e.claimable])).to.deep.equal([[1n, false, true]]);
      expect((await getContributorStatus(alice, { contributor: f.stranger.address })).epochs).to.deep.equal([]);

      const latest = await ethers.provider.getBlockNumber();
      const recent = await getContributorStatus(alice, { contributor: f.contributors[0].address, fromBlock: latest });
      expect(recent.epochs.map((e) => e.epochId)).to.deep.equal([2n]);
    });

    it("rejects a contributor that is not an address and a negative fromBlock", async function () {
      const { alice } = await claimedPool();
      await expectError(getContributorStatus(alice, { contributor: "alice" }), InvalidContributorError, /0x… address/);
      await expectError(
        getContributorStatus(alice, { contributor: ethers.ZeroAddress, fromBlock: -1 }),
        InvalidContributorError,
        /block number/,
      );
    });
  });

  describe("registry helpers", function () {
    it("registers, finds and lists models; refuses a taken name and rules the pool rejects", async function () {
      const f = await deployPoolFixture();
      const registry = await createRoyaltiesClient({ signer: f.deployer, registry: await f.registry.getAddress() });
      const name = nextModelName();
      const params = {
        modelName: name,
        payoutToken: await f.payout.getAddress(),
        metrics: METRICS,
        epochLength: 3600n,
        minParticipants: 3,
        maxSubmissionsPerContributor: 2,
      };
      const model = await registerModel(registry, params);
      expect(model.modelId).to.equal(2n);
      expect(model.name).to.equal(name);
      expect(model.paymentToken).to.equal(await f.token.getAddress());
      expect(await findModel(registry, { name })).to.deep.equal(model);
      expect((await listModels(registry)).map((m) => m.name)).to.deep.equal([
        (await f.registry.getModel(1)).name,
        name,
      ]);

      await expectError(registerModel(registry, params), ModelNameTakenError, /pick another name/);
      const rejected = await expectError(
        registerModel(registry, { ...params, modelName: nextModelName(), minParticipants: 2 }),
        PoolRevertError,
        /^RoyaltyPoolInvalidMinParticipants\(2, 3\)/,
      );
      expect((rejected as PoolRevertError).errorName).to.equal("RoyaltyPoolInvalidMinParticipants");
      await expectError(
        findModel(registry, { name: "no-such-model" }),
        ModelNotFoundError,
        /No model "no-such-model" in the registry/,
      );
      await expectError(
        createRoyaltiesClient({ signer: f.deployer, registry: f.stranger.address }),
        RegistryNotFoundError,
        /No contract at/,
      );
    });

    it("one client: reads through a provider, binds a pool by model name or address, names what an action lacks", async function () {
      const f = await deployPoolFixture();
      const reader = await createRoyaltiesClient({
        provider: ethers.provider,
        registry: await f.registry.getAddress(),
      });
      expect(reader.signer).to.equal(undefined);
      const { name } = await f.registry.getModel(1);
      const byName = await connectPool(reader, { model: name });
      expect(byName.address).to.equal(f.poolAddress);
      expect((await getRules(byName)).version).to.equal(1n);
      const byAddress = await connectPool(reader, { address: f.poolAddress });
      expect(byAddress.registryAddress).to.equal(reader.registryAddress);
      await expectError(
        connectPool(reader, { model: "no-such-model" }),
        ModelNotFoundError,
        /No model "no-such-model" in the registry/,
      );
      await expectError(connectPool(reader, { address: f.stranger.address }), PoolNotFoundError, /No contract at/);
      await expectError(submitContribution(byName, { metrics: [1n, 1n, 1n] }), SignerRequiredError, /with a signer/);
      const signed = withSigner(byName, f.contributors[0]);
      await expectError(submitContribution(signed, { metrics: [1n, 1n, 1n] }), FheRequiredError, /with fhe/);
      // A pool named by its address alone leads to its registry through its vault.
      expect(await registryOfPool(reader, { pool: f.poolAddress })).to.equal(reader.registryAddress);
      await expectError(registryOfPool(reader, { pool: f.stranger.address }), PoolNotFoundError, /No contract at/);
    });
  });

  describe("pool errors as a hardhat node reports them", function () {
    it("translates a custom error nested in a JSON-RPC error's data", async function () {
      const f = await deployPoolFixture();
      const data = f.pool.interface.encodeErrorResult("RoyaltyPoolAlreadyClaimed", [1n, f.stranger.address]);
      const nodeError = Object.assign(new Error("reverted with an unrecognized custom error"), {
        code: -32603,
        data: { message: "VM Exception while processing transaction", txHash: ethers.ZeroHash, data },
      });
      const translated = toRoyaltiesError(nodeError);
      expect(translated).to.be.instanceOf(PoolRevertError);
      expect((translated as PoolRevertError).message).to.match(
        /^RoyaltyPoolAlreadyClaimed\(1, 0x.*already in your vault balance: see it with royalties balance/,
      );
      const fhe = createHardhatFheBackend(hre.fhevm);
      const registry = await f.registry.getAddress();
      const alice = await connectPool(await createRoyaltiesClient({ signer: f.contributors[0], fhe, registry }), {
        address: f.poolAddress,
      });
      // A real revert of a library call comes back translated as well.
      await expectError(
        claimRoyalty(withSigner(alice, f.stranger), { epochId: 1n }),
        PoolRevertError,
        /RoyaltyPoolUnexpectedEpochState/,
      );
    });
  });

  describe("task helpers", function () {
    it("parse task arguments and explain what is expected", function () {
      expect(parseMetricValues("1200,40,95")).to.deep.equal([1200n, 40n, 95n]);
      expect(() => parseMetricValues("12,x")).to.throw(/--metrics 1200,40,95/);
      expect(parseMetricSchema("computeUnits:3:1000000,qualityScore:50:100")).to.deep.equal([
        { name: "computeUnits", weight: 3n, cap: 1_000_000n },
        { name: "qualityScore", weight: 50n, cap: 100n },
      ]);
      expect(() => parseMetricSchema("computeUnits:3")).to.throw(/name:weight:cap/);
      expect(() => parseMetricSchema("computeUnits:0:5")).to.throw(/between 1 and 2\^64-1/);
      expect(parseAmount("12.5", 18, "--amount")).to.equal(125n * 10n ** 17n);
      expect(() => parseAmount("1.0000001", 6, "--amount")).to.throw(/at most 6 decimals/);
      expect(() => parseAmount("0", 6, "--amount")).to.throw(/positive/);
      expect(parseEpochId("3")).to.equal(3n);
      expect(() => parseEpochId("0")).to.throw(/from 1/);
    });

    it("resolve the in-process FHE backend and require keys for Sepolia", async function () {
      const f = await deployPoolFixture();
      const fhe = await resolveFheBackend(hre);
      const encrypted = await fhe.encryptUint64(f.poolAddress, f.contributors[0].address, [1n, 2n, 3n]);
      await (
        await f.pool.connect(f.contributors[0]).submitContribution(encrypted.handles, encrypted.inputProof)
      ).wait();
      expect(await f.pool.submissionsOf(1n, f.contributors[0].address)).to.equal(1n);

      const saved = { PRIVATE_KEY: process.env.PRIVATE_KEY, MNEMONIC: process.env.MNEMONIC };
      try {
        delete process.env.PRIVATE_KEY;
        delete process.env.MNEMONIC;
        expect(missingRealNetworkEnv("sepolia")).to.match(/set PRIVATE_KEY \(or MNEMONIC\) and SEPOLIA_RPC_URL/);
        process.env.PRIVATE_KEY = "0x01";
        expect(missingRealNetworkEnv("sepolia")).to.equal(undefined);
        expect(missingRealNetworkEnv("localhost")).to.equal(undefined);
      } finally {
        for (const [key, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[key];
          else process.env[key] = value;
        }
      }
    });
  });
});
