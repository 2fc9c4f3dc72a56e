/** Payout-vault tasks: withdraw a balance (to yourself, another address, or unwrapped) and show balances and earnings. */
import type { Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { escapeTerminal, formatAmount, formatTable } from "../src/format";
import { fail, parseAddress, parseAmount, parseBlock } from "./args";
import { action, getClient, getPoolClient, getSigner, output, recordTable, withPoolOptions } from "./common";
import type { PoolArgs } from "./common";
import type { GetEarningsReturnType } from "../src";
import { royalties } from "./scope";

interface WithdrawArgs extends PoolArgs {
  token?: string;
  amount?: string;
  to?: string;
  unwrap: boolean;
}

interface BalanceArgs extends PoolArgs {
  fromBlock?: string;
}

/** Decimals, symbol and a formatter of a confidential payout token. */
async function tokenInfo(address: string, runner: Signer) {
  const { ConfidentialPayoutToken__factory } = await import("../types");
  const token = ConfidentialPayoutToken__factory.connect(address, runner);
  const [decimals, symbol] = await Promise.all([token.decimals(), token.symbol()]);
  const safeSymbol = escapeTerminal(symbol, 16);
  return {
    decimals: Number(decimals),
    symbol: safeSymbol,
    format: (units: bigint) => `${formatAmount(units, Number(decimals))} ${safeSymbol}`,
  };
}

/** The payout tokens of the registry's models, each once, in model order. */
async function registryPayoutTokens(hre: HardhatRuntimeEnvironment, args: PoolArgs, signer: Signer) {
  const { registryPayoutTokens: tokensOf } = await import("../src/actions/lookup");
  return tokensOf(await getClient(hre, args, signer));
}

/** `--token`, else the payout token of `--model` / `--pool`, else the registry's only payout token. */
async function resolveToken(hre: HardhatRuntimeEnvironment, args: WithdrawArgs, signer: Signer): Promise<string> {
  if (args.token !== undefined) {
    if (args.pool !== undefined || args.model !== undefined) fail("Pass either --token or --model / --pool, not both.");
    return parseAddress(args.token, "--token");
  }
  if (args.pool !== undefined || args.model !== undefined) {
    return (await getPoolClient(hre, args, signer)).pool.payoutToken();
  }
  const { onlyPayoutToken } = await import("../src/actions/lookup");
  return onlyPayoutToken(await getClient(hre, args, signer));
}

/** The payout vault of `--pool`, else of the registry (`--registry` or the deployed one), bound to `signer`. */
async function getVault(hre: HardhatRuntimeEnvironment, args: PoolArgs, signer: Signer) {
  const { connectVault, vaultOfPool } = await import("../src");
  if (args.pool !== undefined && args.registry === undefined)
    return vaultOfPool(await getPoolClient(hre, args, signer));
  return connectVault(await getClient(hre, args, signer));
}

withPoolOptions(
  royalties.task("withdraw", "Withdraw your payout-vault balance in a token: all or part, to you or another address"),
)
  .addOptionalParam("token", "Payout token address (default: the payout token of --model / --pool)")
  .addOptionalParam("amount", "Amount in tokens, e.g. 12.5 (default: the whole balance)")
  .addOptionalParam("to", "Recipient address (default: the signer)")
  .addFlag("unwrap", "Pay the public ERC20 instead of the confidential token")
  .setAction(
    action(async (args: WithdrawArgs, hre) => {
      const signer = await getSigner(hre, args.account);
      const token = await resolveToken(hre, args, signer);
      const recipient = args.to === undefined ? undefined : parseAddress(args.to, "--to");
      const info = await tokenInfo(token, signer);
      const amount = args.amount === undefined ? undefined : parseAmount(args.amount, info.decimals, "--amount");
      const { withdraw } = await import("../src");
      const result = await withdraw(await getVault(hre, args, signer), {
        token,
        recipient,
        amount,
        unwrap: args.unwrap,
      });
      const data = {
        token: result.token,
        recipient: result.recipient,
        requested: result.requested ?? "all",
        sent: result.sent,
        unwrapped: result.unwrapped,
        underlyingAmount: result.underlyingAmount,
        txs: result.receipts.map((r) => r.hash),
      };
      output(args.json, data, () =>
        [
          result.unwrapped
            ? `Withdrew ${info.format(result.sent)} unwrapped: ${result.recipient} received the public ERC20.`
            : `Withdrew ${info.format(result.sent)} confidentially to ${result.recipient}.`,
          recordTable([
            ["token", `${info.symbol} ${result.token}`],
            ["requested", result.requested === undefined ? "everything" : info.format(result.requested)],
            ["sent", info.format(result.sent)],
            ["recipient", result.recipient],
            ...(result.underlyingAmount === undefined ? [] : [["ERC20 base units", result.underlyingAmount] as const]),
            ...result.receipts.map((r, i) => [i === 0 ? "tx" : "finalize tx", r.hash] as const),
          ]),
        ].join("\n"),
      );
    }),
  );

withPoolOptions(
  royalties.task("balance", "Your payout-vault balances and cross-model earnings per payout token, decrypted"),
)
  .addOptionalParam("fromBlock", "First block to scan for your withdrawals (default: 0)")
  .setAction(
    action(async (args: BalanceArgs, hre) => {
      const signer = await getSigner(hre, args.account);
      const fromBlock = args.fromBlock === undefined ? undefined : parseBlock(args.fromBlock, "--from-block");
      const tokens =
        args.pool !== undefined || args.model !== undefined
          ? [await (await getPoolClient(hre, args, signer)).pool.payoutToken()]
          : await registryPayoutTokens(hre, args, signer);
      const { getEarnings } = await import("../src");
      const vault = await getVault(hre, args, signer);
      const rows: (GetEarningsReturnType & { symbol: string; amount: (units: bigint) => string })[] = [];
      for (const token of tokens) {
        const [info, earnings] = await Promise.all([
          tokenInfo(token, signer),
          getEarnings(vault, { token, fromBlock }),
        ]);
        rows.push({ ...earnings, symbol: info.symbol, amount: (units: bigint) => formatAmount(units, info.decimals) });
      }
      const account = await signer.getAddress();
      const data = {
        account,
        tokens: rows.map((r) => ({
          token: r.token,
          symbol: r.symbol,
          balance: r.balance,
          withdrawn: r.withdrawn,
          withdrawals: r.withdrawals,
          earnings: r.earnings,
        })),
      };
      output(args.json, data, () =>
        rows.length === 0
          ? "The registry has no model yet: nothing can have been earned."
          : [
              `Payout vault of ${account} (decrypted with its key; nobody else can):`,
              formatTable(
                ["token", "balance", "withdrawn", "earnings", "address"],
                rows.map((r) => [r.symbol, r.amount(r.balance), r.amount(r.withdrawn), r.amount(r.earnings), r.token]),
              ),
              "earnings = balance + withdrawn: every share credited to you in that token, across models and epochs.",
            ].join("\n"),
      );
    }),
  );
