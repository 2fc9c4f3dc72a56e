/**
 * Withdrawals the contributor signs (EIP-712, domain "AiRoyalties PayoutVault" v2) and a relayer submits: the
 * signed recipient is paid exactly what left the balance, the relayer learns nothing, and every bad authorization
 * is refused with its custom error, leaving the balance handle and the nonce as they were.
 */
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { expect } from "chai";
import { ethers, fhevm } from "hardhat";

import {
  InvalidSignedWithdrawalError,
  WITHDRAW_AUTHORIZATION_TYPES,
  WithdrawalBalanceError,
  parseSignedWithdrawal,
  relayWithdrawal,
  serializeSignedWithdrawal,
  signWithdrawAuthorization,
  withdrawalDomain,
} from "../../src";
import type { SignedWithdrawal, WithdrawAuthorization } from "../../src";
import { RATE } from "../fixtures/royaltyPool.fixture";
import { closeAndReveal, decrypt, encryptMetrics, publicValue, submit } from "../helpers/fhe";
import {
  claimShare,
  expectUnchanged,
  snapshot,
  tokenBalance,
  vaultBalance,
  vaultClient,
  vaultWorld,
} from "./vault.helpers";
import type { VaultWorld } from "./vault.helpers";

/** `amount` encrypted for (vault, `submitter`): the handle a contributor signs and the proof the relayer submits. */
async function encryptedAmount(w: VaultWorld, submitter: string, amount: bigint) {
  const enc = await encryptMetrics(w.vaultAddress, submitter, [amount]);
  return { handle: ethers.hexlify(enc.handles[0]), proof: ethers.hexlify(enc.inputProof) };
}

/** An authorization signed by `signer` with the vault's domain, fields as given (no library checks). */
async function signRaw(w: VaultWorld, signer: VaultWorld["alice"], fields: Partial<WithdrawAuthorization> = {}) {
  const authorization: WithdrawAuthorization = {
    contributor: w.alice.address,
    token: w.payoutAddress,
    recipient: w.alice.address,
    amount: ethers.ZeroHash, // the whole balance
    unwrap: false,
    relayer: ethers.ZeroAddress,
    nonce: 0n,
    deadline: BigInt(await time.latest()) + 3600n,
    ...fields,
  };
  const domain = await withdrawalDomain(await vaultClient(w, w.alice));
  const signature = await signer.signTypedData(domain, WITHDRAW_AUTHORIZATION_TYPES, authorization);
  return { authorization, signature };
}

