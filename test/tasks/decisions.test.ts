/**
 * The decisions the tasks used to take themselves, now in src/: default epochs, model lookup (one code
 * check), payout-token choice, proposal reading and vote choice, disclosed epochs, the deviation check.
 * Pure unit tests over fakes: no chain, no FHE.
 */
import { expect } from "chai";
import { Interface, ZeroAddress } from "ethers";
import type { Signer } from "ethers";

import type { ModelRegistry } from "../../types";
import { RoyaltyPool__factory } from "../../types";
import { ModelNotFoundError, connectPool } from "../../src/client";
import type { PoolClient, RoyaltiesClient } from "../../src/client";
import type { ProposalInfo } from "../../src/actions/governance/proposals";
import type { ConsensusClient } from "../../src/actions/consensus";
import type { VaultClient } from "../../src/actions/vault";
import { NoClosedEpochError, decryptableEpochId, lastClosedEpochId } from "../../src/actions/claimable";
import { PayoutTokenChoiceError, onlyPayoutToken, registryPayoutTokens } from "../../src/actions/lookup";
import { findModel } from "../../src/actions/findModel";
import { ProposalNotFoundError, summarizeProposal, toVoteSupport } from "../../src/actions/proposals";
import { disclosedEpochIds } from "../../src/actions/disclosures";
import { NotDisclosedError } from "../../src/actions/disclosure";
import { checkDeviation } from "../../src/actions/deviation";
import {
  WithdrawalNonceUsedError,
  chooseWithdrawalNonce,
  parseWithdrawalLedger,
  pruneWithdrawalLedger,
} from "../../src/actions/withdrawalLedger";
import type { PendingWithdrawal } from "../../src/actions/withdrawalLedger";

const ALICE = "0x00000000000000000000000000000000000000a1";
const AUDITOR = "0x00000000000000000000000000000000000000b2";
const POOL = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;

function poolAt(currentEpochId: bigint): PoolClient {
  return { pool: { currentEpochId: async () => currentEpochId } } as unknown as PoolClient;
}

/** A registry of models named model-1… with the given payout tokens; counts its calls. */
function fakeRegistry(payoutTokens: string[], names = payoutTokens.map((_, i) => `model-${i + 1}`)) {
  const calls: string[] = [];
  const registry = {
    modelIdByName: async (name: string) => {
      calls.push(`modelIdByName(${name})`);
      return BigInt(names.indexOf(name) + 1);
    },
    modelCount: async () => BigInt(names.length),
    getModel: async (id: bigint) => {
      const i = Number(id) - 1;
      return {
        name: names[i],
        pool: POOL(i + 1),
        paymentToken: ZeroAddress,
        payoutToken: payoutTokens[i],
        governance: ZeroAddress,
        creator: ALICE,
        createdAt: 1000n + id,
      };
    },
  };
  return { registry: registry as unknown as ModelRegistry, calls };
}

