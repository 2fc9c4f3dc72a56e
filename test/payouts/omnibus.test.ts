import { FhevmType } from "@fhevm/hardhat-plugin";
import { expect } from "chai";
import type { ContractTransactionReceipt } from "ethers";
import { ethers, fhevm } from "hardhat";

import { claimToOmnibus, createHardhatFheBackend } from "../../src";
import { RATE, defaultRules, nextModelName } from "../fixtures/royaltyPool.fixture";
import type { PayoutWorld } from "../fixtures/payouts.fixture";
import { payoutWorld } from "../fixtures/payouts.fixture";
import { closeAndReveal, decrypt, submit } from "../helpers/fhe";

const HCU_LIMIT = 20_000_000;
const HCU_DEPTH_LIMIT = 5_000_000;

/** The sub-account alice chose at the omnibus: a fresh address nobody else knows. */
const SUB_ACCOUNT = ethers.Wallet.createRandom().address;

async function encryptedSubAccount(w: PayoutWorld, user: string, subAccount = SUB_ACCOUNT) {
  return fhevm.createEncryptedInput(w.registryAddress, user).addAddress(subAccount).encrypt();
}

/** The token's OmnibusConfidentialTransfer event of a receipt. */
function omnibusTransfer(w: PayoutWorld, receipt: ContractTransactionReceipt) {
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== w.payoutAddress.toLowerCase()) continue;
    const parsed = w.payout.interface.parseLog(log);
    if (parsed?.name === "OmnibusConfidentialTransfer") return parsed;
  }
  throw new Error("no OmnibusConfidentialTransfer event");
}

/** The registry's confidential balance, read with the mock's debugger (a contract cannot user-decrypt). */
async function registryBalance(w: PayoutWorld): Promise<bigint> {
  const handle = await w.payout.confidentialBalanceOf(w.registryAddress);
  return handle === ethers.ZeroHash ? 0n : fhevm.debugger.decryptEuint(FhevmType.euint64, handle);
}

