/** What App gives every view that acts or decrypts with a wallet. */
import type { ReactNode } from "react";

import type { AppChain } from "../chain";
import type { Wallet } from "../wallet";

export interface WalletViewProps {
  chain: AppChain;
  /** The latest block number: a new one makes the view read the chain again. */
  block: number;
  wallet: Wallet | undefined;
  /** The shared wallet panel (one wallet for every view). */
  walletPanel: ReactNode;
}
