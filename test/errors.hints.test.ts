import { expect } from "chai";
import { Interface, ZeroAddress, getAddress } from "ethers";
import type { ErrorFragment, ParamType } from "ethers";
import fs from "fs";
import hre from "hardhat";
import path from "path";

import { HOST_ERROR_FRAGMENTS, REVERT_SOURCES, REVERT_TEXTS, decodeRevert, knownRevertErrors } from "../src/errors";

/** Unit tests of the one error decoder's hints: no chain, only ABIs and text. */

const ROOT = path.join(__dirname, "..");
const ALICE = getAddress("0x00000000000000000000000000000000000a11ce");

/** A value of a Solidity type, for rendering a hint with plausible arguments. */
function sample(type: ParamType, variant: 0 | 1): unknown {
  if (type.baseType === "address")
    return variant === 0 ? ALICE : getAddress("0x0000000000000000000000000000000000000b0b");
  if (type.baseType === "bool") return variant === 0;
  if (type.baseType === "string") return variant === 0 ? "subnet-7" : "vision-3";
  if (type.baseType.startsWith("bytes")) return `0x${(variant === 0 ? "ab" : "cd").repeat(32)}`;
  if (type.baseType === "uint8" || type.baseType === "int8") return variant === 0 ? 2n : 3n;
  return variant === 0 ? 1_767_312_000n : 1_767_398_400n;
}

/** The text (sentence and hint) of a fragment's error rendered from sample arguments. */
function render(contract: string, fragment: ErrorFragment, variant: 0 | 1) {
  const data = new Interface([fragment]).encodeErrorResult(
    fragment,
    fragment.inputs.map((input) => sample(input, variant)),
  );
  const decoded = decodeRevert(data, contract);
  if (!decoded) throw new Error(`${fragment.format()} does not decode`);
  return decoded;
}

/** Every error fragment the decoder knows, with its owner. */
function knownFragments(): { contract: string; fragment: ErrorFragment }[] {
  return knownRevertErrors().map(({ contract, signature }) => ({
    contract,
    fragment: new Interface([`error ${signature}`]).getError(signature.slice(0, signature.indexOf("(")))!,
  }));
}

/** The `royalties` task names, as Hardhat registered them. */
function taskNames(): Set<string> {
  const scope = hre.scopes["royalties"];
  return new Set(Object.keys(scope.tasks));
}

/** The dashboard's source text (views, their components and hooks), where button labels live. */
function dashboardText(): string {
  const dir = path.join(ROOT, "app/src");
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".tsx") || file.endsWith(".ts"))
    .map((file) => fs.readFileSync(path.join(dir, file), "utf8"))
    .join("\n")
    .replace(/&amp;/g, "&");
}

/** Every contract ABI among the compiled artifacts (test-only mocks aside), by name. */
function artifactErrors(): { contract: string; signature: string }[] {
  const found: { contract: string; signature: string }[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "build-info" && entry.name !== "mocks") walk(file);
      } else if (entry.name.endsWith(".json") && !entry.name.endsWith(".dbg.json")) {
        const artifact = JSON.parse(fs.readFileSync(file, "utf8")) as { contractName?: string; abi?: unknown[] };
        if (!Array.isArray(artifact.abi)) continue;
        new Interface(artifact.abi as string[]).forEachError((fragment) =>
          found.push({ contract: artifact.contractName ?? file, signature: fragment.format("sighash") }),
        );
      }
    }
  };
  walk(path.join(ROOT, "artifacts"));
  return found;
}

/** ERC-721 and ERC-1155 errors: no contract of ours uses those standards (see REVERT_SOURCES). */
const NOT_OURS = new Set(["IERC721Errors", "IERC1155Errors"]);

/** Names of functions in the ABIs: a hint names tasks and buttons, never these (camelCase ones can't be words). */
function functionNames(): Set<string> {
  const names = new Set<string>();
  for (const source of REVERT_SOURCES) {
    for (const abi of source.abis) {
      new Interface(abi).forEachFunction((fragment) => {
        if (/[a-z][A-Z]/.test(fragment.name)) names.add(fragment.name);
      });
    }
  }
  return names;
}

