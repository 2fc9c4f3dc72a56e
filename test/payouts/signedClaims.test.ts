import { FhevmType } from "@fhevm/hardhat-plugin";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { expect } from "chai";
import { ethers, fhevm } from "hardhat";

import {
  CLAIM_AUTHORIZATION_TYPES,
  OMNIBUS_CLAIM_AUTHORIZATION_TYPES,
  InvalidSignedClaimError,
  PayoutRevertError,
  claimDomain,
  createHardhatFheBackend,
  parseSignedClaim,
  relayClaim,
  relayOmnibusClaim,
  serializeSignedClaim,
  signClaimAuthorization,
  signOmnibusClaimAuthorization,
} from "../../src";
import type { ClaimAuthorization, SignedClaim } from "../../src";
import type { PayoutWorld } from "../fixtures/payouts.fixture";
import { payoutWorld } from "../fixtures/payouts.fixture";
import { closeAndReveal, decrypt, encryptMetrics, submit } from "../helpers/fhe";

/** Decrypted confidential payout balance of `who`. */
async function balanceOf(w: PayoutWorld, who: (typeof w)["alice"]): Promise<bigint> {
  const handle = await w.payout.confidentialBalanceOf(who.address);
  return handle === ethers.ZeroHash ? 0n : decrypt(handle, w.payoutAddress, who);
}

/** Nothing was claimed for alice and her nonce is unused. */
async function expectUnclaimed(w: PayoutWorld) {
  expect(await w.pool.hasClaimed(1n, w.alice.address)).to.equal(false);
  expect(await w.registry.nonces(w.alice.address)).to.equal(0n);
  expect(await w.registry.earningsOf(w.alice.address, w.payoutAddress)).to.equal(ethers.ZeroHash);
}

