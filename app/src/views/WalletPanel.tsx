/** Connecting a wallet: a browser wallet (discovered with EIP-6963) or, on a local node, the development wallet. */
import { useEffect, useMemo, useState } from "react";

import { ErrorBanner } from "../components/Banners";
import { NETWORK } from "../config";
import { WrongNetworkError, describeError } from "../errors";
import type { ErrorReport } from "../errors";
import type { AppChain } from "../chain";
import { shortAddress } from "../format";
import { SafeName } from "../components/Untrusted";
import {
  connectDevWallet,
  connectInjectedWallet,
  devAccounts,
  discoverWallets,
  switchInjectedNetwork,
} from "../wallet";
import type { DiscoveredWallet, Wallet } from "../wallet";

export function WalletPanel({
  chain,
  wallet,
  onConnect,
  onDisconnect,
}: {
  chain: AppChain;
  wallet: Wallet | undefined;
  onConnect: (wallet: Wallet) => void;
  onDisconnect: () => void;
}) {
  const [error, setError] = useState<ErrorReport>();
  const [wrongNetwork, setWrongNetwork] = useState<DiscoveredWallet>();
  const [connecting, setConnecting] = useState(false);
  const [devIndex, setDevIndex] = useState(3);
  const [browserWallets, setBrowserWallets] = useState<DiscoveredWallet[]>([]);
  const accounts = useMemo(() => (NETWORK.local ? devAccounts() : []), []);
  useEffect(() => discoverWallets(setBrowserWallets), []);

  async function connectInjected(browserWallet: DiscoveredWallet) {
    setError(undefined);
    setWrongNetwork(undefined);
    setConnecting(true);
    try {
      onConnect(await connectInjectedWallet(browserWallet));
    } catch (caught) {
      setWrongNetwork(caught instanceof WrongNetworkError ? browserWallet : undefined);
      setError(describeError(caught));
    } finally {
      setConnecting(false);
    }
  }

  if (wallet) {
    return (
      <section className="card wallet connected" data-testid="wallet">
        <div>
          <span className={`badge ${wallet.kind === "development" ? "dev" : ""}`}>{wallet.label}</span>{" "}
          <code data-testid="wallet-address" title={wallet.address}>
            {wallet.address}
          </code>
          {wallet.kind === "development" && (
            <div className="muted small">
              A Hardhat test account whose key is public: for a local node only, never for real funds.
            </div>
          )}
        </div>
        <button className="secondary" onClick={onDisconnect}>
          Disconnect
        </button>
      </section>
    );
  }

  return (
    <section className="card wallet" data-testid="wallet">
      <h2>Connect a wallet</h2>
      <p className="muted">
        Your metrics are encrypted in this page and only your wallet can authorise decrypting your score, share and
        balance.
      </p>
      <div className="wallet-options">
        <div className="option">
          <h3>Browser wallet</h3>
          <p className="small">
            MetaMask or any browser wallet on {NETWORK.label} (chain {NETWORK.chainId.toString()}).
          </p>
          {browserWallets.length === 0 ? (
            <>
              <button disabled data-testid="connect-injected" aria-describedby="no-wallet-reason">
                Connect browser wallet
              </button>
              <p className="small gate-reason" id="no-wallet-reason" data-testid="no-wallet">
                No browser wallet was found in this browser: install one (e.g. MetaMask) and reload this page
                {NETWORK.local ? ", or use the development wallet" : ""}.
              </p>
            </>
          ) : (
            <div className="row">
              {browserWallets.map((browserWallet, i) => (
                <button
                  key={browserWallet.id}
                  disabled={connecting}
                  onClick={() => void connectInjected(browserWallet)}
                  data-testid={i === 0 ? "connect-injected" : `connect-injected-${i}`}
                >
                  {browserWallet.icon && <img src={browserWallet.icon} alt="" width={16} height={16} />}{" "}
                  {connecting ? "Waiting for the wallet…" : "Connect "}
                  {!connecting && <SafeName value={browserWallet.name} max={40} />}
                </button>
              ))}
            </div>
          )}
        </div>
        {NETWORK.local && (
          <div className="option dev" data-testid="dev-wallet">
            <h3>
              Development wallet <span className="badge dev">local node only</span>
            </h3>
            <p className="small">
              Signs in this page with one of the Hardhat node's accounts (mnemonic "test test … junk"). These keys are
              public: never use them outside a local node.
            </p>
            <div className="row">
              <select
                aria-label="Development account"
                value={devIndex}
                onChange={(event) => setDevIndex(Number(event.target.value))}
                data-testid="dev-account"
              >
                {accounts.map((account) => (
                  <option key={account.index} value={account.index}>
                    #{account.index} {shortAddress(account.address)}
                    {account.index === 0 ? " (deployer)" : ""}
                  </option>
                ))}
              </select>
              <button onClick={() => onConnect(connectDevWallet(devIndex, chain.provider))} data-testid="connect-dev">
                Use development account
              </button>
            </div>
          </div>
        )}
      </div>
      {error && <ErrorBanner error={error} onDismiss={() => setError(undefined)} />}
      {wrongNetwork && (
        <button
          onClick={() =>
            void switchInjectedNetwork(wrongNetwork.provider)
              .then(() => connectInjected(wrongNetwork))
              .catch((caught: unknown) => setError(describeError(caught)))
          }
        >
          Switch wallet to {NETWORK.label}
        </button>
      )}
    </section>
  );
}
