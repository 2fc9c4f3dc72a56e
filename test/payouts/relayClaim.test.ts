/**
 * Issue 22 items 6 and 7: a relayer trusts nothing in a signed-claim file but the signature (every
 * field is validated, the transaction goes only to the deployment's registry, the result is read only
 * from the events of the registry and the model's pool), and two claims signed in a row get distinct
 * nonces that the output names.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import hre, { ethers } from "hardhat";

import {
  InvalidSignedClaimError,
  RoyaltiesError,
  nextClaimNonce,
  parseSignedClaim,
  relayClaim,
  serializeSignedClaim,
  signClaimAuthorization,
} from "../../src";
import { ModelRegistry__factory } from "../../types";
import type { PayoutWorld } from "../fixtures/payouts.fixture";
import { payoutWorld } from "../fixtures/payouts.fixture";
import { runTask } from "../helpers/tasks";

async function accountIndex(address: string): Promise<number> {
  return (await ethers.getSigners()).findIndex((s) => s.address === address);
}

/** A fresh directory for claim files, removed after the test (a removed file frees its nonce). */
function claimDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "relay-claim-"));
}

async function signedJson(w: PayoutWorld): Promise<Record<string, unknown>> {
  const signed = await signClaimAuthorization(w.registry, w.alice, { modelId: w.modelId, epochId: 1n });
  return JSON.parse(serializeSignedClaim(signed)) as Record<string, unknown>;
}

