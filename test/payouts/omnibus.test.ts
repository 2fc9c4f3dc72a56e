/**
 * Withdrawals to an omnibus sub-account: the omnibus decrypts the sub-account and the amount, observers see only
 * vault → omnibus. Direct (withdrawToOmnibus) and signed for a named relayer; bad inputs revert with their custom
 * error and leave the balance handle and the nonce unchanged.
 */
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import type { ContractTransactionReceipt } from "ethers";
import { ethers, fhevm } from "hardhat";

import {
  OMNIBUS_WITHDRAW_AUTHORIZATION_TYPES,
  relayOmnibusWithdrawal,
  signOmnibusWithdrawAuthorization,
  withdrawToOmnibus,
  withdrawalDomain,
} from "../../src";
import { RATE, defaultRules, nextModelName } from "../fixtures/royaltyPool.fixture";
import { closeAndReveal, decrypt, submit } from "../helpers/fhe";
import { claimShare, expectUnchanged, snapshot, vaultBalance, vaultClient, vaultWorld } from "./vault.helpers";
import type { VaultWorld } from "./vault.helpers";

const HCU_LIMIT = 20_000_000;
const HCU_DEPTH_LIMIT = 5_000_000;

/** The sub-account alice chose at the omnibus: a fresh address nobody else knows. */
const SUB_ACCOUNT = ethers.Wallet.createRandom().address;

async function encryptedSubAccount(w: VaultWorld, user: string, subAccount = SUB_ACCOUNT) {
  return fhevm.createEncryptedInput(w.vaultAddress, user).addAddress(subAccount).encrypt();
}

/** The token's OmnibusConfidentialTransfer event of a receipt. */
function omnibusTransfer(w: VaultWorld, receipt: ContractTransactionReceipt) {
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== w.payoutAddress.toLowerCase()) continue;
    const parsed = w.payout.interface.parseLog(log);
    if (parsed?.name === "OmnibusConfidentialTransfer") return parsed;
  }
  throw new Error("no OmnibusConfidentialTransfer event");
}