describe("Claims to an omnibus sub-account", function () {
  it("the omnibus decrypts the chosen sub-account and the share; the registry keeps nothing", async function () {
    const w = await payoutWorld();
    const enc = await encryptedSubAccount(w, w.alice.address);
    const tx = await w.registry
      .connect(w.alice)
      .claimToOmnibus(w.modelId, 1n, w.omnibus.address, enc.handles[0], enc.inputProof);
    const receipt = (await tx.wait())!;

    const share = await decrypt(await w.pool.shareOf(1n, w.alice.address), w.poolAddress, w.alice);
    expect(share).to.be.greaterThan(0n);
    const event = omnibusTransfer(w, receipt);
    expect(event.args.omnibusFrom).to.equal(w.registryAddress);
    expect(event.args.omnibusTo).to.equal(w.omnibus.address);
    expect(await fhevm.userDecryptEaddress(event.args.recipient, w.payoutAddress, w.omnibus)).to.equal(SUB_ACCOUNT);
    expect(await fhevm.userDecryptEaddress(event.args.sender, w.payoutAddress, w.omnibus)).to.equal(w.poolAddress);
    expect(await decrypt(event.args.amount, w.payoutAddress, w.omnibus)).to.equal(share);
    expect(await decrypt(await w.payout.confidentialBalanceOf(w.omnibus.address), w.payoutAddress, w.omnibus)).to.equal(
      share,
    );

    // Exactly the share went through: the registry's balance is back to zero.
    expect(await w.payout.confidentialBalanceOf(w.registryAddress)).not.to.equal(ethers.ZeroHash);
    expect(await registryBalance(w)).to.equal(0n);

    // Nobody else learns the sub-account or the amount; the contributor can check the forwarded amount.
    await expect(fhevm.userDecryptEaddress(event.args.recipient, w.payoutAddress, w.stranger)).to.be.rejected;
    await expect(decrypt(event.args.amount, w.payoutAddress, w.stranger)).to.be.rejected;
    await expect(
      w.registry.connect(w.alice).claimToOmnibus(w.modelId, 1n, w.omnibus.address, enc.handles[0], enc.inputProof),
    ).to.be.revertedWithCustomError(w.pool, "RoyaltyPoolAlreadyClaimed");
    const [registryEvent] = receipt.logs
      .map((l) => w.registry.interface.parseLog(l))
      .filter((p) => p?.name === "OmnibusClaimed");
    expect(registryEvent!.args.contributor).to.equal(w.alice.address);
    expect(await decrypt(registryEvent!.args.amount, w.registryAddress, w.alice)).to.equal(share);

    // The claim counts in the cross-model earnings like any registry claim.
    const earnings = await w.registry.earningsOf(w.alice.address, w.payoutAddress);
    expect(await decrypt(earnings, w.registryAddress, w.alice)).to.equal(share);

    const hcu = fhevm.computeTransactionHCU(receipt);
    console.log(`      claimToOmnibus: gas ${receipt.gasUsed}, HCU ${hcu.globalHCU}, depth ${hcu.maxHCUDepth}`);
    expect(hcu.globalHCU).to.be.lte(HCU_LIMIT);
    expect(hcu.maxHCUDepth).to.be.lte(HCU_DEPTH_LIMIT);
  });

  it("two contributors through the same omnibus: each sub-account gets its own share, the registry stays at zero", async function () {
    const w = await payoutWorld();
    const fhe = createHardhatFheBackend(fhevm);
    const bobSub = ethers.Wallet.createRandom().address;
    const a = await claimToOmnibus(w.registry.connect(w.alice), fhe, {
      modelId: w.modelId,
      epochId: 1n,
      omnibus: w.omnibus.address,
      subAccount: SUB_ACCOUNT,
    });
    const b = await claimToOmnibus(w.registry.connect(w.bob), fhe, {
      modelId: w.modelId,
      epochId: 1n,
      omnibus: w.omnibus.address,
      subAccount: bobSub,
    });
    expect(await fhevm.userDecryptEaddress(a.recipientHandle, w.payoutAddress, w.omnibus)).to.equal(SUB_ACCOUNT);
    expect(await fhevm.userDecryptEaddress(b.recipientHandle, w.payoutAddress, w.omnibus)).to.equal(bobSub);
    const bobShare = await decrypt(await w.pool.shareOf(1n, w.bob.address), w.poolAddress, w.bob);
    expect(await decrypt(b.amountHandle, w.registryAddress, w.bob)).to.equal(bobShare);
    expect(await registryBalance(w)).to.equal(0n);
  });

  it("applies the contributor's recorded disclosures to the share", async function () {
    const w = await payoutWorld();
    await w.registry.connect(w.alice).grantDisclosure(w.auditor.address, [{ modelId: w.modelId, epochId: 1n }]);
    const enc = await encryptedSubAccount(w, w.alice.address);
    await expect(
      w.registry.connect(w.alice).claimToOmnibus(w.modelId, 1n, w.omnibus.address, enc.handles[0], enc.inputProof),
    )
      .to.emit(w.registry, "DisclosureApplied")
      .withArgs(w.alice.address, w.auditor.address, w.modelId, 1n);
    const share = await w.pool.shareOf(1n, w.alice.address);
    expect(await decrypt(share, w.poolAddress, w.auditor)).to.equal(await decrypt(share, w.poolAddress, w.alice));
  });

  it("a payout token without omnibus transfers → ModelRegistryOmnibusUnsupported, nothing claimed", async function () {
    const w = await payoutWorld();
    const plain = await (await ethers.getContractFactory("PlainPayoutToken")).deploy(await w.token.getAddress());
    const name = nextModelName();
    await w.registry.createModel(name, await plain.getAddress(), defaultRules(), ethers.ZeroAddress);
    const pool = await ethers.getContractAt("RoyaltyPool", await w.registry.predictPool(w.deployer.address, name));
    const ref = { pool, poolAddress: await pool.getAddress() };
    await w.token.connect(w.funder).approve(ref.poolAddress, ethers.MaxUint256);
    await pool.connect(w.funder).fund(100n * 10n ** 6n * RATE);
    for (const who of [w.alice, w.bob, w.carol]) await submit(ref, who, [10n, 20n, 30n]);
    await closeAndReveal(ref);
    const modelId = await w.registry.modelIdOf(ref.poolAddress);

    const enc = await encryptedSubAccount(w, w.alice.address);
    await expect(
      w.registry.connect(w.alice).claimToOmnibus(modelId, 1n, w.omnibus.address, enc.handles[0], enc.inputProof),
    )
      .to.be.revertedWithCustomError(w.registry, "ModelRegistryOmnibusUnsupported")
      .withArgs(await plain.getAddress());
    expect(await pool.hasClaimed(1n, w.alice.address)).to.equal(false);
    expect(await w.registry.earningsOf(w.alice.address, await plain.getAddress())).to.equal(ethers.ZeroHash);
    expect(await plain.confidentialBalanceOf(w.registryAddress)).to.equal(ethers.ZeroHash);
  });

  it("the zero address or the registry itself as omnibus → ModelRegistryInvalidOmnibus, nothing claimed", async function () {
    const w = await payoutWorld();
    const enc = await encryptedSubAccount(w, w.alice.address);
    for (const omnibus of [ethers.ZeroAddress, w.registryAddress]) {
      await expect(w.registry.connect(w.alice).claimToOmnibus(w.modelId, 1n, omnibus, enc.handles[0], enc.inputProof))
        .to.be.revertedWithCustomError(w.registry, "ModelRegistryInvalidOmnibus")
        .withArgs(omnibus);
    }
    expect(await w.pool.hasClaimed(1n, w.alice.address)).to.equal(false);
    expect(await w.payout.confidentialBalanceOf(w.registryAddress)).to.equal(ethers.ZeroHash);
  });

  it("a sub-account encrypted for someone else cannot be used (input proofs bind the submitter)", async function () {
    const w = await payoutWorld();
    const enc = await encryptedSubAccount(w, w.bob.address);
    await expect(
      w.registry.connect(w.alice).claimToOmnibus(w.modelId, 1n, w.omnibus.address, enc.handles[0], enc.inputProof),
    ).to.be.revertedWithCustomError(...fhevm.revertedWithCustomErrorArgs("InputVerifier", "InvalidSigner"));
    expect(await w.pool.hasClaimed(1n, w.alice.address)).to.equal(false);
  });

  it("a non-contributor is refused by the pool and nothing moves", async function () {
    const w = await payoutWorld();
    const enc = await encryptedSubAccount(w, w.stranger.address);
    await expect(
      w.registry.connect(w.stranger).claimToOmnibus(w.modelId, 1n, w.omnibus.address, enc.handles[0], enc.inputProof),
    )
      .to.be.revertedWithCustomError(w.pool, "RoyaltyPoolNoContribution")
      .withArgs(1n, w.stranger.address);
    expect(await w.payout.confidentialBalanceOf(w.omnibus.address)).to.equal(ethers.ZeroHash);
  });
});
