/** Agent sources, schema mapping and configuration, without a chain. */
import { expect } from "chai";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";

import { AgentConfigError, SourceProblem, createSource, parseAgentConfig, toMetricVector } from "../../src/agent";
import type { FieldSpec } from "../../src/agent";

const FIELDS: FieldSpec[] = [
  { metric: "computeUnits", field: "gpu", aggregate: "sum" },
  { metric: "qualityScore", field: "qualityScore", aggregate: "max" },
];
const WINDOW = { from: 100n, to: 200n, epochId: 1n, model: "m" };
const SCHEMA = [
  { name: "computeUnits", cap: 1_000n },
  { name: "qualityScore", cap: 100n },
];

describe("agent sources", function () {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "royalties-sources-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("JSONL: aggregates the window's rows per metric and waits for a partial last line", async function () {
    const file = path.join(dir, "a.jsonl");
    fs.writeFileSync(
      file,
      [
        '{"ts":99,"gpu":5,"qualityScore":1}',
        '{"ts":100,"gpu":7,"qualityScore":80}',
        '{"ts":"1970-01-01T00:02:30Z","gpu":3,"qualityScore":60}',
        '{"ts":150,"gpu":1',
      ].join("\n"),
    );
    const reading = await createSource({ type: "jsonl", path: file }, FIELDS, false).read(WINDOW, undefined);
    expect(reading.rows).to.equal(2);
    expect(reading.records).to.deep.equal([{ values: { computeUnits: 10n, qualityScore: 80n } }]);
  });

  it("CSV and malformed values: a problem, never a zero", async function () {
    const file = path.join(dir, "a.csv");
    fs.writeFileSync(file, "ts,gpu,qualityScore\n120,4,70\n130,-1,70\n");
    await expect(createSource({ type: "csv", path: file }, FIELDS, false).read(WINDOW, undefined)).to.be.rejectedWith(
      SourceProblem,
      /line 3: gpu is not a whole number/,
    );
    fs.writeFileSync(file, "ts,gpu,qualityScore\n120,4,70\n");
    const ok = await createSource({ type: "csv", path: file }, FIELDS, false).read(WINDOW, undefined);
    expect(ok.records[0].values).to.deep.equal({ computeUnits: 4n, qualityScore: 70n });
  });

  it("maps to the schema: a missing metric is a problem, a value above a cap becomes the cap", function () {
    expect(toMetricVector(SCHEMA, { computeUnits: 5n })).to.deep.equal({
      ok: false,
      problem: "no value for qualityScore",
    });
    expect(toMetricVector(SCHEMA, { computeUnits: 5_000n, qualityScore: 90n }, { qualityScore: 50n })).to.deep.equal({
      ok: true,
      metrics: [1_000n, 50n],
      capped: [
        { metric: "computeUnits", cap: 1_000n },
        { metric: "qualityScore", cap: 50n },
      ],
    });
  });

  it("Prometheus: a counter's increase since the checkpoint (a reset counts from zero), a gauge's value", async function () {
    let body = 'gpu_total{job="a"} 100\ngpu_total{job="b"} 5\nquality 70\n';
    const server = http.createServer((_req, res) => res.end(body)).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    try {
      const fields: FieldSpec[] = [
        { metric: "computeUnits", field: 'gpu_total{job="a"}', aggregate: "sum" },
        { metric: "qualityScore", field: "quality", aggregate: "last" },
      ];
      const source = createSource({ type: "prometheus", url }, fields, false);
      const base = await source.start?.();
      body = 'gpu_total{job="a"} 160\nquality 75\n';
      const first = await source.read(WINDOW, base);
      expect(first.records[0].values).to.deep.equal({ computeUnits: 60n, qualityScore: 75n });
      body = 'gpu_total{job="a"} 20\nquality 75\n';
      expect((await source.read(WINDOW, first.checkpoint)).records[0].values.computeUnits).to.equal(20n);
    } finally {
      server.close();
    }
  });

  it("command: JSON for the window named in its environment; a failure is a problem", async function () {
    const script =
      "console.log(JSON.stringify({ gpu: Number(process.env.ROYALTIES_TO) - Number(process.env.ROYALTIES_FROM), qualityScore: 9 }))";
    const reading = await createSource(
      { type: "command", command: [process.execPath, "-e", script] },
      FIELDS,
      false,
    ).read(WINDOW, undefined);
    expect(reading.records[0].values).to.deep.equal({ computeUnits: 100n, qualityScore: 9n });
    await expect(
      createSource({ type: "command", command: [process.execPath, "-e", "process.exit(3)"] }, FIELDS, false).read(
        WINDOW,
        undefined,
      ),
    ).to.be.rejectedWith(SourceProblem, /failed/);
  });

  it("configuration errors name the field", function () {
    expect(() => parseAgentConfig({ role: "miner", models: [] }, ".")).to.throw(
      AgentConfigError,
      /role must be contributor, attestor, keeper/,
    );
    expect(() => parseAgentConfig({ role: "contributor", models: [{ model: "m" }] }, ".")).to.throw(
      AgentConfigError,
      /models\[0\]\.source must be a source for the contributor role/,
    );
  });
});