describe("relay-claim trusts only the signature", function () {
  let dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    dirs = [];
  });

  describe("every field of the signed-claim file is validated with a one-line error", function () {
    let valid: Record<string, unknown>;
    before(async function () {
      valid = await signedJson(await payoutWorld());
    });
    const auth = () => valid.authorization as Record<string, unknown>;
    const cases: [string, () => string, RegExp][] = [
      ["not JSON", () => "{ registry: ", /is not JSON/],
      ["a JSON array", () => "[]", /content must be a JSON object/],
      ["no registry", () => JSON.stringify({ ...valid, registry: undefined }), /registry must be present/],
      ["a bad registry", () => JSON.stringify({ ...valid, registry: "0x1234" }), /registry must be an address/],
      ["a numeric chain id", () => JSON.stringify({ ...valid, chainId: 31337 }), /chainId must be a whole number/],
      ["chain id 0", () => JSON.stringify({ ...valid, chainId: "0" }), /chainId must be a chain id above 0/],
      ["a signature that is not hex", () => JSON.stringify({ ...valid, signature: "0xzz" }), /signature must be/],
      ["an unknown field", () => JSON.stringify({ ...valid, extra: 1 }), /extra must be absent/],
      ["no authorization", () => JSON.stringify({ ...valid, authorization: null }), /authorization must be an object/],
      [
        "a model id that is not a number",
        () => JSON.stringify({ ...valid, authorization: { ...auth(), modelId: "one" } }),
        /authorization\.modelId must be a whole number/,
      ],
      [
        "a negative nonce",
        () => JSON.stringify({ ...valid, authorization: { ...auth(), nonce: "-1" } }),
        /authorization\.nonce must be a whole number/,
      ],
      [
        "a deadline above 2^256",
        () => JSON.stringify({ ...valid, authorization: { ...auth(), deadline: (2n ** 256n).toString() } }),
        /authorization\.deadline must be a whole number/,
      ],
      [
        "a bad recipient",
        () => JSON.stringify({ ...valid, authorization: { ...auth(), recipient: 42 } }),
        /authorization\.recipient must be an address/,
      ],
      [
        "a missing relayer",
        () => JSON.stringify({ ...valid, authorization: { ...auth(), relayer: undefined } }),
        /authorization\.relayer must be/,
      ],
      [
        "an unknown authorization field",
        () => JSON.stringify({ ...valid, authorization: { ...auth(), amount: "1000" } }),
        /authorization\.amount must be absent/,
      ],
      [
        "an omnibus claim whose recipient is not a handle",
        () => JSON.stringify({ ...valid, inputProof: "0x00", authorization: { ...auth(), omnibus: auth().recipient } }),
        /authorization\.recipient must be the 32-byte handle/,
      ],
    ];
    for (const [what, file, message] of cases) {
      it(`refuses ${what}`, function () {
        let error: unknown;
        try {
          parseSignedClaim(file());
        } catch (e) {
          error = e;
        }
        expect(error).to.be.instanceOf(InvalidSignedClaimError);
        expect((error as Error).message).to.match(message);
        expect((error as Error).message).to.not.contain("\n");
      });
    }

    it("accepts the file sign-claim writes, unchanged", function () {
      const parsed = parseSignedClaim(JSON.stringify(valid));
      expect(serializeSignedClaim(parsed)).to.equal(JSON.stringify(valid, null, 2));
    });
  });

  it("the relay-claim task refuses a malformed file with its one-line error and claims nothing", async function () {
    const w = await payoutWorld();
    const dir = claimDir();
    dirs.push(dir);
    const file = path.join(dir, "claim.json");
    const json = await signedJson(w);
    fs.writeFileSync(
      file,
      JSON.stringify({ ...json, authorization: { ...(json.authorization as object), epochId: 7 } }),
    );
    await expect(
      runTask("relay-claim", { file, registry: w.registryAddress, account: await accountIndex(w.relayer.address) }),
    ).to.be.rejectedWith(/authorization\.epochId must be a whole number written as a decimal string \(got 7\)/);
    fs.writeFileSync(file, "not json at all");
    await expect(runTask("relay-claim", { file, registry: w.registryAddress })).to.be.rejectedWith(/is not JSON/);
    expect(await w.pool.hasClaimed(1n, w.alice.address)).to.equal(false);
    expect(await w.registry.nonces(w.alice.address)).to.equal(0n);
  });

  it("the task sends only to the deployment's registry (or --registry), never to the one the file names", async function () {
    const w = await payoutWorld();
    const liar = await (await ethers.getContractFactory("LyingClaimRegistry")).deploy(w.poolAddress);
    const signed = await signClaimAuthorization(w.registry, w.alice, { modelId: w.modelId, epochId: 1n });
    const dir = claimDir();
    dirs.push(dir);
    const file = path.join(dir, "claim.json");
    fs.writeFileSync(file, serializeSignedClaim({ ...signed, registry: await liar.getAddress() }));
    const [relayer] = await ethers.getSigners(); // account 0, the task's default
    const sent = await ethers.provider.getTransactionCount(relayer.address);
    await expect(runTask("relay-claim", { file, registry: w.registryAddress })).to.be.rejectedWith(
      new RegExp(`names registry ${await liar.getAddress()}, but this network's registry is ${w.registryAddress}`),
    );
    // Without --registry on a network with no deployment: no registry to trust, nothing is sent.
    await expect(runTask("relay-claim", { file })).to.be.rejectedWith(/No ModelRegistry deployment/);
    expect(await ethers.provider.getTransactionCount(relayer.address)).to.equal(sent);
    expect(await w.pool.hasClaimed(1n, w.alice.address)).to.equal(false);
  });

  it("relayClaim does not report success from events any contract can emit (a lying registry)", async function () {
    const w = await payoutWorld();
    const liar = await (await ethers.getContractFactory("LyingClaimRegistry")).deploy(w.poolAddress);
    const signed = await signClaimAuthorization(w.registry, w.alice, { modelId: w.modelId, epochId: 1n });
    const lying = ModelRegistry__factory.connect(await liar.getAddress(), w.relayer);
    // The liar emitted both events an honest claim emits, from its own address.
    await expect(relayClaim(lying, { ...signed, registry: await liar.getAddress() })).to.be.rejectedWith(
      RoyaltiesError,
      /carries no RoyaltyClaimed event of pool .* the claim is not paid/,
    );
    expect(await w.pool.hasClaimed(1n, w.alice.address)).to.equal(false);
    // The honest registry's claim is read from the pool's own event.
    const { shareHandle } = await relayClaim(w.registry.connect(w.relayer), signed);
    expect(shareHandle).to.equal(await w.pool.shareOf(1n, w.alice.address));
  });
});

