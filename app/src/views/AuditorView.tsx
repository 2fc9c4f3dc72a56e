/**
 * The auditor's view (`#/auditor`): a viewer a contributor granted selective disclosure to (an auditor, a tax
 * authority) names the contributor and a model, sees which of the contributor's epochs were disclosed to them, and
 * decrypts the score and (once claimed) the share of those with their own key. Anyone else sees "not disclosed to
 * you": the grants are public, the values are not.
 */
import { isAddress } from "ethers";
import { useEffect, useMemo, useState } from "react";

import { decryptDisclosed, listModels, connectVault, formatAmount, withSigner } from "../../../src";
import type { ModelInfo } from "../../../src";
import { ErrorBanner, OperationBanners } from "../components/Banners";
import { Secret } from "../components/Secret";
import { SafeName, TokenBadge } from "../components/Untrusted";
import { loadDisclosedEpochs, officialPayoutToken, tokenInfo } from "../data";
import type { DisclosedEpoch, TokenInfo } from "../data";
import { lazyFheBackend } from "../fhe";
import { shortAddress, tokens } from "../format";
import { useChainRead } from "../hooks/useChainRead";
import { useOperations, withPhases } from "../operation";
import { displayText } from "../untrusted";
import type { WalletViewProps } from "./props";

/** What a lookup found: the contributor's final epochs in the model, each with who may decrypt it. */
interface Lookup {
  contributor: string;
  model: ModelInfo;
  /** Undefined when the model's payout token is unreadable: amounts are then shown in raw units. */
  token?: TokenInfo;
  epochs: DisclosedEpoch[];
}

interface Decrypted {
  score: bigint;
  share?: bigint;
}

function EpochRow({
  lookup,
  epoch,
  values,
  busy,
  onDecrypt,
}: {
  lookup: Lookup;
  epoch: DisclosedEpoch;
  values: Decrypted | undefined;
  busy: boolean;
  onDecrypt: () => void;
}) {
  const id = `${lookup.model.modelId}-${epoch.epochId}`;
  const amount = (v: bigint) => (lookup.token ? tokens(v, lookup.token) : `${formatAmount(v, 0)} units`);
  const notDisclosed = epoch.toViewer ? undefined : "not disclosed to you";
  return (
    <tr data-testid={`auditor-epoch-${id}`}>
      <td>#{epoch.epochId.toString()}</td>
      <td>{epoch.state.toLowerCase()}</td>
      <td data-testid={`auditor-access-${id}`}>
        {epoch.toViewer ? (
          <span className="ok small">{epoch.shareClaimed ? "score + share" : "score (share once claimed)"}</span>
        ) : (
          <span className="muted small">not disclosed to you</span>
        )}
      </td>
      <td>
        <Secret
          value={values?.score}
          format={(v) => v.toLocaleString("en-US")}
          onDecrypt={onDecrypt}
          busy={busy}
          testId={`auditor-score-${id}`}
          label="Decrypt"
          disabledReason={notDisclosed}
        />
      </td>
      <td>
        {values === undefined ? (
          <span className="muted">{epoch.shareClaimed ? "encrypted" : "not claimed yet"}</span>
        ) : values.share === undefined ? (
          <span className="muted" data-testid={`auditor-share-${id}`}>
            not claimed yet
          </span>
        ) : (
          <span className="decrypted" data-testid={`auditor-share-${id}`}>
            {amount(values.share)}
          </span>
        )}
      </td>
    </tr>
  );
}

