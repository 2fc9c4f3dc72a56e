import { expect } from "chai";
import { ZeroAddress } from "ethers";

import { toRulesStruct } from "../../src/deploy";
import type { RulesParameters } from "../../src/deploy";
import { decodeProposalActions } from "../../src/actions/governance/decodeProposalActions";
import { ModelRegistry__factory, RoyaltyPool__factory } from "../../types";

const POOL = "0x00000000000000000000000000000000000000A1";
const ATTESTOR = "0x00000000000000000000000000000000000000B2";

const RULES: Required<RulesParameters> = {
  metrics: [
    { name: "compute", weight: 3n, cap: 1_000n },
    { name: "data", weight: 1n, cap: 50n },
  ],
  epochLength: 86_400n,
  minParticipants: 5,
  maxSubmissionsPerContributor: 2,
  attestationRequired: true,
  attestors: [ATTESTOR],
  bonusMultipliers: [150n, 200n],
  claimWindow: 3_600n,
  noiseBits: 0,
};

function updateRulesCalldata(rules: RulesParameters): string {
  return RoyaltyPool__factory.createInterface().encodeFunctionData("updateRules", [toRulesStruct(rules)]);
}

describe("decodeProposalActions: what a proposal's calldata does", () => {
  it("reads every field of a rules update back, typed, from its calldata", () => {
    const [action] = decodeProposalActions({ targets: [POOL], values: [0n], calldatas: [updateRulesCalldata(RULES)] });
    expect(action.kind).to.equal("updateRules");
    if (action.kind !== "updateRules") return;
    expect(action.target).to.equal(POOL);
    expect(action.value).to.equal(0n);
    expect(action.rules.metrics).to.deep.equal(RULES.metrics);
    expect(action.rules.epochLength).to.equal(RULES.epochLength);
    expect(action.rules.minParticipants).to.equal(RULES.minParticipants);
    expect(action.rules.maxSubmissionsPerContributor).to.equal(RULES.maxSubmissionsPerContributor);
    expect(action.rules.attestationRequired).to.equal(true);
    expect(action.rules.attestors).to.deep.equal([ATTESTOR]);
    expect(action.rules.bonusMultipliers).to.deep.equal(RULES.bonusMultipliers);
    expect(action.rules.claimWindow).to.equal(RULES.claimWindow);
    expect(action.rules.noiseBits).to.equal(RULES.noiseBits);
  });

  it("names any other call by its selector, and truncated or empty calldata too, without throwing", () => {
    const other = ModelRegistry__factory.createInterface().encodeFunctionData("modelCount");
    const truncated = updateRulesCalldata(RULES).slice(0, 74);
    const actions = decodeProposalActions({
      targets: [POOL, POOL, ZeroAddress],
      values: [0n, 7n, 0n],
      calldatas: [other, truncated, "0x"],
    });
    expect(actions.map((a) => a.kind)).to.deep.equal(["other", "other", "other"]);
    expect(actions[0]).to.include({ selector: other.slice(0, 10) });
    expect(actions[1]).to.include({ selector: truncated.slice(0, 10), value: 7n });
    expect(actions[2]).to.include({ selector: "0x", target: ZeroAddress });
  });
});
