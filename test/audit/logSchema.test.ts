/**
 * The log schema (src/audit/log.ts) is written once; this test proves it agrees with the contracts: the step
 * names and order with `IRoyaltyPool.LogStep`, each step's event, epoch argument and fields with the pool's
 * ABI, and each step's field count with the `abi.encode(...)` the pool passes to `EpochLog.append`.
 */
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { Interface } from "ethers";

import { RoyaltyPool__factory } from "../../types";
import { LOG_SCHEMA, LOG_STEPS, LogSchemaError, logEntry, logFieldTypes, logStepOf } from "../../src/audit/log";
import type { LogStepName } from "../../src/audit/log";

const ROOT = path.join(__dirname, "..", "..");
const poolInterface = new Interface(RoyaltyPool__factory.abi);

function solidityFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "mocks" ? [] : solidityFiles(full);
    return entry.name.endsWith(".sol") ? [full] : [];
  });
}

/** Splits `a, f(b, c), d` at its top-level commas. */
function topLevelArgs(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      args.push(current.trim());
      current = "";
    } else current += ch;
  }
  if (current.trim() !== "") args.push(current.trim());
  return args;
}

/** Every `LogStep.<step>, abi.encode(<args>)` of the contracts: how many fields each append hashes. */
function appendedFieldCounts(): Map<string, number[]> {
  const counts = new Map<string, number[]>();
  for (const file of solidityFiles(path.join(ROOT, "contracts"))) {
    const source = fs.readFileSync(file, "utf8");
    for (const match of source.matchAll(/LogStep\.(\w+),\s*abi\.encode\(/g)) {
      let depth = 1;
      let i = match.index + match[0].length;
      const start = i;
      for (; depth > 0; i++) {
        if (source[i] === "(") depth++;
        if (source[i] === ")") depth--;
      }
      const list = counts.get(match[1]) ?? [];
      list.push(topLevelArgs(source.slice(start, i - 1)).length);
      counts.set(match[1], list);
    }
  }
  return counts;
}

describe("Log schema", function () {
  it("names the steps of IRoyaltyPool.LogStep, in its order", function () {
    const source = fs.readFileSync(path.join(ROOT, "contracts", "interfaces", "IRoyaltyPool.sol"), "utf8");
    const body = /enum LogStep \{([^}]*)\}/.exec(source);
    expect(body, "IRoyaltyPool.sol declares enum LogStep").to.not.equal(null);
    const members = body![1]
      .split("\n")
      .map((line) =>
        line
          .replace(/\/\/.*$/, "")
          .replace(",", "")
          .trim(),
      )
      .filter((line) => line !== "");
    expect([...LOG_STEPS]).to.deep.equal(members);
  });

  it("matches each step to a distinct pool event whose ABI has the epoch and every field", function () {
    const events = LOG_STEPS.map((step) => LOG_SCHEMA[step].event);
    expect(new Set(events).size).to.equal(LOG_STEPS.length);
    for (const step of LOG_STEPS) {
      const fragment = poolInterface.getEvent(LOG_SCHEMA[step].event);
      expect(fragment, `${step}: event ${LOG_SCHEMA[step].event}`).to.not.equal(null);
      const epoch = fragment!.inputs.find((i) => i.name === LOG_SCHEMA[step].epoch);
      expect(epoch?.type, `${step}: epoch argument ${LOG_SCHEMA[step].epoch}`).to.equal("uint256");
      expect(logFieldTypes(step)).to.have.length(LOG_SCHEMA[step].fields.length);
    }
  });

  it("derives the field types from the ABI (encrypted handles as bytes32)", function () {
    expect(logFieldTypes("Submit")).to.deep.equal(["address", "address", "uint8", "uint32", "bytes32", "bytes32"]);
    expect(logFieldTypes("Reveal")).to.deep.equal(["uint64", "uint64", "uint128", "uint8"]);
    expect(logFieldTypes("Settle")).to.deep.equal(["uint256", "uint256", "uint64", "bytes32"]);
  });

  it("hashes as many fields per step as the contracts' EpochLog.append calls encode", function () {
    const counts = appendedFieldCounts();
    expect([...counts.keys()].sort()).to.deep.equal([...LOG_STEPS].sort());
    for (const step of LOG_STEPS) {
      for (const count of counts.get(step)!) expect(count, step).to.equal(LOG_SCHEMA[step].fields.length);
    }
  });

  it("reads a step event's epoch and fields by name", function () {
    const step = logStepOf({
      name: "PoolCarriedForward",
      args: { epochId: 2n, amount: 500n, intoEpochId: 4n },
      transactionHash: "0x",
      blockNumber: 1,
      logIndex: 0,
    });
    expect(step).to.deep.equal({ epochId: 4n, step: "CarryIn", fields: [2n, 500n] });
    expect(logStepOf({ name: "EpochStarted", args: {}, transactionHash: "0x", blockNumber: 1, logIndex: 0 })).to.equal(
      undefined,
    );
  });

  it("refuses an ABI that lacks a schema field, and an unknown step", function () {
    const broken = new Interface(["event RoyaltyClaimed(uint256 indexed epochId, address indexed contributor)"]);
    expect(() => logFieldTypes("Claim", broken)).to.throw(LogSchemaError, /RoyaltyClaimed has no argument share/);
    expect(() => logEntry("Nope" as LogStepName, [])).to.throw(LogSchemaError, /Unknown log step/);
  });
});
