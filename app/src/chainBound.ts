/**
 * A signer bound to one chain: right before each transaction is sent it asks the wallet which chain
 * it is on now (it may have switched while the page encrypted), and every transaction carries the
 * chain id, so that a wallet on another chain refuses it instead of sending it there.
 */
import { AbstractSigner } from "ethers";
import type {
  Provider,
  Signer,
  TransactionRequest,
  TransactionResponse,
  TypedDataDomain,
  TypedDataField,
} from "ethers";

export class ChainBoundSigner extends AbstractSigner {
  /**
   * @param inner The wallet's signer.
   * @param chainId The only chain this signer sends to.
   * @param currentChainId Asks the wallet which chain it is on, now.
   * @param wrongChain The error thrown when the wallet is on another chain.
   */
  constructor(
    readonly inner: Signer,
    readonly chainId: bigint,
    private readonly currentChainId: () => Promise<bigint>,
    private readonly wrongChain: (walletChainId: bigint) => Error,
  ) {
    super(inner.provider);
  }

  override connect(provider: Provider | null): ChainBoundSigner {
    return new ChainBoundSigner(this.inner.connect(provider), this.chainId, this.currentChainId, this.wrongChain);
  }

  override getAddress(): Promise<string> {
    return this.inner.getAddress();
  }

  override signTransaction(tx: TransactionRequest): Promise<string> {
    return this.inner.signTransaction({ ...tx, chainId: this.chainId });
  }

  override signMessage(message: string | Uint8Array): Promise<string> {
    return this.inner.signMessage(message);
  }

  override signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string> {
    return this.inner.signTypedData(domain, types, value);
  }

  /** Checks the wallet's chain at the last moment, then sends with the chain id set. */
  override async sendTransaction(tx: TransactionRequest): Promise<TransactionResponse> {
    const current = await this.currentChainId();
    if (current !== this.chainId) throw this.wrongChain(current);
    if (tx.chainId !== undefined && tx.chainId !== null && BigInt(tx.chainId) !== this.chainId) {
      throw this.wrongChain(BigInt(tx.chainId));
    }
    return this.inner.sendTransaction({ ...tx, chainId: this.chainId });
  }
}