describe("Task decisions in the library", function () {
  describe("default epochs", function () {
    it("the last closed epoch is the one before the current epoch", async function () {
      expect(await lastClosedEpochId(poolAt(4n))).to.equal(3n);
    });

    it("refuses while epoch 1 is still open, naming royalties close", async function () {
      await expect(lastClosedEpochId(poolAt(1n)))
        .to.be.rejectedWith(NoClosedEpochError)
        .and.eventually.have.property("message")
        .that.contain("royalties close");
    });

    it("decrypts epoch 1 before any close, else the last closed epoch", async function () {
      expect(await decryptableEpochId(poolAt(1n))).to.equal(1n);
      expect(await decryptableEpochId(poolAt(5n))).to.equal(4n);
    });
  });

  describe("model lookup", function () {
    it("finds a model by name, then by registry id, the name winning", async function () {
      const { registry } = fakeRegistry(["0xT1", "0xT2", "0xT3"], ["subnet-7", "1", "third"]);
      expect((await findModel({ registry }, { name: "subnet-7" })).pool).to.equal(POOL(1));
      // "1" is the name of model 2: the name wins over the id.
      expect((await findModel({ registry }, { name: "1" })).modelId).to.equal(2n);
      expect((await findModel({ registry }, { name: "3" })).name).to.equal("third");
    });

    it("refuses an unknown name, id 0 and an id past the last model", async function () {
      const { registry } = fakeRegistry(["0xT1"]);
      for (const model of ["nope", "0", "2", ""]) {
        await expect(findModel({ registry }, { name: model })).to.be.rejectedWith(
          ModelNotFoundError,
          /No model ".*" in the registry/,
        );
      }
    });

    it("connects the model's pool without a second code check", async function () {
      const { registry, calls } = fakeRegistry(["0xT1", "0xT2"]);
      let codeChecks = 0;
      const provider = {
        getCode: async () => {
          codeChecks++;
          return "0x";
        },
      };
      const signer = { provider } as unknown as Signer;
      const client = {
        registry,
        registryAddress: POOL(99),
        runner: signer,
        provider,
        signer,
      } as unknown as RoyaltiesClient;
      const pool = await connectPool(client, { model: "model-2" });
      expect(pool.address).to.equal(POOL(2));
      expect(codeChecks).to.equal(0);
      expect(calls).to.deep.equal(["modelIdByName(model-2)"]);
    });
  });

  describe("payout token choice", function () {
    it("lists each payout token once, in model order", async function () {
      const { registry } = fakeRegistry(["0xB", "0xA", "0xB"]);
      expect(await registryPayoutTokens({ registry })).to.deep.equal(["0xB", "0xA"]);
    });

    it("picks the only token, refuses none or several", async function () {
      expect(await onlyPayoutToken(fakeRegistry(["0xA", "0xA"]))).to.equal("0xA");
      await expect(onlyPayoutToken(fakeRegistry([]))).to.be.rejectedWith(PayoutTokenChoiceError, /no model yet/);
      await expect(onlyPayoutToken(fakeRegistry(["0xA", "0xB"]))).to.be.rejectedWith(
        PayoutTokenChoiceError,
        /pay in 2 tokens: name one with --token/,
      );
    });
  });

  describe("proposals and votes", function () {
    it("reads a vote choice in any case, refusing anything else (prototype names included)", function () {
      expect(toVoteSupport("For")).to.equal("for");
      expect(toVoteSupport(" AGAINST ")).to.equal("against");
      expect(toVoteSupport("abstain")).to.equal("abstain");
      expect(toVoteSupport("yes")).to.equal(undefined);
      expect(toVoteSupport("toString")).to.equal(undefined);
    });

    it("summarizes a proposal without its actions", function () {
      const p: ProposalInfo = {
        proposalId: 7n,
        proposer: ALICE,
        state: "Active",
        forVotes: 10n,
        againstVotes: 2n,
        abstainVotes: 1n,
        snapshot: 100n,
        deadline: 150n,
        eta: 0n,
        quorum: 5n,
        description: "weights",
        targets: [ALICE],
        values: [0n],
        calldatas: ["0x"],
      };
      expect(summarizeProposal(p)).to.deep.equal({
        proposalId: 7n,
        state: "Active",
        for: 10n,
        against: 2n,
        abstain: 1n,
        snapshot: 100n,
        deadline: 150n,
        eta: 0n,
        description: "weights",
      });
    });

    it("names the proposal and what to check when it does not exist", function () {
      expect(new ProposalNotFoundError(123n).message).to.equal(
        "No proposal 123 on this governor: check --proposal (royalties proposals lists them) and --governor.",
      );
    });
  });

  describe("disclosed epochs", function () {
    const poolInterface = new Interface(RoyaltyPool__factory.abi);
    /** A vault client whose signer (its runner) answers the pool's currentEpochId() with `current`. */
    function vaultWith(current: bigint, grants: Record<string, string[]>): VaultClient {
      const signer = {
        provider: null,
        getAddress: async () => AUDITOR,
        call: async () => poolInterface.encodeFunctionResult("currentEpochId", [current]),
      };
      const vault = {
        disclosureViewers: async (_c: string, _m: bigint, epochId: bigint) => grants[epochId.toString()] ?? [],
      };
      return { vault, signer, runner: signer, address: ZeroAddress, fhe: {} } as unknown as VaultClient;
    }

    it("lists the epochs disclosed to the viewer, up to the current one", async function () {
      const vault = vaultWith(4n, { "1": [AUDITOR.toUpperCase().replace("0X", "0x")], "2": [ALICE], "4": [AUDITOR] });
      expect(await disclosedEpochIds(vault, { contributor: ALICE, modelId: 1n, pool: POOL(1) })).to.deep.equal([
        1n,
        4n,
      ]);
    });

    it("says whom to ask when nothing is disclosed", async function () {
      const vault = vaultWith(2n, { "1": [ALICE] });
      await expect(disclosedEpochIds(vault, { contributor: ALICE, modelId: 1n, pool: POOL(1) })).to.be.rejectedWith(
        NotDisclosedError,
        /No epoch of model 1 of .* is disclosed to you .*royalties disclose --viewer/,
      );
    });
  });

  describe("deviation check", function () {
    it("decrypts a bit already computed without sending anything", async function () {
      const handle = `0x${"11".repeat(32)}`;
      const client = {
        address: POOL(9),
        signer: { getAddress: async () => AUDITOR },
        pool: { currentEpochId: async () => 3n },
        consensus: {
          withinToleranceOf: async () => handle,
          configForEpoch: async () => [1n, { deviationTolerance: 1500n }],
          computeDeviation: async () => {
            throw new Error("must not send a transaction");
          },
        },
        fhe: { userDecryptBool: async (h: string) => h === handle },
      } as unknown as ConsensusClient;
      const check = await checkDeviation(client, { contributor: ALICE });
      expect(check).to.deep.include({
        epochId: 3n,
        attestor: AUDITOR,
        withinTolerance: true,
        deviationTolerance: 1500n,
      });
      expect(check.receipt).to.equal(undefined);
    });
  });

  describe("signed-withdrawal ledger", function () {
    const VAULT = POOL(7);
    const entry = (nonce: number, deadline: number, contributor = ALICE): PendingWithdrawal => ({
      chainId: "31337",
      vault: VAULT,
      contributor,
      nonce: String(nonce),
      deadline: String(deadline),
      file: `/tmp/w${nonce}.json`,
    });
    const owner = { chainId: 31337n, vault: VAULT, contributor: ALICE };

    it("keeps only well-formed entries and reads a broken ledger as empty", function () {
      const good = entry(2, 900);
      const text = JSON.stringify([good, { ...good, nonce: "-1" }, { ...good, vault: 7 }, null, "x"]);
      expect(parseWithdrawalLedger(text)).to.deep.equal([good]);
      expect(parseWithdrawalLedger("{not json")).to.deep.equal([]);
      expect(parseWithdrawalLedger('{"a":1}')).to.deep.equal([]);
    });

    it("signs with the next free nonce, or the one asked for unless the vault used it", function () {
      const pending = [
        { nonce: 3n, deadline: 900n },
        { nonce: 4n, deadline: 900n },
        { nonce: 6n, deadline: 900n },
      ];
      expect(chooseWithdrawalNonce({ onChain: 3n, pending, now: 500n, contributor: ALICE })).to.equal(5n);
      // An expired withdrawal gives its nonce back.
      expect(chooseWithdrawalNonce({ onChain: 3n, pending, now: 901n, contributor: ALICE })).to.equal(3n);
      expect(chooseWithdrawalNonce({ requested: 9n, onChain: 3n, pending, now: 500n, contributor: ALICE })).to.equal(
        9n,
      );
      expect(() =>
        chooseWithdrawalNonce({ requested: 2n, onChain: 3n, pending, now: 500n, contributor: ALICE }),
      ).to.throw(WithdrawalNonceUsedError, /--nonce 2 is already used: the vault's next nonce for .* is 3/);
    });

    it("forgets the owner's relayed and expired entries, keeps everyone else's", function () {
      const bob = "0x00000000000000000000000000000000000000c3";
      const ledger = [entry(1, 900), entry(3, 400), entry(4, 900), entry(0, 100, bob)];
      expect(pruneWithdrawalLedger(ledger, owner, { onChain: 2n, now: 500n })).to.deep.equal([
        entry(4, 900),
        entry(0, 100, bob),
      ]);
    });
  });
});
