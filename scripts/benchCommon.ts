/** What every benchmark script shares: the row shape, how a receipt is measured, funded fresh wallets. */
import { Wallet } from "ethers";
import type { ContractTransactionReceipt, HDNodeWallet } from "ethers";
import hre, { ethers } from "hardhat";

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

/** Waits for a transaction and returns its receipt. */
export async function confirm(
  tx: Promise<{ wait(): Promise<ContractTransactionReceipt | null> }>,
): Promise<ContractTransactionReceipt> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("transaction dropped");
  return receipt;
}

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