export function AuditorView({ chain, block, wallet, walletPanel }: WalletViewProps) {
  const [models, setModels] = useState<ModelInfo[]>();
  const [contributor, setContributor] = useState("");
  const [modelId, setModelId] = useState("");
  const [problem, setProblem] = useState<string>();
  const [lookup, setLookup] = useState<Lookup>();
  const [decrypted, setDecrypted] = useState<Record<string, Decrypted>>({});
  const ops = useOperations();
  const fhe = useMemo(() => (wallet ? lazyFheBackend(wallet.eip1193) : undefined), [wallet]);

  // The registry's models, read again only when a block brings a new one.
  const known = models?.length;
  const loadError = useChainRead(
    async () => {
      const count = await chain.registry.modelCount();
      return known !== undefined && BigInt(known) === count ? undefined : listModels(chain);
    },
    (list) => list !== undefined && setModels(list),
    [chain, block, known],
  );

  useEffect(() => {
    setLookup(undefined);
    setDecrypted({});
  }, [wallet]);

  const selected = models?.find((m) => m.modelId.toString() === modelId) ?? models?.[0];

  const look = (viewer: string, who: string, model: ModelInfo) =>
    void ops.run(
      `Reading the disclosures of ${shortAddress(who)} in ${displayText(model.name).text}`,
      async (report) => {
        report("Reading the contributor's epochs and their disclosure grants…");
        const [epochs, token] = await Promise.all([
          loadDisclosedEpochs(chain, viewer, who, model),
          tokenInfo(chain.provider, model.payoutToken, officialPayoutToken(chain)).catch(() => undefined),
        ]);
        setDecrypted({});
        setLookup({ contributor: who, model, token, epochs });
      },
    );

  const decrypt = (lookupNow: Lookup, epoch: DisclosedEpoch) =>
    void ops.run(`Decrypting what was disclosed to you of epoch #${epoch.epochId}`, async (report) => {
      if (wallet === undefined || fhe === undefined) return;
      const vault = await connectVault({ ...withSigner(chain, wallet.signer), fhe: withPhases(fhe, report) });
      const values = await decryptDisclosed(vault, {
        contributor: lookupNow.contributor,
        modelId: lookupNow.model.modelId,
        epochId: epoch.epochId,
      });
      setDecrypted((previous) => ({ ...previous, [epoch.epochId.toString()]: values }));
    });

  const disclosed = lookup?.epochs.filter((e) => e.toViewer) ?? [];

  return (
    <div data-testid="auditor-view">
      {walletPanel}
      <OperationBanners ops={ops} />
      {loadError && <ErrorBanner error={loadError} />}
      {wallet && (
        <section className="card auditor">
          <h2>Disclosed to you</h2>
          <p className="muted small">
            A contributor can let you decrypt their score and share of chosen epochs (selective disclosure). Name the
            contributor and the model: you see which epochs they disclosed to <code>{wallet.address}</code>, and decrypt
            those with your wallet's key. Nobody else can.
          </p>
          <form
            className="row"
            onSubmit={(event) => {
              event.preventDefault();
              const who = contributor.trim();
              if (!isAddress(who)) {
                ops.dismiss();
                setProblem("The contributor must be a 0x… address.");
                return;
              }
              if (selected === undefined) {
                ops.dismiss();
                setProblem("The registry has no model yet.");
                return;
              }
              setProblem(undefined);
              look(wallet.address, who, selected);
            }}
          >
            <input
              placeholder="contributor 0x…"
              value={contributor}
              aria-label="Contributor"
              data-testid="auditor-contributor"
              onChange={(event) => setContributor(event.target.value)}
            />
            <select
              value={selected?.modelId.toString() ?? ""}
              aria-label="Model"
              data-testid="auditor-model"
              onChange={(event) => setModelId(event.target.value)}
            >
              {(models ?? []).map((m) => (
                <option key={m.modelId.toString()} value={m.modelId.toString()}>
                  #{m.modelId.toString()} {displayText(m.name, 40).text}
                </option>
              ))}
            </select>
            <button type="submit" disabled={ops.busy || models === undefined} data-testid="auditor-lookup">
              Show what was disclosed to me
            </button>
          </form>
          {problem && <p className="fail small">{problem}</p>}

          {lookup && (
            <div data-testid="auditor-result">
              <h3>
                <code title={lookup.contributor}>{shortAddress(lookup.contributor)}</code> in{" "}
                <SafeName value={lookup.model.name} /> <span className="muted">#{lookup.model.modelId.toString()}</span>
                {lookup.token && (
                  <span className="small">
                    {" "}
                    · paid in <TokenBadge token={lookup.token} />
                  </span>
                )}
              </h3>
              {lookup.epochs.length === 0 ? (
                <p className="muted" data-testid="auditor-none">
                  This address has no closed epoch in this model: there is nothing it could have disclosed.
                </p>
              ) : (
                <>
                  {disclosed.length === 0 && (
                    <p className="fail" data-testid="auditor-not-disclosed">
                      Not disclosed to you: {shortAddress(lookup.contributor)} has not let{" "}
                      {shortAddress(wallet.address)} decrypt any of their epochs in this model. Ask them to disclose the
                      epochs you need (Disclose in their dashboard, or <code>npx hardhat royalties disclose</code>).
                    </p>
                  )}
                  <table data-testid="auditor-epochs">
                    <thead>
                      <tr>
                        <th>epoch</th>
                        <th>state</th>
                        <th>your access</th>
                        <th>score</th>
                        <th>share</th>
                      </tr>
                    </thead>
                    <tbody>
                      {lookup.epochs.map((epoch) => (
                        <EpochRow
                          key={epoch.epochId.toString()}
                          lookup={lookup}
                          epoch={epoch}
                          values={decrypted[epoch.epochId.toString()]}
                          busy={ops.busy}
                          onDecrypt={() => decrypt(lookup, epoch)}
                        />
                      ))}
                    </tbody>
                  </table>
                </>
              )}
            </div>
          )}
        </section>
      )}
    </div>
  );
}
