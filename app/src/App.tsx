/**
 * The dashboard: connects to the network, then shows the public view (no wallet), the contributor
 * view (`#/contributor`) or the auditor view (`#/auditor`), following the chain block by block.
 */
import { useCallback, useEffect, useState } from "react";

import { SetupError, connectChain } from "./chain";
import type { AppChain } from "./chain";
import { NETWORK } from "./config";
import { describeError } from "./errors";
import { shortAddress } from "./format";
import { AuditorView } from "./views/AuditorView";
import { ContributorView } from "./views/ContributorView";
import { GovernanceView } from "./views/GovernanceView";
import { PublicView } from "./views/PublicView";
import type { WalletViewProps } from "./views/props";
import { WalletPanel } from "./views/WalletPanel";
import type { Wallet } from "./wallet";

/** The views, in the order of the navigation: route (the `#/…` hash), link text. */
const ROUTES = [
  ["public", "Explorer"],
  ["contributor", "Contributor"],
  ["governance", "Governance"],
  ["auditor", "Auditor"],
] as const;

type Route = (typeof ROUTES)[number][0];

function routeOf(hash: string): Route {
  return ROUTES.find(([name]) => name !== "public" && hash.startsWith(`#/${name}`))?.[0] ?? "public";
}

type Boot = { state: "connecting" } | { state: "ready"; chain: AppChain } | { state: "failed"; error: SetupError };

function useBlockNumber(chain: AppChain | undefined): number {
  const [block, setBlock] = useState(0);
  useEffect(() => {
    if (chain === undefined) return;
    let stopped = false;
    const poll = () =>
      chain.provider
        .getBlockNumber()
        .then((n) => !stopped && setBlock(n))
        .catch(() => undefined);
    void poll();
    const timer = setInterval(poll, 2000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [chain]);
  return block;
}

function SetupScreen({ error, onRetry }: { error: SetupError; onRetry: () => void }) {
  return (
    <section className="card setup" data-testid="setup-error">
      <h2>{error.title}</h2>
      <p>{error.message}</p>
      <p>What to do, from the project's folder:</p>
      <ol>
        {error.steps.map((step) => (
          <li key={step}>
            <code>{step}</code>
          </li>
        ))}
      </ol>
      <button onClick={onRetry}>Try again</button>
    </section>
  );
}

export function App() {
  const [boot, setBoot] = useState<Boot>({ state: "connecting" });
  const [route, setRoute] = useState<Route>(() => routeOf(window.location.hash));
  const [wallet, setWallet] = useState<Wallet>();
  const [walletNotice, setWalletNotice] = useState<string>();

  const connect = useCallback(() => {
    setBoot({ state: "connecting" });
    connectChain()
      .then((chain) => setBoot({ state: "ready", chain }))
      .catch((error: unknown) =>
        setBoot({
          state: "failed",
          error:
            error instanceof SetupError
              ? error
              : new SetupError("Cannot start", describeError(error).title, [describeError(error).hint]),
        }),
      );
  }, []);
  useEffect(connect, [connect]);

  useEffect(() => {
    const onHash = () => setRoute(routeOf(window.location.hash));
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  // A browser wallet that changes account or chain is disconnected: the views must not act for the old one.
  useEffect(() => {
    const ethereum = wallet?.eip1193;
    if (ethereum?.on === undefined || wallet?.kind !== "injected") return;
    const onAccounts = () => {
      setWallet(undefined);
      setWalletNotice("Your wallet changed account: connect again.");
    };
    const onChain = () => {
      setWallet(undefined);
      setWalletNotice("Your wallet changed network: connect again.");
    };
    ethereum.on("accountsChanged", onAccounts);
    ethereum.on("chainChanged", onChain);
    return () => {
      ethereum.removeListener?.("accountsChanged", onAccounts);
      ethereum.removeListener?.("chainChanged", onChain);
    };
  }, [wallet]);

  const chain = boot.state === "ready" ? boot.chain : undefined;
  const block = useBlockNumber(chain);
  /** The wallet panel, shared by the views that act or decrypt (contributor, governance, auditor): one wallet. */
  const walletPanel = (connected: AppChain) => (
    <>
      {walletNotice && !wallet && <div className="banner notice">{walletNotice}</div>}
      <WalletPanel
        chain={connected}
        wallet={wallet}
        onConnect={(next) => {
          setWalletNotice(undefined);
          setWallet(next);
        }}
        onDisconnect={() => setWallet(undefined)}
      />
    </>
  );

  const walletView = (connected: AppChain): WalletViewProps => ({
    chain: connected,
    block,
    wallet,
    walletPanel: walletPanel(connected),
  });

  return (
    <div className="app">
      <header className="top">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ◈
          </span>
          <div>
            <h1>AiRoyalties FHE</h1>
            <div className="muted small">encrypted royalties for AI-model contributors</div>
          </div>
        </div>
        <nav aria-label="Views">
          {ROUTES.map(([name, label]) => (
            <a
              key={name}
              href={`#/${name}`}
              className={route === name ? "active" : ""}
              aria-current={route === name ? "page" : undefined}
              data-testid={`nav-${name}`}
            >
              {label}
            </a>
          ))}
        </nav>
        <div className="network">
          <span className={`badge ${NETWORK.local ? "dev" : ""}`}>{NETWORK.label}</span>
          {chain && (
            <div className="muted small">
              block {block} · registry <code>{shortAddress(chain.registryAddress)}</code>
            </div>
          )}
        </div>
      </header>
      <main id="main">
        {boot.state === "connecting" && <p className="muted">Connecting to {NETWORK.rpcUrl}…</p>}
        {boot.state === "failed" && <SetupScreen error={boot.error} onRetry={connect} />}
        {chain && route === "public" && <PublicView chain={chain} block={block} />}
        {chain && route === "contributor" && <ContributorView {...walletView(chain)} />}
        {chain && route === "governance" && <GovernanceView {...walletView(chain)} />}
        {chain && route === "auditor" && <AuditorView {...walletView(chain)} />}
      </main>
      <footer className="muted small">
        Metrics, scores, shares and balances are encrypted with Zama's fhEVM; only their owner can decrypt them. Public
        totals are revealed only once at least k contributors took part.
      </footer>
    </div>
  );
}