describe("errors: one decoder, a hint for every custom error", function () {
  const known = knownFragments();

  it("knows every custom error of every compiled ABI (mocks and the ERC-721/1155 sets aside)", function () {
    const selectors = new Set(knownRevertErrors().map(({ signature }) => signature));
    const missing = artifactErrors()
      .filter(({ contract }) => !NOT_OURS.has(contract))
      .filter(({ signature }) => !selectors.has(signature))
      .map(({ contract, signature }) => `${contract}: ${signature}`);
    expect(missing).to.deep.equal([]);
    expect(known.length).to.be.greaterThan(150);
  });

  it("lists Zama's host-contract errors exactly as the host artifacts declare them", function () {
    const dir = path.join(ROOT, "node_modules/@fhevm/host-contracts/artifacts/contracts");
    for (const [contract, fragments] of Object.entries(HOST_ERROR_FRAGMENTS)) {
      const artifact = JSON.parse(fs.readFileSync(path.join(dir, `${contract}.sol/${contract}.json`), "utf8")) as {
        abi: string[];
      };
      const declared = new Set<string>();
      new Interface(artifact.abi).forEachError((fragment) => declared.add(fragment.format("sighash")));
      for (const fragment of fragments) {
        expect(declared, `${contract}: ${fragment}`).to.include(
          new Interface([fragment]).fragments[0].format("sighash"),
        );
      }
    }
  });

  it("has a hint for every known error, rendered from its arguments without a Solidity function name", function () {
    const names = functionNames();
    const tasks = taskNames();
    const withoutText = known.filter(({ fragment }) => REVERT_TEXTS[fragment.name] === undefined);
    expect(withoutText.map(({ contract, fragment }) => `${contract}: ${fragment.name}`)).to.deep.equal([]);
    for (const { contract, fragment } of known) {
      const { hint, sentence } = render(contract, fragment, 0);
      const where = `${contract}: ${fragment.format()} → ${hint}`;
      expect(hint, where).to.match(/^[a-z0-9"$]|^[A-Z][a-z]/);
      expect(hint, where).to.match(/[.)]$/);
      expect(hint, where).not.to.match(/check the .*'s state and the values sent/); // the fallback
      expect(sentence, where).to.not.equal("");
      for (const word of hint.match(/[A-Za-z]+/g) ?? [])
        expect(names.has(word), `${where} names ${word}`).to.equal(false);
      for (const [, task] of hint.matchAll(/royalties ([a-z][a-z-]*)/g)) {
        expect(tasks.has(task), `${where}: no task royalties ${task}`).to.equal(true);
      }
    }
  });

  it("names only buttons the dashboard has", function () {
    const text = dashboardText();
    const buttons = new Set<string>();
    for (const { contract, fragment } of known) {
      for (const [, label] of render(contract, fragment, 0).hint.matchAll(/the ([A-Z][A-Za-z &]*?) buttons?\b/g)) {
        buttons.add(label);
      }
    }
    expect([...buttons]).to.include.members(["Close epoch", "Claim", "Claim all", "Withdraw", "Reveal total"]);
    for (const label of buttons) expect(text, `button "${label}"`).to.contain(label);
  });

  it("names a task or a button in the hint of every error of our own contracts", function () {
    // Errors declared by our contracts and libraries carry their name as a prefix.
    const ours =
      /^(RoyaltyPool|PayoutVault|ModelRegistry|MetricAggregator|AttestationConsensus|ConsensusCost|EncryptedMedian|GovernanceToken)[A-Z]/;
    const silent: string[] = [];
    for (const { contract, fragment } of known.filter(({ fragment }) => ours.test(fragment.name))) {
      const { hint } = render(contract, fragment, 0);
      if (!/royalties [a-z]|the [A-Z][A-Za-z &]* button|npx hardhat/.test(hint))
        silent.push(`${fragment.name}: ${hint}`);
    }
    expect(silent).to.deep.equal([]);
  });

  describe("hints are functions of the arguments", function () {
    const pool = new Interface(REVERT_SOURCES[0].abis[0]);

    const hintOf = (error: string, args: unknown[], iface = pool, contract?: string) => {
      const decoded = decodeRevert(iface.encodeErrorResult(error, args), contract);
      if (!decoded) throw new Error(`${error} does not decode`);
      return decoded.hint;
    };

    it("RoyaltyPoolEpochNotEnded: the end as a UTC ISO date, then royalties close / the Close epoch button", function () {
      const hint = hintOf("RoyaltyPoolEpochNotEnded", [3n, 1_767_312_000n]);
      expect(hint).to.equal(
        "epoch 3 ends at 2026-01-02T00:00:00Z: wait until then, then close it with royalties close / the Close epoch button.",
      );
      expect(hintOf("RoyaltyPoolEpochNotEnded", [3n, 1_767_315_600n])).to.contain("2026-01-02T01:00:00Z");
    });

    it("RoyaltyPoolMaskReserveShort: the missing amount, then royalties fund and royalties settle", function () {
      const hint = hintOf("RoyaltyPoolMaskReserveShort", [2n, 1_000n, 65_536n]);
      expect(hint).to.contain("at least 64,536 confidential units more (royalties fund)");
      expect(hint).to.contain("royalties settle");
    });

    it("RoyaltyPoolUnexpectedEpochState: the states by name, and the step the epoch waits for", function () {
      const decoded = decodeRevert(pool.encodeErrorResult("RoyaltyPoolUnexpectedEpochState", [4n, 2, 3]));
      expect(decoded?.sentence).to.equal("RoyaltyPoolUnexpectedEpochState(4, 2, 3)");
      expect(decoded?.hint).to.equal(
        "epoch 4 is Closed and this step needs it Revealed: it is closed: reveal its total (royalties reveal / the " +
          "Reveal total button).",
      );
    });

    it("RoyaltyPoolClaimWindowOpen: the window's end as a date; none when the rules have no window", function () {
      expect(hintOf("RoyaltyPoolClaimWindowOpen", [1n, 1_767_312_000n])).to.contain(
        "until the claim window ends at 2026-01-02T00:00:00Z",
      );
      expect(hintOf("RoyaltyPoolClaimWindowOpen", [1n, 0n])).to.contain("rules have none");
    });

    it("PayoutVaultBatchTooExpensive: the HCU and the batch size to use, claim-all and the Claim all button", function () {
      const vault = new Interface(REVERT_SOURCES[1].abis[0]);
      const hint = hintOf("PayoutVaultBatchTooExpensive", [4n, 21_000_000n, 20_000_000n], vault);
      expect(hint).to.contain("21,000,000 HCU at pair #4");
      expect(hint).to.contain("royalties claim-all --max-pairs 4");
      expect(hint).to.contain("Claim all button");
    });

    it("PayoutVaultSignatureExpired and AttestationConsensusFinalizationNotOpen: dates rendered the same way", function () {
      const vault = new Interface(REVERT_SOURCES[1].abis[0]);
      expect(hintOf("PayoutVaultSignatureExpired", [1_767_312_000n, 1_767_315_600n], vault)).to.contain(
        "expired at 2026-01-02T00:00:00Z (now 2026-01-02T01:00:00Z)",
      );
      const consensus = new Interface(REVERT_SOURCES[4].abis[0]);
      expect(hintOf("AttestationConsensusFinalizationNotOpen", [1n, ALICE, 2, 1_767_312_000n], consensus)).to.contain(
        "until 2026-01-02T00:00:00Z",
      );
    });

    it("GovernorInsufficientProposerVotes: votes in whole tokens, and the Delegate button", function () {
      const governor = new Interface(REVERT_SOURCES[5].abis[0]);
      const decoded = decodeRevert(
        governor.encodeErrorResult("GovernorInsufficientProposerVotes", [ALICE, 10n ** 18n, 5n * 10n ** 18n]),
      );
      expect(decoded?.sentence).to.equal(`${ALICE} has 1 votes, the proposal threshold is 5`);
      expect(decoded?.hint).to.contain("at least 4 more votes");
      expect(decoded?.hint).to.contain("royalties delegate / the Delegate button");
    });

    it("every sampled error's hint changes with its arguments", function () {
      const sampled = [
        "RoyaltyPoolEpochEnded",
        "RoyaltyPoolAmountBelowUnit",
        "RoyaltyPoolInvalidEpochLength",
        "PayoutVaultBatchTooLarge",
        "PayoutVaultNoBalance",
        "MetricAggregatorRoundNotEnded",
        "AttestationConsensusAttestationClosed",
        "TimelockInsufficientDelay",
        "ERC20InsufficientBalance",
      ];
      for (const name of sampled) {
        const entry = known.find(({ fragment }) => fragment.name === name);
        expect(entry, name).to.not.equal(undefined);
        const [a, b] = [render(entry!.contract, entry!.fragment, 0), render(entry!.contract, entry!.fragment, 1)];
        expect(`${a.sentence}: ${a.hint}`, name).to.not.equal(`${b.sentence}: ${b.hint}`);
        expect(
          a.hint === b.hint && name !== "TimelockInsufficientDelay",
          `${name} hint ignores its arguments`,
        ).to.equal(false);
      }
    });
  });

  it("renders the zero address as itself (no crash on edge arguments)", function () {
    const vault = new Interface(REVERT_SOURCES[1].abis[0]);
    const decoded = decodeRevert(vault.encodeErrorResult("PayoutVaultInvalidRecipient", [ZeroAddress]));
    expect(decoded?.sentence).to.equal(`PayoutVaultInvalidRecipient(${ZeroAddress})`);
    expect(decoded?.hint).to.equal(
      "name a recipient address (--to) for royalties withdraw, or fill the Recipient field, then the Withdraw button.",
    );
  });
});
