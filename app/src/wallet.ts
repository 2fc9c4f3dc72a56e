/**
 * The contributor's wallet: a browser wallet (MetaMask, Rabby, …, discovered with EIP-6963) for real
 * use, or — on a local node only — a development wallet holding one of Hardhat's public test accounts.
 * Either signer is bound to the dashboard's chain (see {@link ChainBoundSigner}).
 */
import { BrowserProvider, HDNodeWallet, Mnemonic, toBeHex } from "ethers";
import type { Eip1193Provider, JsonRpcProvider, Signer } from "ethers";

import { DEV_ACCOUNTS, HARDHAT_MNEMONIC, NETWORK } from "./config";
import { ChainBoundSigner } from "./chainBound";
import { WrongNetworkError } from "./errors";
import { displayText } from "./untrusted";

export interface Wallet {
  kind: "injected" | "development";
  address: string;
  signer: Signer;
  /** The injected provider (the relayer SDK can use it); undefined for the development wallet. */
  eip1193?: InjectedEthereum;
  label: string;
}

export interface InjectedEthereum extends Eip1193Provider {
  on?(event: string, listener: (...args: unknown[]) => void): void;
  removeListener?(event: string, listener: (...args: unknown[]) => void): void;
}

declare global {
  interface Window {
    ethereum?: InjectedEthereum;
  }
}

/** A browser wallet found in the page: announced with EIP-6963, or the legacy `window.ethereum`. */
export interface DiscoveredWallet {
  /** EIP-6963 uuid, or "window.ethereum". */
  id: string;
  /** The name the wallet gives itself (untrusted: shown through SafeName). */
  name: string;
  /** A data:image/… icon, when the wallet announced a usable one. */
  icon?: string;
  provider: InjectedEthereum;
}

interface Eip6963Detail {
  info?: { uuid?: unknown; name?: unknown; icon?: unknown; rdns?: unknown };
  provider?: InjectedEthereum;
}

/**
 * Discovers browser wallets (EIP-6963: each extension announces itself, so several can live side by
 * side), falling back to `window.ethereum` when none announces itself. Calls `onChange` with the list
 * each time it grows; returns the function that stops listening.
 */
export function discoverWallets(onChange: (wallets: DiscoveredWallet[]) => void): () => void {
  const announced = new Map<string, DiscoveredWallet>();
  const publish = () => {
    const wallets = [...announced.values()];
    const legacy = window.ethereum;
    if (legacy !== undefined && !wallets.some((w) => w.provider === legacy)) {
      wallets.push({ id: "window.ethereum", name: "Browser wallet (window.ethereum)", provider: legacy });
    }
    onChange(wallets);
  };
  const onAnnounce = (event: Event) => {
    const detail = (event as CustomEvent<Eip6963Detail>).detail;
    const provider = detail?.provider;
    if (provider === undefined || typeof provider.request !== "function") return;
    const id = typeof detail.info?.uuid === "string" ? detail.info.uuid : `wallet-${announced.size}`;
    const name = typeof detail.info?.name === "string" ? detail.info.name : "Unnamed wallet";
    const icon =
      typeof detail.info?.icon === "string" && /^data:image\/(png|svg\+xml|webp|gif|jpeg);/.test(detail.info.icon)
        ? detail.info.icon
        : undefined;
    announced.set(id, { id, name, icon, provider });
    publish();
  };
  window.addEventListener("eip6963:announceProvider", onAnnounce);
  window.dispatchEvent(new Event("eip6963:requestProvider"));
  publish();
  return () => window.removeEventListener("eip6963:announceProvider", onAnnounce);
}

/** Binds a signer to the dashboard's chain, checked with `chainIdOf` right before each transaction. */
function bind(signer: Signer, chainIdOf: () => Promise<bigint>): Signer {
  return new ChainBoundSigner(signer, NETWORK.chainId, chainIdOf, (chainId) => new WrongNetworkError(chainId));
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
  return {
    kind: "development",
    address: signer.address,
    signer: bind(signer, async () => BigInt((await provider.send("eth_chainId", [])) as string)),
    label: `Development account #${index}`,
  };
}

/** Asks a browser wallet for an account and checks its network. */
export async function connectInjectedWallet(wallet: DiscoveredWallet): Promise<Wallet> {
  const ethereum = wallet.provider;
  const provider = new BrowserProvider(ethereum);
  await provider.send("eth_requestAccounts", []);
  const { chainId } = await provider.getNetwork();
  if (chainId !== NETWORK.chainId) throw new WrongNetworkError(chainId);
  const signer = await provider.getSigner();
  const address = await signer.getAddress();
  return {
    kind: "injected",
    address,
    signer: bind(signer, async () => BigInt((await ethereum.request({ method: "eth_chainId" })) as string)),
    eip1193: ethereum,
    label: displayText(wallet.name, 40).text,
  };
}

/** Asks a browser wallet to switch to the dashboard's network (adding a local node if needed). */
export async function switchInjectedNetwork(ethereum: Eip1193Provider): Promise<void> {
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
