import { expect } from "chai";
import { ethers } from "hardhat";

/** ERC-165 ids: of ERC-165 itself, and the value no contract may claim. */
const ERC165_ID = "0x01ffc9a7";
const INVALID_ID = "0xffffffff";

describe("ConfidentialPayoutToken", function () {
  it("wraps at 10^12 underlying units per confidential unit and answers ERC-165 queries", async function () {
    const underlying = await (await ethers.getContractFactory("TestToken")).deploy("Model Usage Dollar", "MUD");
    const token = await (
      await ethers.getContractFactory("ConfidentialPayoutToken")
    ).deploy(await underlying.getAddress(), "Confidential MUD", "cMUD", "ipfs://meta");
    expect(await token.decimals()).to.equal(6n);
    expect(await token.rate()).to.equal(10n ** 12n);
    expect(await token.underlying()).to.equal(await underlying.getAddress());
    expect([await token.name(), await token.symbol(), await token.contractURI()]).to.deep.equal([
      "Confidential MUD",
      "cMUD",
      "ipfs://meta",
    ]);
    expect(await token.supportsInterface(ERC165_ID)).to.equal(true);
    expect(await token.supportsInterface(INVALID_ID)).to.equal(false);
  });
});
