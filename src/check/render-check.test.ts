import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { elementsNamed, parseXml } from "../../test/support/xml-check.js";
import type { Finding } from "./finding.js";
import { renderCheck, summaryLine } from "./render-check.js";
import type { CheckReport } from "./run-check.js";

const NASTY = 'Cannot check: 100% sure, "a" < b & c\'s\nsecond line\r\nthird: done';
const IMAGE = "127.0.0.1:5000/team/app:1";
const GONE = "127.0.0.1:5000/team/gone:1";

function report(): CheckReport {
  const findings: Finding[] = [
    { rule: "unpinned", severity: "error", file: "odd,name:1%.Dockerfile", line: 3, reference: IMAGE, message: NASTY },
    {
      rule: "cannot-pin",
      severity: "warning",
      file: "./Dockerfile",
      line: 2,
      message: "ruby:${V} cannot be pinned: ARG V has no default.",
    },
    {
      rule: "drift",
      severity: "warning",
      file: "Dockerfile",
      line: 4,
      reference: IMAGE,
      message: `${IMAGE} now points to sha256:…`,
    },
    {
      rule: "missing",
      severity: "error",
      file: "sub\\dir\\Dockerfile",
      line: 7,
      reference: GONE,
      message: `${GONE}@sha256:… no longer exists`,
    },
    { rule: "could-not-check", severity: "note", file: "digestguard.lock", message: "lockfile-level note" },
  ];
  return {
    schemaVersion: 1,
    lockfile: "digestguard.lock",
    deep: false,
    findings,
    images: [
      { reference: IMAGE, digest: "sha256:1", status: "drift" },
      { reference: GONE, digest: "sha256:2", status: "missing" },
    ],
    summary: {
      images: 2,
      ok: 0,
      drift: 1,
      missing: 1,
      contentMismatch: 0,
      couldNotCheck: 0,
      fileFindings: 2,
      errors: 2,
      warnings: 2,
    },
  };
}

// GitHub's runner decoding, as actions/toolkit escapes: data %, \r, \n; properties also : and ,.
const unescape = (text: string) =>
  text.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%3A/g, ":").replace(/%2C/g, ",").replace(/%25/g, "%");

describe("renderCheck --format github", () => {
  const lines = renderCheck(report(), "github", { version: "0.1.0" }).split("\n");

  it("writes one command per finding and a summary notice, nothing else", () => {
    assert.equal(lines.pop(), "", "ends with a newline");
    assert.equal(lines.length, 6);
    assert.deepEqual(
      lines.map((l) => /^::(\w+) /.exec(l)?.[1]),
      ["error", "warning", "warning", "error", "notice", "notice"],
    );
    assert.equal(lines[5], `::notice title=digestguard check::${summaryLine(report())}`);
  });

  it("escapes %, CR and LF in the message, and also : and , in properties", () => {
    const [first] = lines;
    assert.equal(
      first,
      '::error file=odd%2Cname%3A1%25.Dockerfile,line=3,title=digestguard unpinned::Cannot check: 100%25 sure, "a" < b & c\'s%0Asecond line%0D%0Athird: done',
    );
    for (const line of lines) {
      const match = /^::\w+ ([^:]*)::(.*)$/.exec(line);
      assert.ok(match, line);
      for (const prop of (match[1] as string).split(",")) assert.match(prop, /^(file|line|title)=[^,:\r\n]*$/);
      assert.doesNotMatch(match[2] as string, /[\r\n]|%(?!25|0A|0D)/);
    }
    const props = Object.fromEntries(
      (/^::\w+ ([^:]*)::/.exec(lines[0] as string)?.[1] ?? "").split(",").map((p) => p.split("=") as [string, string]),
    );
    assert.equal(unescape(props.file as string), "odd,name:1%.Dockerfile");
    assert.equal(unescape((lines[0] as string).split("::").slice(2).join("::")), NASTY);
  });

  it("leaves out line= when a finding has no line", () => {
    assert.equal(lines[4], "::notice file=digestguard.lock,title=digestguard could-not-check::lockfile-level note");
  });
});

