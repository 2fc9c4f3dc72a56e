/**
 * The contributor's wallet: an injected EIP-1193 wallet (MetaMask, Rabby, …) for real use, or — on a
 * local node only — a development wallet holding one of Hardhat's public test accounts.
 */
import { BrowserProvider, HDNodeWallet, Mnemonic, toBeHex } from "ethers";
import type { Eip1193Provider, JsonRpcProvider, Signer } from "ethers";

import { DEV_ACCOUNTS, HARDHAT_MNEMONIC, NETWORK } from "./config";
import { WrongNetworkError } from "./errors";

export interface Wallet {
  kind: "injected" | "development";
  address: string;
  signer: Signer;
  /** The injected provider (the relayer SDK can use it); undefined for the development wallet. */
  eip1193?: Eip1193Provider;
  label: string;
}

interface InjectedEthereum extends Eip1193Provider {
  on?(event: string, listener: (...args: unknown[]) => void): void;
  removeListener?(event: string, listener: (...args: unknown[]) => void): void;
}

declare global {
  interface Window {
    ethereum?: InjectedEthereum;
  }
}

export function injectedProvider(): InjectedEthereum | undefined {
  return typeof window === "undefined" ? undefined : window.ethereum;
}

/** Addresses of the development accounts 1..DEV_ACCOUNTS-1 (account 0 deployed the contracts). */
let devRoot: HDNodeWallet | undefined;
function devAccount(index: number): HDNodeWallet {
  devRoot ??= HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(HARDHAT_MNEMONIC), "m/44'/60'/0'/0");
  return devRoot.deriveChild(index);
}

export function devAccounts(): { index: number; address: string }[] {
  return Array.from({ length: DEV_ACCOUNTS }, (_, index) => ({ index, address: devAccount(index).address }));
}

export function connectDevWallet(index: number, provider: JsonRpcProvider): Wallet {
  if (!NETWORK.local) throw new Error("The development wallet exists on a local node only.");
  const signer = devAccount(index).connect(provider);
  return { kind: "development", address: signer.address, signer, label: `Development account #${index}` };
}

/** Asks the injected wallet for an account and checks its network. */
export async function connectInjectedWallet(): Promise<Wallet> {
  const ethereum = injectedProvider();
  if (ethereum === undefined) {
    throw new Error(
      NETWORK.local
        ? "No browser wallet found: install one (e.g. MetaMask) or use the development wallet below."
        : "No browser wallet found: install one (e.g. MetaMask) and reload.",
    );
  }
  const provider = new BrowserProvider(ethereum);
  await provider.send("eth_requestAccounts", []);
  const { chainId } = await provider.getNetwork();
  if (chainId !== NETWORK.chainId) throw new WrongNetworkError(chainId);
  const signer = await provider.getSigner();
  const address = await signer.getAddress();
  return { kind: "injected", address, signer, eip1193: ethereum, label: "Browser wallet" };
}

/** Asks the injected wallet to switch to the dashboard's network (adding a local node if needed). */
export async function switchInjectedNetwork(): Promise<void> {
  const ethereum = injectedProvider();
  if (ethereum === undefined) return;
  const chainId = toBeHex(NETWORK.chainId);
  try {
    await ethereum.request({ method: "wallet_switchEthereumChain", params: [{ chainId }] });
  } catch (error) {
    if ((error as { code?: number }).code !== 4902) throw error;
    await ethereum.request({
      method: "wallet_addEthereumChain",
      params: [
        {
          chainId,
          chainName: NETWORK.label,
          rpcUrls: [NETWORK.rpcUrl],
          nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
        },
      ],
    });
  }
}

/** Checks before each action that the injected wallet is still on the right chain. */
export async function assertWalletNetwork(wallet: Wallet): Promise<void> {
  if (wallet.eip1193 === undefined) return;
  // Asked each time: the wallet may have switched since it connected.
  const chainId = BigInt((await wallet.eip1193.request({ method: "eth_chainId" })) as string);
  if (chainId !== NETWORK.chainId) throw new WrongNetworkError(chainId);
}
