/**
 * The read tasks' `--indexer` path: a contributor's submitted epochs come from the indexer's participant
 * rows when an indexer is given (here a stub GraphQL server), and from the chain's paginated logs otherwise.
 */
import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";

import { submittedEpochs } from "../../src/actions/contributor";
import type { RoyaltyPool } from "../../types";

const POOL = "0x00000000000000000000000000000000000000AA";
const ALICE = "0x00000000000000000000000000000000000000A1";

describe("read tasks with --indexer", function () {
  let server: http.Server;
  let url = "";
  const queries: { query: string; variables: { where: Record<string, string> } }[] = [];

  before(async function () {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        queries.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            data: {
              participants: {
                items: [
                  { epochId: "1", lastBlock: "10", submissions: 2 },
                  { epochId: "2", lastBlock: "25", submissions: 1 },
                  { epochId: "3", lastBlock: "40", submissions: 0 },
                ],
                pageInfo: { hasNextPage: false, endCursor: null },
              },
            },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(function () {
    server.close();
  });

  it("reads a contributor's epochs from the indexer, filtered by pool, contributor and block", async function () {
    const logsRead: unknown[] = [];
    const pool = {
      getAddress: async () => POOL,
      runner: { provider: { getLogs: async (f: unknown) => (logsRead.push(f), []), getBlockNumber: async () => 50 } },
    } as unknown as RoyaltyPool;
    const epochs = await submittedEpochs(pool, ALICE, { indexer: url, fromBlock: 20 });
    expect([...epochs]).to.deep.equal([[2n, 25]]);
    expect(queries[0].variables.where).to.deep.equal({ pool: POOL.toLowerCase(), contributor: ALICE.toLowerCase() });
    expect(logsRead).to.have.length(0);
  });

  it("falls back to the chain's paginated logs without an indexer", async function () {
    const logsRead: unknown[] = [];
    const pool = {
      getAddress: async () => POOL,
      filters: { ContributionSubmitted: () => ({ getTopicFilter: async () => [] }) },
      runner: { provider: { getLogs: async (f: unknown) => (logsRead.push(f), []), getBlockNumber: async () => 50 } },
    } as unknown as RoyaltyPool;
    const before = queries.length;
    expect((await submittedEpochs(pool, ALICE, {})).size).to.equal(0);
    expect(logsRead.length).to.be.greaterThan(0);
    expect(queries.length).to.equal(before);
  });
});
