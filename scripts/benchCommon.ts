/**
 * What every benchmark, demo and privacy script shares: the row shape, how a receipt is measured, funded fresh
 * wallets, the payment token + registry they all deploy first, and an encrypted submission straight to a pool.
 */
import { Wallet } from "ethers";
import type { ContractTransactionReceipt, HDNodeWallet, Signer } from "ethers";
import hre, { ethers } from "hardhat";

import { confirmed } from "../src/client";
import { deployModelRegistry, deployPayoutToken } from "../src/deploy";
import type { ModelRegistry, RoyaltyPool, TestToken } from "../types";
import { TestToken__factory } from "../types";

/** One measured transaction. */
export interface Measurement {
  name: string;
  description: string;
  gas: number;
  hcu: number;
  hcuDepth: number;
}

export const EPOCH_LENGTH = 7n * 24n * 60n * 60n;
/** The reference 3-metric schema: weights 3, 2, 5 (multiplies, no shift). */
export const METRICS3 = [
  { name: "computeUnits", weight: 3n, cap: 1_000_000n },
  { name: "dataSamples", weight: 2n, cap: 500_000n },
  { name: "qualityScore", weight: 5n, cap: 100n },
];
/** 100 ETH of gas money for a fresh wallet. */
const GAS_MONEY = "0x56BC75E2D63100000";

/** Gas, HCU and HCU depth of a mined transaction. */
export function measure(name: string, description: string, receipt: ContractTransactionReceipt): Measurement {
  const info = hre.fhevm.computeTransactionHCU(receipt);
  return { name, description, gas: Number(receipt.gasUsed), hcu: info.globalHCU, hcuDepth: info.maxHCUDepth };
}

/** Waits for a transaction and returns its receipt (the library's own wait, which fails if it was dropped). */
export const confirm = confirmed;

/** Fresh wallets with gas money (the mock network has only 20 named accounts). */
export async function fundedWallets(count: number): Promise<HDNodeWallet[]> {
  const wallets: HDNodeWallet[] = [];
  for (let i = 0; i < count; i++) {
    const wallet = Wallet.createRandom().connect(ethers.provider);
    await ethers.provider.send("hardhat_setBalance", [wallet.address, GAS_MONEY]);
    wallets.push(wallet);
  }
  return wallets;
}

/** What {@link deployPaymentWorld} deploys. */
export interface PaymentWorld {
  /** The public ERC-20 (MUD) that funders pay in. */
  token: TestToken;
  /** The confidential wrapper (cMUD) the pools pay out in. */
  payout: string;
  registry: ModelRegistry;
}

/**
 * Deploys a payment token (MUD), its confidential wrapper and a model registry, in that order (the deployer's
 * nonces, hence every address, stay those the scripts always had); with `mint`, mints MUD to a funder between the
 * wrapper and the registry.
 * @example
 * const { token, payout, registry } = await deployPaymentWorld(deployer, { mint: { to: funder.address, amount: 10n ** 40n } });
 */
export async function deployPaymentWorld(
  deployer: Signer,
  { wrapperName = "cMUD", mint }: { wrapperName?: string; mint?: { to: string; amount: bigint } } = {},
): Promise<PaymentWorld> {
  const token = await new TestToken__factory(deployer).deploy("Model Usage Dollar", "MUD");
  await token.waitForDeployment();
  const payout = await deployPayoutToken(deployer, {
    underlying: await token.getAddress(),
    name: wrapperName,
    symbol: "cMUD",
  });
  if (mint !== undefined) await confirm(token.mint(mint.to, mint.amount));
  const registry = await deployModelRegistry(deployer);
  return { token, payout: await payout.getAddress(), registry };
}

/** Encrypts `values` as `who` and submits them straight to `pool` (no client library: the figures are the pool's). */
export async function submitEncrypted(
  pool: RoyaltyPool,
  who: Signer,
  values: readonly bigint[],
): Promise<ContractTransactionReceipt> {
  const input = hre.fhevm.createEncryptedInput(await pool.getAddress(), await who.getAddress());
  for (const value of values) input.add64(value);
  const enc = await input.encrypt();
  return confirm(pool.connect(who).submitContribution(enc.handles, enc.inputProof));
}
