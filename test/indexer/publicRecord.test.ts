/**
 * The dashboard's public record from the indexer: one GraphQL query per page of models (PUBLIC_RECORD_QUERY),
 * mapped to the public view's shape — addresses checksummed, epochs newest first, `settled` from the model's
 * latest settled settlement, the indexer's block from `_meta`. A stub GraphQL server stands in for Ponder here;
 * test/app/indexer.e2e.test.ts runs the query against the real indexer.
 */
import { expect } from "chai";
import { getAddress } from "ethers";
import http from "node:http";
import type { AddressInfo } from "node:net";

import { IndexerError, PUBLIC_RECORD_QUERY, indexedModelFromRow, indexerPublicRecord } from "../../src";
import type { PublicRecordModelRow, PublicRecordPage } from "../../src";

const POOL = "0x00000000000000000000000000000000000000aa";
const TOKEN = "0x00000000000000000000000000000000000000bb";

function epochRow(epochId: number, state: string, extra: Partial<PublicRecordModelRow["epochs"]["items"][0]> = {}) {
  return {
    epochId: String(epochId),
    state,
    start: String(1_000 * epochId),
    end: String(1_000 * epochId + 600),
    rulesVersion: 1,
    participants: 3,
    submissions: "4",
    claims: state === "Revealed" ? 2 : 0,
    poolUnits: "5000000",
    revealedTotal: state === "Revealed" ? "123456" : null,
    shareShift: state === "Revealed" ? 64 : null,
    totalHandle: state === "Open" ? null : `0x${"ab".repeat(32)}`,
    extensions: 0,
    ...extra,
  };
}

function modelRow(modelId: number, epochs: PublicRecordModelRow["epochs"]["items"], settledThrough?: number) {
  return {
    modelId: String(modelId),
    pool: POOL,
    name: `model-${modelId}`,
    paymentToken: TOKEN,
    payoutToken: TOKEN,
    governance: "0x0000000000000000000000000000000000000000",
    creator: TOKEN,
    createdTimestamp: "1700000000",
    epochs: { items: epochs },
    settlements: { items: settledThrough === undefined ? [] : [{ toEpochId: String(settledThrough) }] },
  };
}

describe("indexer: the public record in one query", function () {
  describe("indexedModelFromRow", function () {
    it("maps a model row to the public view's shape, epochs newest first, settled up to the last settlement", function () {
      const row = modelRow(
        7,
        // The query asks newest first; the mapping does not rely on it.
        [epochRow(1, "Revealed"), epochRow(3, "Open", { extensions: 2 }), epochRow(2, "Revealed")],
        1,
      );
      const mapped = indexedModelFromRow("http://indexer", row);
      expect(mapped.model).to.deep.equal({
        modelId: 7n,
        name: "model-7",
        pool: getAddress(POOL),
        paymentToken: getAddress(TOKEN),
        payoutToken: getAddress(TOKEN),
        governance: "0x0000000000000000000000000000000000000000",
        creator: getAddress(TOKEN),
        createdAt: 1700000000n,
      });
      expect(mapped.currentEpochId).to.equal(3n);
      expect(mapped.epochs.map((e) => e.epochId)).to.deep.equal([3n, 2n, 1n]);
      expect(mapped.epochs.map((e) => e.settled)).to.deep.equal([false, false, true]);
      const [open, , revealed] = mapped.epochs;
      expect(open).to.include({ state: "Open", extensions: 2, revealedTotal: 0n, shareShift: 0n, claims: 0n });
      expect(open.totalHandle).to.equal(`0x${"00".repeat(32)}`);
      expect(revealed).to.include({
        state: "Revealed",
        start: 1000n,
        end: 1600n,
        rulesVersion: 1n,
        participants: 3n,
        submissions: 4n,
        claims: 2n,
        pool: 5000000n,
        revealedTotal: 123456n,
        shareShift: 64n,
      });
    });

    it("says a pool without epochs or settlements has none", function () {
      const mapped = indexedModelFromRow("http://indexer", modelRow(1, []));
      expect(mapped.currentEpochId).to.equal(0n);
      expect(mapped.epochs).to.deep.equal([]);
    });

    it("refuses an epoch state it does not know", function () {
      expect(() => indexedModelFromRow("http://indexer", modelRow(1, [epochRow(1, "Frozen")]))).to.throw(
        IndexerError,
        /unknown epoch state "Frozen"/,
      );
    });
  });

  describe("indexerPublicRecord", function () {
    let server: http.Server;
    let url = "";
    let pages: PublicRecordPage[] = [];
    const requests: { query: string; variables: { epochs: number; after: string | null } }[] = [];

    before(async function () {
      server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => {
          requests.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ data: pages[requests.length - 1] }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    after(async function () {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    beforeEach(function () {
      requests.length = 0;
    });

    it("reads every model with its epochs in one query per page, and the indexer's block from _meta", async function () {
      pages = [
        {
          _meta: { status: { localhost: { block: { number: 812 } } } },
          models: {
            items: [modelRow(1, [epochRow(2, "Open"), epochRow(1, "Revealed")], 1)],
            pageInfo: { hasNextPage: true, endCursor: "cursor-1" },
          },
        },
        {
          _meta: { status: { localhost: { block: { number: 813 } } } },
          models: { items: [modelRow(2, [epochRow(1, "Closed")])], pageInfo: { hasNextPage: false, endCursor: null } },
        },
      ];
      const record = await indexerPublicRecord(url, { maxEpochs: 10 });
      expect(requests.map((r) => r.query)).to.deep.equal([PUBLIC_RECORD_QUERY, PUBLIC_RECORD_QUERY]);
      expect(requests.map((r) => r.variables)).to.deep.equal([
        { epochs: 10, after: null },
        { epochs: 10, after: "cursor-1" },
      ]);
      expect(record.block).to.equal(812);
      expect(record.models.map((m) => [m.model.modelId, m.currentEpochId, m.epochs.length])).to.deep.equal([
        [1n, 2n, 2],
        [2n, 1n, 1],
      ]);
      expect(record.models[0].epochs.map((e) => e.settled)).to.deep.equal([false, true]);
    });

    it("refuses an indexer that reports no indexed block", async function () {
      pages = [{ _meta: { status: null }, models: { items: [], pageInfo: { hasNextPage: false, endCursor: null } } }];
      await indexerPublicRecord(url).then(
        () => expect.fail("a record without a block was accepted"),
        (error: unknown) => expect(String(error)).to.match(/reports no indexed block yet/),
      );
      expect(requests).to.have.length(1);
    });

    it("refuses an epoch count the query cannot serve", async function () {
      for (const maxEpochs of [0, 1001, 2.5]) {
        await indexerPublicRecord(url, { maxEpochs }).then(
          () => expect.fail(`maxEpochs ${maxEpochs} was accepted`),
          (error: unknown) => expect(error).to.be.instanceOf(RangeError),
        );
      }
      expect(requests).to.have.length(0);
    });
  });
});
