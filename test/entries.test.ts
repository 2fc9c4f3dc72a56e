import { expect } from "chai";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";

/**
 * The library's two entries: `src/index.ts` is browser-safe (the dashboard bundles it), `src/node.ts` adds what
 * only runs in Node. These tests walk the runtime import graph (type-only imports are erased by the compiler and
 * skipped) and read the dashboard's imports, so that a Node-only module can never creep into the browser entry
 * and the dashboard never reaches into the library's folders.
 */

const ROOT = path.resolve(__dirname, "..");

/** Packages that only run in Node (or only inside Hardhat). */
const NODE_ONLY_PACKAGES = [
  "hardhat",
  "@fhevm/hardhat-plugin",
  "@nomicfoundation/",
  "@zama-fhe/relayer-sdk/node",
  "ponder",
  "playwright-core",
];

function isNodeOnly(specifier: string): boolean {
  if (specifier.startsWith("node:")) return true;
  if (builtinModules.includes(specifier.split("/")[0])) return true;
  return NODE_ONLY_PACKAGES.some((p) => specifier === p || specifier.startsWith(p.endsWith("/") ? p : `${p}/`));
}

/** Specifiers a file imports at run time: static imports and re-exports that are not type-only, and dynamic imports. */
function runtimeImports(source: string): string[] {
  const found: string[] = [];
  const statement = /(?:^|\n)\s*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+["']([^"']+)["']/g;
  for (const m of source.matchAll(statement)) if (m[2] === undefined) found.push(m[4]);
  for (const m of source.matchAll(/(?:^|\n)\s*import\s+["']([^"']+)["']/g)) found.push(m[1]);
  for (const m of source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) found.push(m[1]);
  for (const m of source.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) found.push(m[1]);
  return found;
}

function resolveLocal(from: string, specifier: string): string {
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [`${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${path.relative(ROOT, from)} imports ${specifier}, which does not resolve`);
}

/** Every Node-only module reachable from `entry`, with the chain of files that reaches it. */
function nodeOnlyReach(entry: string): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  const walk = (file: string, chain: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of runtimeImports(readFileSync(file, "utf8"))) {
      if (specifier.startsWith(".")) {
        walk(resolveLocal(file, specifier), [...chain, path.relative(ROOT, file)]);
      } else if (isNodeOnly(specifier)) {
        problems.push(`${[...chain, path.relative(ROOT, file)].join(" → ")} → ${specifier}`);
      }
    }
  };
  walk(path.join(ROOT, entry), []);
  expect(seen.size, `the walk from ${entry} found no file`).to.be.greaterThan(1);
  return problems;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : [],
  );
}

describe("Library entries", function () {
  it("src/index.ts reaches no Node builtin, no Hardhat and no Node-only SDK build", function () {
    expect(nodeOnlyReach("src/index.ts")).to.deep.equal([]);
  });

  it("the walk sees Node-only modules where they are: src/node.ts reaches Hardhat and Node builtins", function () {
    const reached = nodeOnlyReach("src/node.ts");
    expect(reached.some((r) => r.endsWith("→ @fhevm/hardhat-plugin"))).to.equal(true);
    expect(reached.some((r) => r.endsWith("→ @zama-fhe/relayer-sdk/node"))).to.equal(true);
    expect(reached.some((r) => /→ (node:)?(fs|path|child_process|http)$/.test(r))).to.equal(true);
  });

  it("the dashboard imports the library through its entry only: no deep import from app/ into src/", function () {
    const deep: string[] = [];
    let entryImports = 0;
    for (const file of filesUnder(path.join(ROOT, "app", "src"))) {
      for (const specifier of runtimeImports(readFileSync(file, "utf8")).concat(typeImports(file))) {
        if (!specifier.startsWith(".")) continue;
        const target = path.relative(ROOT, path.resolve(path.dirname(file), specifier));
        if (target === "src" || target === path.join("src", "index")) entryImports++;
        else if (target.startsWith(`src${path.sep}`)) deep.push(`${path.relative(ROOT, file)} → ${specifier}`);
      }
    }
    expect(deep).to.deep.equal([]);
    expect(entryImports, "the dashboard should import the library's entry").to.be.greaterThan(10);
  });
});

/** Type-only imports count too for the dashboard: a deep type import still ties it to the library's folders. */
function typeImports(file: string): string[] {
  const source = readFileSync(file, "utf8");
  return [...source.matchAll(/(?:^|\n)\s*(?:import|export)\s+type\s+[^;]*?\s+from\s+["']([^"']+)["']/g)].map(
    (m) => m[1],
  );
}
