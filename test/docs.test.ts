/**
 * The README and docs/ against the code they describe, without a chain: the README stays a front page, every
 * relative link leads to a file, every `npm run X` is a script of package.json, and docs/cli.md documents every
 * `royalties` task with each of its options (a task or an option added without its documentation fails here).
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";

const ROOT = path.join(__dirname, "..");
const README = path.join(ROOT, "README.md");
const DOCS = path.join(ROOT, "docs");
const README_MAX_LINES = 150;
/** Options every royalties task takes, documented once at the top of docs/cli.md. */
const COMMON_OPTIONS = new Set(["account", "json", "registry"]);

const markdownFiles = [
  README,
  ...readdirSync(DOCS)
    .filter((f) => f.endsWith(".md"))
    .map((f) => path.join(DOCS, f)),
];
const relative = (file: string) => path.relative(ROOT, file);
const read = (file: string) => readFileSync(file, "utf8");

/** Link targets of `[text](target)` and `<img src="target">`, without titles. */
function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  for (const match of markdown.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) targets.push(match[1]);
  for (const match of markdown.matchAll(/<img[^>]*\ssrc="([^"]+)"/g)) targets.push(match[1]);
  return targets;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => anchorOf(m[1])));
}

/** `--epochLength` as the command line spells it: `--epoch-length`. */
const cliName = (param: string) => `--${param.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

describe("README and docs", function () {
  it(`keeps the README a front page of at most ${README_MAX_LINES} lines`, function () {
    const lines = read(README).split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    expect(lines.length, "README.md: move details into docs/").to.be.at.most(README_MAX_LINES);
  });

  it("has docs for every area the README links to", function () {
    for (const doc of ["protocol", "cli", "library", "dashboard", "governance", "deployment", "payouts", "indexer"]) {
      expect(read(README), `README.md links docs/${doc}.md`).to.include(`(docs/${doc}.md)`);
    }
  });

  it("links only to files (and headings) that exist", function () {
    const broken: string[] = [];
    for (const file of markdownFiles) {
      for (const target of linkTargets(read(file))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
        const [pathPart, anchor] = target.split("#");
        const resolved = pathPart === "" ? file : path.resolve(path.dirname(file), decodeURIComponent(pathPart));
        if (!existsSync(resolved)) {
          broken.push(`${relative(file)} → ${target} (no such file)`);
        } else if (anchor !== undefined && resolved.endsWith(".md") && !anchorsOf(read(resolved)).has(anchor)) {
          broken.push(`${relative(file)} → ${target} (no such heading in ${relative(resolved)})`);
        }
      }
    }
    expect(broken).to.deep.equal([]);
  });

  it("mentions only npm scripts that package.json defines", function () {
    const scripts = Object.keys((JSON.parse(read(path.join(ROOT, "package.json"))) as { scripts: object }).scripts);
    const unknown: string[] = [];
    for (const file of markdownFiles) {
      for (const match of read(file).matchAll(/npm run ([\w:.-]+)/g)) {
        if (!scripts.includes(match[1])) unknown.push(`${relative(file)}: npm run ${match[1]}`);
      }
    }
    expect(unknown).to.deep.equal([]);
  });

  it("documents every royalties task and each of its options in docs/cli.md", function () {
    const cli = read(path.join(DOCS, "cli.md"));
    const sections = new Map<string, string>();
    for (const part of cli.split(/^### /m).slice(1)) {
      const name = /^`([a-z-]+)`/.exec(part)?.[1];
      if (name !== undefined) sections.set(name, part);
    }
    const missing: string[] = [];
    const tasks = hre.scopes["royalties"].tasks;
    for (const [name, definition] of Object.entries(tasks)) {
      const section = sections.get(name);
      if (section === undefined) {
        missing.push(`task ${name}`);
        continue;
      }
      for (const param of Object.keys(definition.paramDefinitions)) {
        if (!COMMON_OPTIONS.has(param) && !section.includes(`\`${cliName(param)}\``)) {
          missing.push(`${name} ${cliName(param)}`);
        }
      }
      for (const param of definition.positionalParamDefinitions) {
        if (!section.includes(`\`${param.name}\``)) missing.push(`${name} <${param.name}>`);
      }
    }
    for (const name of sections.keys()) {
      if (!(name in tasks)) missing.push(`docs/cli.md documents ${name}, which is no royalties task`);
    }
    expect(missing).to.deep.equal([]);
    expect(tasks).to.not.be.empty;
  });
});