describe("Withdrawals to an omnibus sub-account", function () {
  it("the omnibus decrypts the chosen sub-account and exactly the balance; the sender it sees is the vault", async function () {
    const w = await vaultWorld();
    const share = await claimShare(w, w.alice);
    const result = await withdrawToOmnibus(await vaultClient(w, w.alice), {
      token: w.payoutAddress,
      omnibus: w.omnibus.address,
      subAccount: SUB_ACCOUNT,
    });
    const event = omnibusTransfer(w, result.receipt);
    expect(event.args.omnibusFrom).to.equal(w.vaultAddress);
    expect(event.args.omnibusTo).to.equal(w.omnibus.address);
    expect(await fhevm.userDecryptEaddress(event.args.recipient, w.payoutAddress, w.omnibus)).to.equal(SUB_ACCOUNT);
    expect(await fhevm.userDecryptEaddress(event.args.sender, w.payoutAddress, w.omnibus)).to.equal(w.vaultAddress);
    expect(await decrypt(event.args.amount, w.payoutAddress, w.omnibus)).to.equal(share);
    expect(await decrypt(result.sentHandle, w.vaultAddress, w.alice)).to.equal(share);
    expect(await decrypt(await w.payout.confidentialBalanceOf(w.omnibus.address), w.payoutAddress, w.omnibus)).to.equal(
      share,
    );
    expect(await w.vault.balanceOf(w.alice.address, w.payoutAddress)).to.equal(ethers.ZeroHash);
    // Nobody else learns the sub-account or the amount.
    await expect(fhevm.userDecryptEaddress(event.args.recipient, w.payoutAddress, w.stranger)).to.be.rejected;
    await expect(decrypt(event.args.amount, w.payoutAddress, w.stranger)).to.be.rejected;

    const hcu = fhevm.computeTransactionHCU(result.receipt);
    console.log(
      `      withdrawToOmnibus: gas ${result.receipt.gasUsed}, HCU ${hcu.globalHCU}, depth ${hcu.maxHCUDepth}`,
    );
    expect(hcu.globalHCU).to.be.lte(HCU_LIMIT);
    expect(hcu.maxHCUDepth).to.be.lte(HCU_DEPTH_LIMIT);
  });

  it("a partial omnibus withdrawal leaves exactly the rest; two contributors share the omnibus", async function () {
    const w = await vaultWorld();
    const share = await claimShare(w, w.alice);
    const bobShare = await claimShare(w, w.bob);
    const part = share / 2n;
    const bobSub = ethers.Wallet.createRandom().address;
    const a = await withdrawToOmnibus(await vaultClient(w, w.alice), {
      token: w.payoutAddress,
      omnibus: w.omnibus.address,
      subAccount: SUB_ACCOUNT,
      amount: part,
    });
    const b = await withdrawToOmnibus(await vaultClient(w, w.bob), {
      token: w.payoutAddress,
      omnibus: w.omnibus.address,
      subAccount: bobSub,
    });
    expect(await decrypt(a.sentHandle, w.vaultAddress, w.alice)).to.equal(part);
    expect(await vaultBalance(w, w.alice)).to.equal(share - part);
    expect(await fhevm.userDecryptEaddress(a.recipientHandle, w.payoutAddress, w.omnibus)).to.equal(SUB_ACCOUNT);
    expect(await fhevm.userDecryptEaddress(b.recipientHandle, w.payoutAddress, w.omnibus)).to.equal(bobSub);
    expect(await decrypt(b.sentHandle, w.vaultAddress, w.bob)).to.equal(bobShare);
    expect(await decrypt(await w.payout.confidentialBalanceOf(w.omnibus.address), w.payoutAddress, w.omnibus)).to.equal(
      part + bobShare,
    );
  });

  describe("signed omnibus withdrawals", function () {
    it("the named relayer submits it: the omnibus decrypts sub-account and amount, the relayer nothing; a replay is refused", async function () {
      const w = await vaultWorld();
      const share = await claimShare(w, w.alice);
      const signed = await signOmnibusWithdrawAuthorization(await vaultClient(w, w.alice), {
        token: w.payoutAddress,
        omnibus: w.omnibus.address,
        subAccount: SUB_ACCOUNT,
        relayer: w.relayer.address,
      });
      const result = await relayOmnibusWithdrawal(await vaultClient(w, w.relayer), {
        signed,
        registry: w.registryAddress,
      });
      expect(await fhevm.userDecryptEaddress(result.recipientHandle, w.payoutAddress, w.omnibus)).to.equal(SUB_ACCOUNT);
      const event = omnibusTransfer(w, result.receipt);
      expect(await decrypt(event.args.amount, w.payoutAddress, w.omnibus)).to.equal(share);
      expect(await decrypt(result.sentHandle, w.vaultAddress, w.alice)).to.equal(share);
      await expect(fhevm.userDecryptEaddress(result.recipientHandle, w.payoutAddress, w.relayer)).to.be.rejected;
      await expect(decrypt(result.sentHandle, w.vaultAddress, w.relayer)).to.be.rejected;
      expect(await w.vault.nonces(w.alice.address)).to.equal(1n);

      await expect(
        w.vault
          .connect(w.relayer)
          .withdrawToOmnibusWithSignature(
            signed.authorization,
            signed.inputProof,
            signed.amountProof,
            signed.signature,
          ),
      )
        .to.be.revertedWithCustomError(w.vault, "InvalidAccountNonce")
        .withArgs(w.alice.address, 1n);
    });

    it("a signed part: the amount is encrypted for the relayer, signed as a handle; exactly it leaves, the rest stays", async function () {
      const w = await vaultWorld();
      const share = await claimShare(w, w.alice);
      const part = share / 3n;
      const signed = await signOmnibusWithdrawAuthorization(await vaultClient(w, w.alice), {
        token: w.payoutAddress,
        omnibus: w.omnibus.address,
        subAccount: SUB_ACCOUNT,
        amount: part,
        relayer: w.relayer.address,
      });
      expect(signed.authorization.amount).to.match(/^0x[0-9a-f]{64}$/);
      expect(signed.authorization.amount).to.not.equal(ethers.ZeroHash);
      const result = await relayOmnibusWithdrawal(await vaultClient(w, w.relayer), {
        signed,
        registry: w.registryAddress,
      });
      expect(await decrypt(omnibusTransfer(w, result.receipt).args.amount, w.payoutAddress, w.omnibus)).to.equal(part);
      expect(await decrypt(result.sentHandle, w.vaultAddress, w.alice)).to.equal(part);
      expect(await vaultBalance(w, w.alice)).to.equal(share - part);
    });

    it("without a relayer → PayoutVaultRelayerRequired; another omnibus than signed → PayoutVaultInvalidSigner", async function () {
      const w = await vaultWorld();
      await claimShare(w, w.alice);
      const before = await snapshot(w, w.alice);
      const signed = await signOmnibusWithdrawAuthorization(await vaultClient(w, w.alice), {
        token: w.payoutAddress,
        omnibus: w.omnibus.address,
        subAccount: SUB_ACCOUNT,
        relayer: w.relayer.address,
      });
      const noRelayer = { ...signed.authorization, relayer: ethers.ZeroAddress };
      await expect(
        w.vault.connect(w.relayer).withdrawToOmnibusWithSignature(noRelayer, signed.inputProof, "0x", signed.signature),
      ).to.be.revertedWithCustomError(w.vault, "PayoutVaultRelayerRequired");
      const moved = { ...signed.authorization, omnibus: w.relayer.address };
      await expect(
        w.vault.connect(w.relayer).withdrawToOmnibusWithSignature(moved, signed.inputProof, "0x", signed.signature),
      )
        .to.be.revertedWithCustomError(w.vault, "PayoutVaultInvalidSigner")
        .withArgs(w.alice.address);
      await expect(
        signOmnibusWithdrawAuthorization(await vaultClient(w, w.alice), {
          token: w.payoutAddress,
          omnibus: w.omnibus.address,
          subAccount: SUB_ACCOUNT,
          relayer: ethers.ZeroAddress,
        }),
      ).to.be.rejectedWith(/must name its relayer/);
      await expectUnchanged(w, w.alice, before);
    });

    it("a sub-account encrypted for the contributor instead of the relayer is refused by the input verifier", async function () {
      const w = await vaultWorld();
      await claimShare(w, w.alice);
      const before = await snapshot(w, w.alice);
      const enc = await encryptedSubAccount(w, w.alice.address);
      const authorization = {
        contributor: w.alice.address,
        token: w.payoutAddress,
        omnibus: w.omnibus.address,
        recipient: ethers.hexlify(enc.handles[0]),
        amount: ethers.ZeroHash, // the whole balance
        relayer: w.relayer.address,
        nonce: 0n,
        deadline: BigInt(await time.latest()) + 3600n,
      };
      const signature = await w.alice.signTypedData(
        await withdrawalDomain(await vaultClient(w, w.alice)),
        OMNIBUS_WITHDRAW_AUTHORIZATION_TYPES,
        authorization,
      );
      await expect(
        w.vault.connect(w.relayer).withdrawToOmnibusWithSignature(authorization, enc.inputProof, "0x", signature),
      ).to.be.revertedWithCustomError(...fhevm.revertedWithCustomErrorArgs("InputVerifier", "InvalidSigner"));
      await expectUnchanged(w, w.alice, before);
    });
  });

  describe("bad inputs revert with their custom error; balance handle and nonce unchanged", function () {
    it("a payout token without omnibus transfers → PayoutVaultOmnibusUnsupported", async function () {
      const w = await vaultWorld(0);
      const plain = await (await ethers.getContractFactory("PlainPayoutToken")).deploy(await w.token.getAddress());
      const plainAddress = await plain.getAddress();
      const name = nextModelName();
      await w.registry.createModel(name, plainAddress, defaultRules(), ethers.ZeroAddress);
      const pool = await ethers.getContractAt("RoyaltyPool", await w.registry.predictPool(w.deployer.address, name));
      const ref = { pool, poolAddress: await pool.getAddress() };
      await w.token.connect(w.funder).approve(ref.poolAddress, ethers.MaxUint256);
      await pool.connect(w.funder).fund(100n * 10n ** 6n * RATE);
      for (const who of [w.alice, w.bob, w.carol]) await submit(ref, who, [10n, 20n, 30n]);
      await closeAndReveal(ref);
      await (await w.vault.connect(w.alice).claim(await w.registry.modelIdOf(ref.poolAddress), 1n)).wait();
      const before = await snapshot(w, w.alice, plainAddress);
      expect(before.handle).to.not.equal(ethers.ZeroHash);

      const enc = await encryptedSubAccount(w, w.alice.address);
      await expect(
        w.vault.connect(w.alice).withdrawToOmnibus(plainAddress, w.omnibus.address, enc.handles[0], enc.inputProof),
      )
        .to.be.revertedWithCustomError(w.vault, "PayoutVaultOmnibusUnsupported")
        .withArgs(plainAddress);
      await expect(
        withdrawToOmnibus(await vaultClient(w, w.alice), {
          token: plainAddress,
          omnibus: w.omnibus.address,
          subAccount: SUB_ACCOUNT,
        }),
      ).to.be.rejectedWith(/PayoutVaultOmnibusUnsupported.*withdraw to an address instead/);
      await expectUnchanged(w, w.alice, before, plainAddress);
    });

    it("the zero address or the vault itself as omnibus → PayoutVaultInvalidOmnibus", async function () {
      const w = await vaultWorld();
      await claimShare(w, w.alice);
      const before = await snapshot(w, w.alice);
      const enc = await encryptedSubAccount(w, w.alice.address);
      for (const omnibus of [ethers.ZeroAddress, w.vaultAddress]) {
        await expect(
          w.vault.connect(w.alice).withdrawToOmnibus(w.payoutAddress, omnibus, enc.handles[0], enc.inputProof),
        )
          .to.be.revertedWithCustomError(w.vault, "PayoutVaultInvalidOmnibus")
          .withArgs(omnibus);
      }
      await expect(
        withdrawToOmnibus(await vaultClient(w, w.alice), {
          token: w.payoutAddress,
          omnibus: w.vaultAddress,
          subAccount: SUB_ACCOUNT,
        }),
      ).to.be.rejectedWith(/PayoutVaultInvalidOmnibus.*not zero, not the vault/);
      await expectUnchanged(w, w.alice, before);
    });

    it("no balance in the token → PayoutVaultNoBalance", async function () {
      const w = await vaultWorld();
      const before = await snapshot(w, w.alice);
      const enc = await encryptedSubAccount(w, w.alice.address);
      await expect(
        w.vault.connect(w.alice).withdrawToOmnibus(w.payoutAddress, w.omnibus.address, enc.handles[0], enc.inputProof),
      )
        .to.be.revertedWithCustomError(w.vault, "PayoutVaultNoBalance")
        .withArgs(w.alice.address, w.payoutAddress);
      await expect(
        withdrawToOmnibus(await vaultClient(w, w.alice), {
          token: w.payoutAddress,
          omnibus: w.omnibus.address,
          subAccount: SUB_ACCOUNT,
        }),
      ).to.be.rejectedWith(/no balance in payout token .*royalties claim/);
      await expectUnchanged(w, w.alice, before);
    });

    it("a sub-account encrypted for someone else cannot be used (input proofs bind the submitter)", async function () {
      const w = await vaultWorld();
      await claimShare(w, w.alice);
      const before = await snapshot(w, w.alice);
      const enc = await encryptedSubAccount(w, w.bob.address);
      await expect(
        w.vault.connect(w.alice).withdrawToOmnibus(w.payoutAddress, w.omnibus.address, enc.handles[0], enc.inputProof),
      ).to.be.revertedWithCustomError(...fhevm.revertedWithCustomErrorArgs("InputVerifier", "InvalidSigner"));
      await expectUnchanged(w, w.alice, before);
    });
  });
});