describe("claims signed in a row get distinct nonces", function () {
  it("nextClaimNonce skips nonces held by pending claims and reuses expired or relayed ones", function () {
    const now = 1_000n;
    expect(nextClaimNonce({ onChain: 0n, pending: [], now })).to.equal(0n);
    expect(nextClaimNonce({ onChain: 0n, pending: [{ nonce: 0n, deadline: 2_000n }], now })).to.equal(1n);
    expect(nextClaimNonce({ onChain: 0n, pending: [{ nonce: 0n, deadline: 999n }], now })).to.equal(0n);
    expect(nextClaimNonce({ onChain: 3n, pending: [{ nonce: 2n, deadline: 2_000n }], now })).to.equal(3n);
    const held = [0n, 1n, 3n].map((nonce) => ({ nonce, deadline: 2_000n }));
    expect(nextClaimNonce({ onChain: 0n, pending: held, now })).to.equal(2n);
  });

  it("sign-claim twice: nonces 0 then 1, each named in the output; both relay in order; --nonce picks one", async function () {
    const w = await payoutWorld(2);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "two-claims-"));
    try {
      const alice = await accountIndex(w.alice.address);
      const relayer = await accountIndex(w.relayer.address);
      const base = { registry: w.registryAddress, pool: w.poolAddress, account: alice };
      // A corrupt ledger of pending claims is ignored, never trusted or fatal.
      const ledger = path.join(hre.config.paths.cache, "royalties-signed-claims.json");
      fs.mkdirSync(path.dirname(ledger), { recursive: true });
      fs.writeFileSync(ledger, JSON.stringify([{ nonce: { x: 1 } }, 5, null, { nonce: "0", deadline: "zz" }]));
      const first = path.join(dir, "epoch-1.json");
      const second = path.join(dir, "epoch-2.json");
      const text1 = await runTask("sign-claim", { ...base, epoch: "1", out: first });
      const text2 = await runTask("sign-claim", { ...base, epoch: "2", out: second });
      expect(text1).to.contain(`Signed with nonce 0, the registry's next one for ${w.alice.address}.`);
      expect(text2).to.contain("Signed with nonce 1: the registry accepts nonces in order");
      expect(text2).to.match(/^nonce +1$/m);
      expect(parseSignedClaim(fs.readFileSync(first, "utf8")).authorization.nonce).to.equal(0n);
      expect(parseSignedClaim(fs.readFileSync(second, "utf8")).authorization.nonce).to.equal(1n);

      for (const file of [first, second]) {
        await runTask("relay-claim", { file, registry: w.registryAddress, account: relayer });
      }
      expect(await w.pool.hasClaimed(1n, w.alice.address)).to.equal(true);
      expect(await w.pool.hasClaimed(2n, w.alice.address)).to.equal(true);
      expect(await w.registry.nonces(w.alice.address)).to.equal(2n);

      // A used nonce is refused before signing; a chosen free one is used as given.
      await expect(runTask("sign-claim", { ...base, epoch: "1", nonce: "1", out: first })).to.be.rejectedWith(
        /--nonce 1 is already used: the registry's next nonce for .* is 2/,
      );
      const chosen = JSON.parse(
        await runTask("sign-claim", { ...base, epoch: "1", nonce: "5", out: path.join(dir, "x.json"), json: true }),
      ) as { authorization: { nonce: string }; onChainNonce: string };
      expect(chosen.authorization.nonce).to.equal("5");
      expect(chosen.onChainNonce).to.equal("2");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
