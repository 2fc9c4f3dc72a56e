import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { ethers, fhevm } from "hardhat";

import { createHardhatFheBackend, createRoyaltiesClient } from "../../src/node";
import { connectVault } from "../../src/actions/vault";
import type { VaultClient } from "../../src/actions/vault";
import type { PayoutVault } from "../../types";
import type { PayoutWorld } from "../fixtures/payouts.fixture";
import { payoutWorld } from "../fixtures/payouts.fixture";
import { decrypt } from "../helpers/fhe";

/** A payout world with its registry's vault. */
export interface VaultWorld extends PayoutWorld {
  vault: PayoutVault;
  vaultAddress: string;
}

/** `payoutWorld(epochs)` plus the registry's payout vault. */
export async function vaultWorld(epochs = 1): Promise<VaultWorld> {
  const w = await payoutWorld(epochs);
  const vaultAddress = await w.registry.payoutVault();
  return { ...w, vault: await ethers.getContractAt("PayoutVault", vaultAddress), vaultAddress };
}

/** The vault as `who`, with the Hardhat FHE backend. */
export async function vaultClient(w: VaultWorld, who: HardhatEthersSigner): Promise<VaultClient> {
  const fhe = createHardhatFheBackend(fhevm);
  return connectVault(await createRoyaltiesClient({ signer: who, fhe, registry: w.registryAddress }), {
    address: w.vaultAddress,
  });
}

/** Claims `epochId` of the world's model as `who` into the vault; returns the decrypted share. */
export async function claimShare(w: VaultWorld, who: HardhatEthersSigner, epochId = 1n): Promise<bigint> {
  await (await w.vault.connect(who).claim(w.modelId, epochId)).wait();
  return decrypt(await w.pool.shareOf(epochId, who.address), w.poolAddress, who);
}

/** Decrypted vault balance of `who` in the world's payout token (0 when there is none). */
export async function vaultBalance(w: VaultWorld, who: HardhatEthersSigner, token = w.payoutAddress): Promise<bigint> {
  const handle = await w.vault.balanceOf(who.address, token);
  return handle === ethers.ZeroHash ? 0n : decrypt(handle, w.vaultAddress, who);
}

/** Decrypted confidential token balance of `who` (0 when there is none). */
export async function tokenBalance(w: VaultWorld, who: HardhatEthersSigner): Promise<bigint> {
  const handle = await w.payout.confidentialBalanceOf(who.address);
  return handle === ethers.ZeroHash ? 0n : decrypt(handle, w.payoutAddress, who);
}

/** What a refused withdrawal must leave untouched: the balance handle and the nonce of `who`. */
export async function snapshot(w: VaultWorld, who: HardhatEthersSigner, token = w.payoutAddress) {
  return { handle: await w.vault.balanceOf(who.address, token), nonce: await w.vault.nonces(who.address) };
}

/** Asserts that the balance handle and the nonce are those of `before`. */
export async function expectUnchanged(
  w: VaultWorld,
  who: HardhatEthersSigner,
  before: Awaited<ReturnType<typeof snapshot>>,
  token = w.payoutAddress,
): Promise<void> {
  expect(await snapshot(w, who, token)).to.deep.equal(before);
}

/** Index of a signer among the network's accounts (the tasks' --account). */
export async function accountIndex(address: string): Promise<number> {
  return (await ethers.getSigners()).findIndex((s) => s.address === address);
}
