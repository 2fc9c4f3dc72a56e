/** Money tasks: fund a pool in the public payment token, unwrap confidential payouts back into it. */
import { escapeTerminal, formatAmount } from "../src/format";

import { fail, parseAddress, parseAmount } from "./args";
import { action, getPoolClient, getSigner, output, recordTable, unitsFormatter, withPoolOptions } from "./common";
import type { PoolArgs } from "./common";
import { royalties } from "./scope";

interface FundArgs extends PoolArgs {
  amount: string;
}

interface UnwrapArgs extends PoolArgs {
  amount?: string;
  to?: string;
  request?: string;
}

withPoolOptions(royalties.task("fund", "Pay the current epoch's pool in the public payment token"))
  .addParam("amount", "Amount in whole payment tokens (decimals allowed), e.g. 1000 or 12.5")
  .setAction(
    action(async (args: FundArgs, hre) => {
      const signer = await getSigner(hre, args.account);
      const client = await getPoolClient(hre, args, signer);
      const { IERC20Metadata__factory } = await import("../types");
      const token = IERC20Metadata__factory.connect(await client.pool.paymentToken(), signer);
      const [decimals, symbol, balance] = await Promise.all([
        token.decimals(),
        token.symbol(),
        token.balanceOf(await signer.getAddress()),
      ]);
      const amount = parseAmount(args.amount, Number(decimals), "--amount");
      const tokens = (value: bigint) => `${formatAmount(value, Number(decimals))} ${escapeTerminal(symbol, 16)}`;
      if (balance < amount) {
        fail(
          `Account ${args.account} holds ${tokens(balance)}, less than --amount ${tokens(amount)}: fund less or use another --account.`,
        );
      }
      const { fundPool } = await import("../src");
      const result = await fundPool(client, { amount });
      const units = await unitsFormatter(client);
      const data = { epochId: result.epochId, accepted: result.accepted, units: result.units, tx: result.receipt.hash };
      output(args.json, data, () =>
        [
          `Epoch ${result.epochId}'s pool received ${units(result.units)}.`,
          recordTable([
            ["epoch", result.epochId],
            ["paid", tokens(result.accepted)],
            ["pool credit", units(result.units)],
            ["tx", result.receipt.hash],
          ]),
        ].join("\n"),
      );
    }),
  );

withPoolOptions(royalties.task("unwrap", "Unwrap confidential payout tokens back into the public payment token"))
  .addOptionalParam("amount", "Confidential tokens to unwrap (decimals allowed), e.g. 250.5")
  .addOptionalParam("to", "Address that receives the ERC20 (default: the signer)")
  .addOptionalParam("request", "Finish a pending unwrap request by its id instead of starting one")
  .setAction(
    action(async (args: UnwrapArgs, hre) => {
      if ((args.amount === undefined) === (args.request === undefined)) {
        fail("Pass --amount <tokens> to unwrap, or --request <id> to finish a pending unwrap (not both).");
      }
      const to = args.to === undefined ? undefined : parseAddress(args.to, "--to");
      const signer = await getSigner(hre, args.account);
      const client = await getPoolClient(hre, args, signer);
      const { finalizePayoutUnwrap, unwrapPayout } = await import("../src");
      const { ConfidentialPayoutToken__factory, IERC20Metadata__factory } = await import("../types");
      const payout = ConfidentialPayoutToken__factory.connect(await client.pool.payoutToken(), signer);
      const erc20 = IERC20Metadata__factory.connect(await payout.underlying(), signer);
      const [payoutDecimals, erc20Decimals, erc20Symbol] = await Promise.all([
        payout.decimals(),
        erc20.decimals(),
        erc20.symbol(),
      ]);
      let data: { requestId: string; recipient: string; units: bigint; underlyingAmount: bigint; txs: string[] };
      if (args.request !== undefined) {
        const result = await finalizePayoutUnwrap(client, { requestId: args.request });
        const { recipient, units, underlyingAmount } = result;
        data = { requestId: args.request, recipient, units, underlyingAmount, txs: [result.receipt.hash] };
      } else {
        const amount = parseAmount(args.amount ?? "", Number(payoutDecimals), "--amount");
        const result = await unwrapPayout(client, { amount, to });
        const { requestId, recipient, units, underlyingAmount } = result;
        data = { requestId, recipient, units, underlyingAmount, txs: result.receipts.map((r) => r.hash) };
      }
      const units = await unitsFormatter(client);
      const received = `${formatAmount(data.underlyingAmount, Number(erc20Decimals))} ${escapeTerminal(erc20Symbol, 16)}`;
      output(args.json, data, () =>
        [
          `Unwrapped ${units(data.units)}: ${data.recipient} received ${received}.`,
          recordTable([
            ["request id", data.requestId],
            ["recipient", data.recipient],
            ["unwrapped", units(data.units)],
            ["received", received],
            ...data.txs.map((hash, i): [string, string] => [`tx ${i + 1}`, hash]),
          ]),
        ].join("\n"),
      );
    }),
  );