describe("Claims signed by the contributor, submitted by a relayer", function () {
  it("a relayer submits it once: the signed recipient is paid, the relayer cannot decrypt, a replay is refused", async function () {
    const w = await payoutWorld();
    const cold = w.others[0];
    const signed = await signClaimAuthorization(w.registry, w.alice, {
      modelId: w.modelId,
      epochId: 1n,
      recipient: cold.address,
      relayer: w.relayer.address,
    });
    expect(signed.authorization.nonce).to.equal(0n);

    const tx = w.registry.connect(w.relayer).claimWithSignature(signed.authorization, signed.signature);
    await expect(tx)
      .to.emit(w.registry, "ClaimRelayed")
      .withArgs(w.alice.address, w.modelId, 1n, w.relayer.address, 0n);
    const receipt = (await (await tx).wait())!;
    const hcu = fhevm.computeTransactionHCU(receipt);
    console.log(`      claimWithSignature: gas ${receipt.gasUsed}, HCU ${hcu.globalHCU}, depth ${hcu.maxHCUDepth}`);

    const shareHandle = await w.pool.shareOf(1n, w.alice.address);
    const share = await decrypt(shareHandle, w.poolAddress, w.alice);
    expect(share).to.be.greaterThan(0n);
    expect(await balanceOf(w, cold)).to.equal(share);
    expect(await w.registry.nonces(w.alice.address)).to.equal(1n);
    const earnings = await w.registry.earningsOf(w.alice.address, w.payoutAddress);
    expect(await decrypt(earnings, w.registryAddress, w.alice)).to.equal(share);

    // The relayer paid the gas and learned nothing.
    await expect(decrypt(shareHandle, w.poolAddress, w.relayer)).to.be.rejected;
    await expect(decrypt(await w.payout.confidentialBalanceOf(cold.address), w.payoutAddress, w.relayer)).to.be
      .rejected;

    await expect(w.registry.connect(w.relayer).claimWithSignature(signed.authorization, signed.signature))
      .to.be.revertedWithCustomError(w.registry, "InvalidAccountNonce")
      .withArgs(w.alice.address, 1n);
    // The client says what went wrong and what to do.
    await expect(relayClaim(w.registry.connect(w.relayer), signed)).to.be.rejectedWith(
      PayoutRevertError,
      /InvalidAccountNonce.*sign again/,
    );
    expect(await w.registry.nonces(w.alice.address)).to.equal(1n);
    expect(await balanceOf(w, cold)).to.equal(share);
  });

  it("with no named relayer anyone submits it, from the JSON file sign-claim writes", async function () {
    const w = await payoutWorld();
    const signed = await signClaimAuthorization(w.registry, w.alice, { modelId: w.modelId, epochId: 1n });
    expect(signed.authorization.relayer).to.equal(ethers.ZeroAddress);
    const parsed = parseSignedClaim(serializeSignedClaim(signed)) as SignedClaim;
    expect(parsed).to.deep.equal(signed);
    const before = await balanceOf(w, w.alice);
    const { shareHandle } = await relayClaim(w.registry.connect(w.stranger), parsed);
    const share = await decrypt(shareHandle, w.poolAddress, w.alice);
    expect(await balanceOf(w, w.alice)).to.equal(before + share);
    await expect(decrypt(shareHandle, w.poolAddress, w.stranger)).to.be.rejected;
  });

  it("applies the contributor's recorded disclosures", async function () {
    const w = await payoutWorld();
    await w.registry.connect(w.alice).grantDisclosure(w.auditor.address, [{ modelId: w.modelId, epochId: 1n }]);
    const signed = await signClaimAuthorization(w.registry, w.alice, { modelId: w.modelId, epochId: 1n });
    await expect(w.registry.connect(w.relayer).claimWithSignature(signed.authorization, signed.signature))
      .to.emit(w.registry, "DisclosureApplied")
      .withArgs(w.alice.address, w.auditor.address, w.modelId, 1n);
    const share = await w.pool.shareOf(1n, w.alice.address);
    expect(await decrypt(share, w.poolAddress, w.auditor)).to.equal(await decrypt(share, w.poolAddress, w.alice));
  });

  describe("bad authorizations revert with their custom error and claim nothing", function () {
    it("signed by someone else → ModelRegistryInvalidSigner", async function () {
      const w = await payoutWorld();
      const forged = await signClaimAuthorization(w.registry, w.bob, {
        modelId: w.modelId,
        epochId: 1n,
        recipient: w.bob.address,
      });
      const authorization = { ...forged.authorization, contributor: w.alice.address };
      await expect(w.registry.connect(w.relayer).claimWithSignature(authorization, forged.signature))
        .to.be.revertedWithCustomError(w.registry, "ModelRegistryInvalidSigner")
        .withArgs(w.alice.address);
      await expectUnclaimed(w);
    });

    it("a field changed after signing (the recipient) → ModelRegistryInvalidSigner", async function () {
      const w = await payoutWorld();
      const signed = await signClaimAuthorization(w.registry, w.alice, { modelId: w.modelId, epochId: 1n });
      const authorization = { ...signed.authorization, recipient: w.relayer.address };
      await expect(w.registry.connect(w.relayer).claimWithSignature(authorization, signed.signature))
        .to.be.revertedWithCustomError(w.registry, "ModelRegistryInvalidSigner")
        .withArgs(w.alice.address);
      await expectUnclaimed(w);
    });

    it("submitted by another than the named relayer → ModelRegistryWrongRelayer", async function () {
      const w = await payoutWorld();
      const signed = await signClaimAuthorization(w.registry, w.alice, {
        modelId: w.modelId,
        epochId: 1n,
        relayer: w.relayer.address,
      });
      await expect(w.registry.connect(w.stranger).claimWithSignature(signed.authorization, signed.signature))
        .to.be.revertedWithCustomError(w.registry, "ModelRegistryWrongRelayer")
        .withArgs(w.relayer.address, w.stranger.address);
      await expect(relayClaim(w.registry.connect(w.stranger), signed)).to.be.rejectedWith(
        InvalidSignedClaimError,
        /Only .* may submit/,
      );
      await expectUnclaimed(w);
    });

    it("after its deadline → ModelRegistrySignatureExpired", async function () {
      const w = await payoutWorld();
      const deadline = BigInt(await time.latest()) + 60n;
      const signed = await signClaimAuthorization(w.registry, w.alice, { modelId: w.modelId, epochId: 1n, deadline });
      await time.increaseTo(deadline + 1n);
      await expect(w.registry.connect(w.relayer).claimWithSignature(signed.authorization, signed.signature))
        .to.be.revertedWithCustomError(w.registry, "ModelRegistrySignatureExpired")
        .withArgs(deadline, anyValue);
      await expect(relayClaim(w.registry.connect(w.relayer), signed)).to.be.rejectedWith(
        InvalidSignedClaimError,
        /expired/,
      );
      await expectUnclaimed(w);
    });

    it("a nonce out of order → InvalidAccountNonce", async function () {
      const w = await payoutWorld();
      const signed = await signClaimAuthorization(w.registry, w.alice, { modelId: w.modelId, epochId: 1n, nonce: 1n });
      await expect(w.registry.connect(w.relayer).claimWithSignature(signed.authorization, signed.signature))
        .to.be.revertedWithCustomError(w.registry, "InvalidAccountNonce")
        .withArgs(w.alice.address, 0n);
      await expectUnclaimed(w);
    });

    it("signed for another registry (EIP-712 domain) → ModelRegistryInvalidSigner", async function () {
      const w = await payoutWorld();
      const other = await payoutWorld(0);
      const signed = await signClaimAuthorization(other.registry, w.alice, { modelId: w.modelId, epochId: 1n });
      await expect(w.registry.connect(w.relayer).claimWithSignature(signed.authorization, signed.signature))
        .to.be.revertedWithCustomError(w.registry, "ModelRegistryInvalidSigner")
        .withArgs(w.alice.address);
      await expectUnclaimed(w);
    });
  });

  it("a smart-contract wallet contributor signs through ERC-1271", async function () {
    const w = await payoutWorld();
    const wallet = await (await ethers.getContractFactory("ContractWallet")).deploy(w.alice.address);
    const walletAddress = await wallet.getAddress();
    // Epoch 2: the wallet, bob and carol take part.
    const enc = await encryptMetrics(w.poolAddress, walletAddress, [700n, 70n, 7n]);
    const data = w.pool.interface.encodeFunctionData("submitContribution", [enc.handles, enc.inputProof]);
    await wallet.connect(w.alice).execute(w.poolAddress, data);
    await submit(w, w.bob, [1n, 2n, 3n]);
    await submit(w, w.carol, [4n, 5n, 6n]);
    await w.pool.connect(w.funder).fund(50n * 10n ** 18n);
    const { epochId } = await closeAndReveal(w);

    const authorization: ClaimAuthorization = {
      contributor: walletAddress,
      modelId: w.modelId,
      epochId,
      recipient: w.others[1].address,
      relayer: w.relayer.address,
      nonce: 0n,
      deadline: BigInt(await time.latest()) + 3600n,
    };
    const domain = await claimDomain(w.registry);
    const byStranger = await w.stranger.signTypedData(domain, CLAIM_AUTHORIZATION_TYPES, authorization);
    await expect(w.registry.connect(w.relayer).claimWithSignature(authorization, byStranger))
      .to.be.revertedWithCustomError(w.registry, "ModelRegistryInvalidSigner")
      .withArgs(walletAddress);
    const byOwner = await w.alice.signTypedData(domain, CLAIM_AUTHORIZATION_TYPES, authorization);
    await expect(w.registry.connect(w.relayer).claimWithSignature(authorization, byOwner))
      .to.emit(w.registry, "ClaimRelayed")
      .withArgs(walletAddress, w.modelId, epochId, w.relayer.address, 0n);
    expect(await w.pool.hasClaimed(epochId, walletAddress)).to.equal(true);
    expect(await balanceOf(w, w.others[1])).to.be.greaterThan(0n);
  });

  describe("signed omnibus claims", function () {
    const subAccount = ethers.Wallet.createRandom().address;

    it("the named relayer submits it: the omnibus decrypts the sub-account and the share, the relayer nothing", async function () {
      const w = await payoutWorld();
      const fhe = createHardhatFheBackend(fhevm);
      const signed = await signOmnibusClaimAuthorization(w.registry, w.alice, fhe, {
        modelId: w.modelId,
        epochId: 1n,
        omnibus: w.omnibus.address,
        subAccount,
        relayer: w.relayer.address,
      });
      const result = await relayOmnibusClaim(w.registry.connect(w.relayer), signed);
      const hcu = fhevm.computeTransactionHCU(result.receipt);
      console.log(
        `      claimToOmnibusWithSignature: gas ${result.receipt.gasUsed}, HCU ${hcu.globalHCU}, depth ${hcu.maxHCUDepth}`,
      );
      const shareHandle = await w.pool.shareOf(1n, w.alice.address);
      const share = await decrypt(shareHandle, w.poolAddress, w.alice);
      expect(await fhevm.userDecryptEaddress(result.recipientHandle, w.payoutAddress, w.omnibus)).to.equal(subAccount);
      expect(await decrypt(result.amountHandle, w.payoutAddress, w.omnibus)).to.equal(share);
      await expect(fhevm.userDecryptEaddress(result.recipientHandle, w.payoutAddress, w.relayer)).to.be.rejected;
      await expect(decrypt(result.amountHandle, w.payoutAddress, w.relayer)).to.be.rejected;
      await expect(decrypt(shareHandle, w.poolAddress, w.relayer)).to.be.rejected;
      const balance = await w.payout.confidentialBalanceOf(w.registryAddress);
      // The registry forwarded exactly what the pool paid it (read with the mock's debugger: it is a contract).
      expect(await fhevm.debugger.decryptEuint(FhevmType.euint64, balance)).to.equal(0n);
      expect(await w.registry.nonces(w.alice.address)).to.equal(1n);

      await expect(
        w.registry
          .connect(w.relayer)
          .claimToOmnibusWithSignature(signed.authorization, signed.inputProof, signed.signature),
      )
        .to.be.revertedWithCustomError(w.registry, "InvalidAccountNonce")
        .withArgs(w.alice.address, 1n);
    });

    it("an authorization without a relayer → ModelRegistryRelayerRequired", async function () {
      const w = await payoutWorld();
      const fhe = createHardhatFheBackend(fhevm);
      const signed = await signOmnibusClaimAuthorization(w.registry, w.alice, fhe, {
        modelId: w.modelId,
        epochId: 1n,
        omnibus: w.omnibus.address,
        subAccount,
        relayer: w.relayer.address,
      });
      const authorization = { ...signed.authorization, relayer: ethers.ZeroAddress };
      await expect(
        w.registry.connect(w.relayer).claimToOmnibusWithSignature(authorization, signed.inputProof, signed.signature),
      ).to.be.revertedWithCustomError(w.registry, "ModelRegistryRelayerRequired");
      await expectUnclaimed(w);
    });

    it("another omnibus than the signed one → ModelRegistryInvalidSigner", async function () {
      const w = await payoutWorld();
      const fhe = createHardhatFheBackend(fhevm);
      const signed = await signOmnibusClaimAuthorization(w.registry, w.alice, fhe, {
        modelId: w.modelId,
        epochId: 1n,
        omnibus: w.omnibus.address,
        subAccount,
        relayer: w.relayer.address,
      });
      const authorization = { ...signed.authorization, omnibus: w.relayer.address };
      await expect(
        w.registry.connect(w.relayer).claimToOmnibusWithSignature(authorization, signed.inputProof, signed.signature),
      )
        .to.be.revertedWithCustomError(w.registry, "ModelRegistryInvalidSigner")
        .withArgs(w.alice.address);
      await expectUnclaimed(w);
    });

    it("a sub-account encrypted for the contributor instead of the relayer is refused by the input verifier", async function () {
      const w = await payoutWorld();
      const enc = await fhevm.createEncryptedInput(w.registryAddress, w.alice.address).addAddress(subAccount).encrypt();
      const authorization = {
        contributor: w.alice.address,
        modelId: w.modelId,
        epochId: 1n,
        omnibus: w.omnibus.address,
        recipient: ethers.hexlify(enc.handles[0]),
        relayer: w.relayer.address,
        nonce: 0n,
        deadline: BigInt(await time.latest()) + 3600n,
      };
      const signature = await w.alice.signTypedData(
        await claimDomain(w.registry),
        OMNIBUS_CLAIM_AUTHORIZATION_TYPES,
        authorization,
      );
      await expect(
        w.registry.connect(w.relayer).claimToOmnibusWithSignature(authorization, enc.inputProof, signature),
      ).to.be.revertedWithCustomError(...fhevm.revertedWithCustomErrorArgs("InputVerifier", "InvalidSigner"));
      await expectUnclaimed(w);
    });
  });
});