describe("Withdrawals signed by the contributor, submitted by a relayer", function () {
  it("a relayer submits it once: the signed recipient gets exactly the balance, the relayer decrypts nothing, a replay is refused", async function () {
    const w = await vaultWorld();
    const share = await claimShare(w, w.alice);
    expect(share).to.be.greaterThan(0n);
    expect(await vaultBalance(w, w.alice)).to.equal(share);
    const cold = w.others[0];
    const signed = await signWithdrawAuthorization(await vaultClient(w, w.alice), {
      token: w.payoutAddress,
      recipient: cold.address,
      relayer: w.relayer.address,
    });
    expect(signed.vault).to.equal(w.vaultAddress);
    expect(signed.authorization).to.include({ amount: ethers.ZeroHash, nonce: 0n, unwrap: false });
    expect(signed.amountProof).to.equal("0x");

    const relayer = await vaultClient(w, w.relayer);
    const { sentHandle, receipt } = await relayWithdrawal(relayer, { signed, registry: w.registryAddress });
    const hcu = fhevm.computeTransactionHCU(receipt);
    console.log(`      withdrawWithSignature: gas ${receipt.gasUsed}, HCU ${hcu.globalHCU}, depth ${hcu.maxHCUDepth}`);
    expect(await decrypt(sentHandle, w.vaultAddress, w.alice)).to.equal(share);
    expect(await tokenBalance(w, cold)).to.equal(share);
    expect(await w.vault.balanceOf(w.alice.address, w.payoutAddress)).to.equal(ethers.ZeroHash);
    expect(await w.vault.nonces(w.alice.address)).to.equal(1n);
    // The relayer paid the gas and learned nothing.
    await expect(decrypt(sentHandle, w.vaultAddress, w.relayer)).to.be.rejected;
    await expect(decrypt(await w.payout.confidentialBalanceOf(cold.address), w.payoutAddress, w.relayer)).to.be
      .rejected;

    // Replayed: the vault refuses the used nonce; the library says so before sending.
    await expect(
      w.vault.connect(w.relayer).withdrawWithSignature(signed.authorization, signed.amountProof, signed.signature),
    )
      .to.be.revertedWithCustomError(w.vault, "InvalidAccountNonce")
      .withArgs(w.alice.address, 1n);
    await expect(relayWithdrawal(relayer, { signed, registry: w.registryAddress })).to.be.rejectedWith(
      InvalidSignedWithdrawalError,
      /Nonce 0 of .* is used already/,
    );
    expect(await w.vault.nonces(w.alice.address)).to.equal(1n);
    expect(await tokenBalance(w, cold)).to.equal(share);
  });

  it("a signed part of a two-epoch balance: the amount is encrypted for the named relayer, exactly the rest stays", async function () {
    const w = await vaultWorld(2);
    const total = (await claimShare(w, w.alice, 1n)) + (await claimShare(w, w.alice, 2n));
    expect(await vaultBalance(w, w.alice)).to.equal(total);
    const part = total / 3n;
    const alice = await vaultClient(w, w.alice);
    // An amount is an input bound to (vault, relayer): it needs a named relayer.
    await expect(signWithdrawAuthorization(alice, { token: w.payoutAddress, amount: part })).to.be.rejectedWith(
      InvalidSignedWithdrawalError,
      /partial withdrawal must name its relayer/,
    );
    const signed = await signWithdrawAuthorization(alice, {
      token: w.payoutAddress,
      amount: part,
      relayer: w.stranger.address,
    });
    expect(signed.authorization.relayer).to.equal(w.stranger.address);
    // The signed struct and the file carry a handle, never the amount.
    expect(signed.authorization.amount).to.match(/^0x[0-9a-f]{64}$/);
    expect(signed.authorization.amount).to.not.equal(ethers.ZeroHash);
    expect(serializeSignedWithdrawal(signed)).to.not.contain(`"${part}"`);
    // From the JSON file sign-withdrawal writes, by the named relayer.
    const parsed = parseSignedWithdrawal(serializeSignedWithdrawal(signed)) as SignedWithdrawal;
    expect(parsed).to.deep.equal(signed);
    const { sentHandle } = await relayWithdrawal(await vaultClient(w, w.stranger), {
      signed: parsed,
      registry: w.registryAddress,
    });
    expect(await decrypt(sentHandle, w.vaultAddress, w.alice)).to.equal(part);
    expect(await tokenBalance(w, w.alice)).to.equal(part);
    expect(await vaultBalance(w, w.alice)).to.equal(total - part);

    // Above the balance: the library refuses before signing, naming the balance.
    await expect(
      signWithdrawAuthorization(alice, { token: w.payoutAddress, amount: total - part + 1n, relayer: w.bob.address }),
    ).to.be.rejectedWith(WithdrawalBalanceError, new RegExp(`is ${total - part} units, less than`));
  });

  it("an unwrapped withdrawal pays the recipient the public ERC20 once the unwrap is finalized", async function () {
    const w = await vaultWorld();
    const share = await claimShare(w, w.alice);
    const cold = w.others[1];
    const signed = await signWithdrawAuthorization(await vaultClient(w, w.alice), {
      token: w.payoutAddress,
      recipient: cold.address,
      unwrap: true,
    });
    const { sentHandle } = await relayWithdrawal(await vaultClient(w, w.relayer), {
      signed,
      registry: w.registryAddress,
    });
    const { value, proof } = await publicValue(sentHandle);
    expect(value).to.equal(share);
    await (await w.payout.finalizeUnwrap(sentHandle, value, proof)).wait();
    expect(await w.token.balanceOf(cold.address)).to.equal(share * RATE);
    expect(await w.vault.balanceOf(w.alice.address, w.payoutAddress)).to.equal(ethers.ZeroHash);
  });

  describe("bad authorizations revert with their custom error; balance handle and nonce unchanged", function () {
    let w: VaultWorld;
    let before: Awaited<ReturnType<typeof snapshot>>;
    beforeEach(async function () {
      w = await vaultWorld();
      await claimShare(w, w.alice);
      before = await snapshot(w, w.alice);
    });
    afterEach(async function () {
      await expectUnchanged(w, w.alice, before);
    });

    it("the zero recipient → PayoutVaultInvalidRecipient", async function () {
      const { authorization, signature } = await signRaw(w, w.alice, { recipient: ethers.ZeroAddress });
      await expect(w.vault.connect(w.relayer).withdrawWithSignature(authorization, "0x", signature))
        .to.be.revertedWithCustomError(w.vault, "PayoutVaultInvalidRecipient")
        .withArgs(ethers.ZeroAddress);
      await expect(
        signWithdrawAuthorization(await vaultClient(w, w.alice), {
          token: w.payoutAddress,
          recipient: ethers.ZeroAddress,
        }),
      ).to.be.rejectedWith(WithdrawalBalanceError, /needs a recipient/);
    });

    it("after its deadline → PayoutVaultSignatureExpired", async function () {
      const deadline = BigInt(await time.latest()) + 60n;
      const signed = await signWithdrawAuthorization(await vaultClient(w, w.alice), {
        token: w.payoutAddress,
        deadline,
      });
      await time.increaseTo(deadline + 1n);
      await expect(
        w.vault.connect(w.relayer).withdrawWithSignature(signed.authorization, signed.amountProof, signed.signature),
      )
        .to.be.revertedWithCustomError(w.vault, "PayoutVaultSignatureExpired")
        .withArgs(deadline, anyValue);
      await expect(
        relayWithdrawal(await vaultClient(w, w.relayer), { signed, registry: w.registryAddress }),
      ).to.be.rejectedWith(InvalidSignedWithdrawalError, /expired at .*sign it again/);
    });

    it("submitted by another than the named relayer → PayoutVaultWrongRelayer", async function () {
      const signed = await signWithdrawAuthorization(await vaultClient(w, w.alice), {
        token: w.payoutAddress,
        relayer: w.relayer.address,
      });
      await expect(
        w.vault.connect(w.stranger).withdrawWithSignature(signed.authorization, signed.amountProof, signed.signature),
      )
        .to.be.revertedWithCustomError(w.vault, "PayoutVaultWrongRelayer")
        .withArgs(w.relayer.address, w.stranger.address);
      await expect(
        relayWithdrawal(await vaultClient(w, w.stranger), { signed, registry: w.registryAddress }),
      ).to.be.rejectedWith(InvalidSignedWithdrawalError, /Only .* may submit/);
    });

    it("signed by someone else → PayoutVaultInvalidSigner", async function () {
      const { authorization, signature } = await signRaw(w, w.bob, { recipient: w.bob.address });
      await expect(w.vault.connect(w.relayer).withdrawWithSignature(authorization, "0x", signature))
        .to.be.revertedWithCustomError(w.vault, "PayoutVaultInvalidSigner")
        .withArgs(w.alice.address);
      const signed: SignedWithdrawal = {
        vault: w.vaultAddress,
        chainId: 31337n,
        authorization,
        amountProof: "0x",
        signature,
      };
      await expect(
        relayWithdrawal(await vaultClient(w, w.relayer), { signed, registry: w.registryAddress }),
      ).to.be.rejectedWith(InvalidSignedWithdrawalError, /is not .*'s for exactly these fields/);
    });

    it("a field changed after signing (the recipient) → PayoutVaultInvalidSigner", async function () {
      const signed = await signWithdrawAuthorization(await vaultClient(w, w.alice), { token: w.payoutAddress });
      const authorization = { ...signed.authorization, recipient: w.relayer.address };
      await expect(w.vault.connect(w.relayer).withdrawWithSignature(authorization, "0x", signed.signature))
        .to.be.revertedWithCustomError(w.vault, "PayoutVaultInvalidSigner")
        .withArgs(w.alice.address);
    });

    it("a nonce out of order → InvalidAccountNonce", async function () {
      const { authorization, signature } = await signRaw(w, w.alice, { nonce: 1n });
      await expect(w.vault.connect(w.relayer).withdrawWithSignature(authorization, "0x", signature))
        .to.be.revertedWithCustomError(w.vault, "InvalidAccountNonce")
        .withArgs(w.alice.address, 0n);
      const signed: SignedWithdrawal = {
        vault: w.vaultAddress,
        chainId: 31337n,
        authorization,
        amountProof: "0x",
        signature,
      };
      await expect(
        relayWithdrawal(await vaultClient(w, w.relayer), { signed, registry: w.registryAddress }),
      ).to.be.rejectedWith(InvalidSignedWithdrawalError, /Nonce 1 is not next \(0 is\)/);
    });

    it("a token with no balance → PayoutVaultNoBalance", async function () {
      const token = await w.token.getAddress(); // alice holds nothing in it at the vault
      const { authorization, signature } = await signRaw(w, w.alice, { token });
      await expect(w.vault.connect(w.relayer).withdrawWithSignature(authorization, "0x", signature))
        .to.be.revertedWithCustomError(w.vault, "PayoutVaultNoBalance")
        .withArgs(w.alice.address, token);
      await expect(signWithdrawAuthorization(await vaultClient(w, w.alice), { token })).to.be.rejectedWith(
        WithdrawalBalanceError,
        /has no balance in payout token .*royalties claim/,
      );
      const signed: SignedWithdrawal = {
        vault: w.vaultAddress,
        chainId: 31337n,
        authorization,
        amountProof: "0x",
        signature,
      };
      await expect(
        relayWithdrawal(await vaultClient(w, w.relayer), { signed, registry: w.registryAddress }),
      ).to.be.rejectedWith(InvalidSignedWithdrawalError, /has no balance in/);
    });

    it("a signed amount with no named relayer → PayoutVaultRelayerRequired", async function () {
      const amount = await encryptedAmount(w, w.relayer.address, 1n);
      const { authorization, signature } = await signRaw(w, w.alice, { amount: amount.handle });
      await expect(
        w.vault.connect(w.relayer).withdrawWithSignature(authorization, amount.proof, signature),
      ).to.be.revertedWithCustomError(w.vault, "PayoutVaultRelayerRequired");
      const signed: SignedWithdrawal = {
        vault: w.vaultAddress,
        chainId: 31337n,
        authorization,
        amountProof: amount.proof,
        signature,
      };
      await expect(
        relayWithdrawal(await vaultClient(w, w.relayer), { signed, registry: w.registryAddress }),
      ).to.be.rejectedWith(InvalidSignedWithdrawalError, /must name its relayer/);
    });

    it("an amount encrypted for the contributor instead of the relayer → the input verifier refuses it", async function () {
      const amount = await encryptedAmount(w, w.alice.address, 1n);
      const { authorization, signature } = await signRaw(w, w.alice, {
        amount: amount.handle,
        relayer: w.relayer.address,
      });
      await expect(
        w.vault.connect(w.relayer).withdrawWithSignature(authorization, amount.proof, signature),
      ).to.be.revertedWithCustomError(...fhevm.revertedWithCustomErrorArgs("InputVerifier", "InvalidSigner"));
    });

    it("signed for another registry's vault (EIP-712 domain) → PayoutVaultInvalidSigner", async function () {
      const other = await vaultWorld(0);
      const domain = await withdrawalDomain(await vaultClient(other, w.alice));
      const { authorization } = await signRaw(w, w.alice);
      const signature = await w.alice.signTypedData(domain, WITHDRAW_AUTHORIZATION_TYPES, authorization);
      await expect(w.vault.connect(w.relayer).withdrawWithSignature(authorization, "0x", signature))
        .to.be.revertedWithCustomError(w.vault, "PayoutVaultInvalidSigner")
        .withArgs(w.alice.address);
    });
  });

  it("a partial amount above the balance sends nothing on-chain, and the event and return value say so", async function () {
    const w = await vaultWorld();
    const share = await claimShare(w, w.alice);
    const amount = await encryptedAmount(w, w.relayer.address, share + 1n);
    const { authorization, signature } = await signRaw(w, w.alice, {
      amount: amount.handle,
      recipient: w.bob.address,
      relayer: w.relayer.address,
    });
    const tx = w.vault.connect(w.relayer).withdrawWithSignature(authorization, amount.proof, signature);
    const receipt = (await (await tx).wait())!;
    const event = receipt.logs.map((l) => w.vault.interface.parseLog(l)).find((p) => p?.name === "Withdrawn");
    // The event names no amount asked for: only the encrypted `sent`.
    expect(event!.fragment.inputs.map((i) => i.name)).to.deep.equal([
      "contributor",
      "token",
      "recipient",
      "sent",
      "unwrapped",
    ]);
    expect(await decrypt(event!.args.sent as string, w.vaultAddress, w.alice)).to.equal(0n);
    expect(await vaultBalance(w, w.alice)).to.equal(share);
    expect(await tokenBalance(w, w.bob)).to.equal(0n);
  });

  it("a smart-contract wallet contributor signs through ERC-1271", async function () {
    const w = await vaultWorld(0);
    const wallet = await (await ethers.getContractFactory("ContractWallet")).deploy(w.alice.address);
    const walletAddress = await wallet.getAddress();
    const enc = await encryptMetrics(w.poolAddress, walletAddress, [700n, 70n, 7n]);
    await wallet
      .connect(w.alice)
      .execute(w.poolAddress, w.pool.interface.encodeFunctionData("submitContribution", [enc.handles, enc.inputProof]));
    await submit(w, w.bob, [1n, 2n, 3n]);
    await submit(w, w.carol, [4n, 5n, 6n]);
    await w.pool.connect(w.funder).fund(50n * 10n ** 6n * RATE);
    const { epochId } = await closeAndReveal(w);
    await wallet
      .connect(w.alice)
      .execute(w.vaultAddress, w.vault.interface.encodeFunctionData("claim", [w.modelId, epochId]));

    const base = await signRaw(w, w.alice, { contributor: walletAddress, recipient: w.others[1].address });
    const domain = await withdrawalDomain(await vaultClient(w, w.alice));
    const byStranger = await w.stranger.signTypedData(domain, WITHDRAW_AUTHORIZATION_TYPES, base.authorization);
    const relayer = await vaultClient(w, w.relayer);
    await expect(
      relayWithdrawal(relayer, {
        signed: {
          vault: w.vaultAddress,
          chainId: 31337n,
          authorization: base.authorization,
          amountProof: "0x",
          signature: byStranger,
        },
        registry: w.registryAddress,
      }),
    ).to.be.rejectedWith(InvalidSignedWithdrawalError, /signature is not/);
    // The owner's signature is the wallet's (ContractWallet checks its owner's ECDSA signature).
    const { sentHandle } = await relayWithdrawal(relayer, {
      signed: { vault: w.vaultAddress, chainId: 31337n, amountProof: "0x", ...base },
      registry: w.registryAddress,
    });
    expect(sentHandle).to.not.equal(ethers.ZeroHash);
    expect(await tokenBalance(w, w.others[1])).to.be.greaterThan(0n);
    expect(await w.vault.nonces(walletAddress)).to.equal(1n);
  });
});
