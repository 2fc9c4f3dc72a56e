import { expect } from "chai";
import { Interface, getAddress } from "ethers";

import { PayoutVault__factory, RoyaltyGovernor__factory, RoyaltyPool__factory } from "../types";
import {
  GovernanceRevertError,
  PoolRevertError,
  RoyaltiesError,
  RoyaltiesRevertError,
  VaultRevertError,
  decodeRevert,
  revertData,
  toRoyaltiesError,
} from "../src/errors";
import { withVaultErrors } from "../src/actions/vault";

/** Unit tests of the one error decoder: where revert data hides in the errors callers see. No chain. */

const pool = new Interface(RoyaltyPool__factory.abi);
const vault = new Interface(PayoutVault__factory.abi);
const ALICE = getAddress("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
const NOT_ENDED = pool.encodeErrorResult("RoyaltyPoolEpochNotEnded", [3n, 1_767_312_000n]);

describe("errors: decoding reverts from every shape of error", function () {
  const shapes: [string, unknown][] = [
    ["raw revert data", NOT_ENDED],
    [
      "an ethers CALL_EXCEPTION (error.data)",
      Object.assign(new Error("execution reverted"), { code: "CALL_EXCEPTION", data: NOT_ENDED }),
    ],
    [
      "an ethers error from a JSON-RPC answer (error.info.error.data)",
      { code: "UNKNOWN_ERROR", info: { error: { code: 3, data: NOT_ENDED } } },
    ],
    ["a nested error (error.error.error.data)", { error: { error: { data: NOT_ENDED } } }],
    [
      "a `npx hardhat node` JSON-RPC error (data: { message, data })",
      { data: { message: "reverted", txHash: "0x1", data: NOT_ENDED } },
    ],
    ["a wrapper's cause", new Error("failed", { cause: { data: NOT_ENDED } })],
    [
      "a Hardhat message naming the error (a linked library's)",
      new Error(
        "VM Exception while processing transaction: reverted with custom error 'RoyaltyPoolEpochNotEnded(3, 1767312000)'",
      ),
    ],
    [
      "a Hardhat message quoting unrecognized return data",
      new Error(`Transaction reverted: unrecognized custom error (return data: ${NOT_ENDED})`),
    ],
  ];

  for (const [what, error] of shapes) {
    it(`decodes ${what}`, function () {
      const decoded = decodeRevert(error);
      expect(decoded).to.deep.include({ contract: "RoyaltyPool", label: "pool", error: "RoyaltyPoolEpochNotEnded" });
      expect(decoded?.args).to.deep.equal([3n, 1_767_312_000n]);
      expect(decoded?.hint).to.contain("2026-01-02T00:00:00Z");
    });
  }

  it("decodes a Hardhat message with quoted addresses and strings into typed arguments", function () {
    const message =
      "VM Exception while processing transaction: reverted with custom error " +
      `'MetricAggregatorRoundNotEnded("a, b", 4, 1767312000)'`;
    // The comma inside the quoted string stays in one argument.
    expect(decodeRevert(new Error(message))?.args).to.deep.equal(["a, b", 4n, 1_767_312_000n]);
    const erc20 = new Error(
      `VM Exception while processing transaction: reverted with custom error 'ERC20InsufficientBalance("${ALICE}", 0, 5)'`,
    );
    expect(decodeRevert(erc20)).to.deep.include({ contract: "ERC20", error: "ERC20InsufficientBalance" });
    expect(decodeRevert(erc20)?.args).to.deep.equal([ALICE, 0n, 5n]);
  });

  it("finds revert data before a message, and nothing in errors without one", function () {
    expect(revertData({ message: "x", error: { data: NOT_ENDED } })).to.equal(NOT_ENDED);
    expect(revertData(new Error("nonce too low"))).to.equal(undefined);
    expect(decodeRevert(new Error("nonce too low"))).to.equal(undefined);
    expect(decodeRevert("0x12345678")).to.equal(undefined); // an unknown selector
    expect(decodeRevert(`${NOT_ENDED.slice(0, 10)}00`)).to.equal(undefined); // a known selector, bad arguments
  });

  it("toRoyaltiesError: a RoyaltiesRevertError with the decoded fields and the message <sentence>: <hint>", function () {
    const error = toRoyaltiesError({ data: NOT_ENDED });
    expect(error).to.be.instanceOf(PoolRevertError).and.instanceOf(RoyaltiesRevertError).and.instanceOf(RoyaltiesError);
    const revert = error as PoolRevertError;
    expect(revert).to.deep.include({
      contract: "RoyaltyPool",
      error: "RoyaltyPoolEpochNotEnded",
      errorName: "RoyaltyPoolEpochNotEnded",
    });
    expect(revert.message).to.equal(`${revert.sentence}: ${revert.hint}`);
    expect(revert.message).to.match(/^RoyaltyPoolEpochNotEnded\(3, 1767312000\): epoch 3 ends at 2026-01-02T00:00:00Z/);
    // Translating again changes nothing (tasks translate once, whatever the library did).
    expect(toRoyaltiesError(error)).to.equal(error);
    const other = new Error("unrelated");
    expect(toRoyaltiesError(other)).to.equal(other);
  });

  it("governance errors keep their sentences: GovernanceRevertError", function () {
    const governor = new Interface(RoyaltyGovernor__factory.abi);
    const error = toRoyaltiesError({
      data: governor.encodeErrorResult("GovernorUnexpectedProposalState", [7n, 0, `0x${"2".padStart(64, "0")}`]),
    });
    expect(error).to.be.instanceOf(GovernanceRevertError);
    expect((error as Error).message).to.equal(
      "Proposal 7 is Pending, this needs it Active: its vote has not started: wait until its snapshot block has passed " +
        "(royalties proposals shows it), then vote.",
    );
  });

  describe("a batch claim (PayoutVault claimMany) decodes with the vault's ABI", function () {
    it("PayoutVaultBatchTooLarge from claimMany is a VaultRevertError with the vault's hint", async function () {
      const data = vault.encodeErrorResult("PayoutVaultBatchTooLarge", [40n, 32n]);
      const rejected = await withVaultErrors(() => Promise.reject({ code: "CALL_EXCEPTION", data })).catch(
        (e: unknown) => e,
      );
      expect(rejected).to.be.instanceOf(VaultRevertError);
      expect(rejected).to.deep.include({
        contract: "PayoutVault",
        label: "payout vault",
        error: "PayoutVaultBatchTooLarge",
      });
      expect((rejected as VaultRevertError).hint).to.contain("royalties claim-all --max-pairs 32");
    });

    it("an error both the vault and the pool declare is the vault's when the vault is called, else the first owner's", async function () {
      const handle = `0x${"12".repeat(32)}`;
      const data = vault.encodeErrorResult("SenderNotAllowedToUseHandle", [handle, ALICE]);
      expect(pool.getError("SenderNotAllowedToUseHandle")?.selector).to.equal(data.slice(0, 10));
      expect(decodeRevert(data, "PayoutVault")?.contract).to.equal("PayoutVault");
      expect(decodeRevert(data)?.contract).to.equal("RoyaltyPool");
      const rejected = await withVaultErrors(() => Promise.reject({ data })).catch((e: unknown) => e);
      expect(rejected).to.be.instanceOf(VaultRevertError);
    });

    it("a pool error a claim bubbles up through the vault stays the pool's", async function () {
      const data = pool.encodeErrorResult("RoyaltyPoolAlreadyClaimed", [1n, ALICE]);
      const rejected = await withVaultErrors(() => Promise.reject({ data })).catch((e: unknown) => e);
      expect(rejected).to.be.instanceOf(PoolRevertError);
      expect((rejected as Error).message).to.match(
        /^RoyaltyPoolAlreadyClaimed\(1, 0x[0-9a-fA-F]{40}\): epoch 1 is already/,
      );
    });
  });
});