describe("renderCheck --format sarif", () => {
  const sarif = JSON.parse(renderCheck(report(), "sarif", { version: "9.9.9" })) as {
    version: string;
    $schema: string;
    runs: {
      tool: { driver: { name: string; version: string; rules: { id: string }[] } };
      results: {
        ruleId: string;
        level: string;
        message: { text: string };
        locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[];
      }[];
    }[];
  };

  it("is SARIF 2.1.0 with every rule described and one result per finding", () => {
    assert.equal(sarif.version, "2.1.0");
    assert.match(sarif.$schema, /sarif-2\.1\.0/);
    const run = sarif.runs[0]!;
    assert.deepEqual([run.tool.driver.name, run.tool.driver.version], ["digestguard", "9.9.9"]);
    const ids = run.tool.driver.rules.map((r) => r.id);
    assert.deepEqual(
      run.results.map((r) => r.ruleId),
      ["unpinned", "cannot-pin", "drift", "missing", "could-not-check"],
    );
    for (const result of run.results) assert.ok(ids.includes(result.ruleId));
    assert.deepEqual(
      run.results.map((r) => r.level),
      ["error", "warning", "warning", "error", "note"],
    );
    assert.equal(run.results[0]?.message.text, NASTY);
  });

  it("points each result at its file and line, with repository-relative forward-slash URIs", () => {
    const locations = sarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation);
    assert.deepEqual(
      locations.map((l) => [l.artifactLocation.uri, l.region?.startLine]),
      [
        ["odd,name:1%.Dockerfile", 3],
        ["Dockerfile", 2],
        ["Dockerfile", 4],
        ["sub/dir/Dockerfile", 7],
        ["digestguard.lock", undefined],
      ],
    );
  });
});

describe("renderCheck --format junit", () => {
  const root = parseXml(renderCheck(report(), "junit", { version: "0.1.0" }));

  it("is well-formed XML whose counts agree with its test cases", () => {
    assert.equal(root.name, "testsuites");
    const cases = elementsNamed(root, "testcase");
    const failing = cases.filter((c) => c.children.some((child) => child.name === "failure"));
    for (const suite of [root, ...elementsNamed(root, "testsuite")]) {
      assert.equal(Number(suite.attributes.tests), cases.length);
      assert.equal(Number(suite.attributes.failures), failing.length);
    }
    assert.deepEqual(
      cases.map((c) => `${c.attributes.classname} ${c.attributes.name}`),
      [`images ${IMAGE}`, `images ${GONE}`, `files odd,name:1%.Dockerfile:3 ${IMAGE}`, "files ./Dockerfile:2"],
    );
    assert.deepEqual(
      failing.map((c) => c.attributes.name),
      [GONE, `odd,name:1%.Dockerfile:3 ${IMAGE}`],
      "warnings are not failures",
    );
  });

  it("escapes messages so they read back unchanged", () => {
    const failure = elementsNamed(root, "failure").find((f) => f.attributes.type === "unpinned");
    assert.ok(failure?.attributes.message?.startsWith(`Cannot check: 100% sure, "a" < b & c's`));
    assert.equal(failure?.text, `odd,name:1%.Dockerfile:3: ${NASTY}`);
  });

  it("the checker itself rejects what is not well-formed", () => {
    for (const bad of ['<a b="1" b="2"/>', "<a>x & y</a>", "<a><b></a></b>", '<a b="<"/>', "<a/><a/>", "<a>"]) {
      assert.throws(() => parseXml(bad), /Not well-formed/, bad);
    }
  });
});

describe("renderCheck text and json", () => {
  it("text: one file:line line per finding, then the summary", () => {
    const lines = renderCheck(report(), "text", { version: "0" }).trimEnd().split("\n");
    assert.equal(
      lines.at(-1),
      "check: 2 images — 0 ok, 1 drifted, 1 missing, 0 not verifying, 0 could not be checked; 2 file findings; 2 errors, 2 warnings",
    );
    assert.ok(lines.includes("./Dockerfile:2: warning [cannot-pin] ruby:${V} cannot be pinned: ARG V has no default."));
    assert.ok(lines.includes('odd,name:1%.Dockerfile:3: error [unpinned] Cannot check: 100% sure, "a" < b & c\'s'));
    assert.ok(lines.some((l) => l.startsWith("digestguard.lock: note [could-not-check] ")));
  });

  it("json: the report itself, schema version 1", () => {
    assert.deepEqual(JSON.parse(renderCheck(report(), "json", { version: "0" })), report());
  });
});
