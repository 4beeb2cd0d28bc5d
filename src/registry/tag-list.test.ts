import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { RegistryClient } from "./registry-client.js";
import { MAX_LISTED_TAGS, nextLink } from "./tag-list.js";

const ALL_TAGS = Array.from({ length: 7 }, (_, i) => `v${i}`);
let server: Server;
let host: string;
const seen: string[] = [];

// A minimal paginating tags endpoint, as distribution 3 and most hosted registries serve it.
before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    seen.push(url.pathname + url.search);
    if (url.pathname === "/v2/") return void res.writeHead(200).end("{}");
    const n = Number(url.searchParams.get("n") ?? ALL_TAGS.length);
    const start = url.searchParams.has("last") ? ALL_TAGS.indexOf(url.searchParams.get("last") as string) + 1 : 0;
    const page = ALL_TAGS.slice(start, start + n);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (start + n < ALL_TAGS.length) headers["link"] = `</v2/app/tags/list?n=${n}&last=${page.at(-1)}>; rel="next"`;
    res.writeHead(200, headers).end(JSON.stringify({ name: "app", tags: page }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test("listTags follows Link headers page by page over plain HTTP on loopback", async () => {
  const client = new RegistryClient({ credentials: { authFile: "/nonexistent" } });
  try {
    assert.deepEqual(await client.listTags({ registry: host, repository: "app" }, { pageSize: 3 }), ALL_TAGS);
  } finally {
    await client.close();
  }
  assert.deepEqual(
    seen.filter((p) => p.includes("tags")),
    ["/v2/app/tags/list?n=3", "/v2/app/tags/list?n=3&last=v2", "/v2/app/tags/list?n=3&last=v5"],
  );
});

test("nextLink reads rel=next among several links", () => {
  const base = new URL("https://r.example/v2/app/tags/list");
  assert.equal(
    nextLink('</a>; rel="prev", </v2/app/tags/list?last=x>; rel="next"', base)?.href,
    "https://r.example/v2/app/tags/list?last=x",
  );
  assert.equal(nextLink("</a>; rel=next", base)?.href, "https://r.example/a");
  assert.equal(nextLink('</a>; rel="prev"', base), undefined);
  assert.equal(nextLink(undefined, base), undefined);
});

test("a hostile tag list cannot name a path: names outside the tag grammar are dropped, and no manifest is pushed under one", async () => {
  const hostile = [
    "1.0",
    "1.0/../../../../victim/manifests/latest",
    "a?b",
    "a#b",
    ".x",
    "-x",
    "x".repeat(129),
    "%2e%2e",
  ];
  const requests: string[] = [];
  const evil = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.url === "/v2/") return void res.writeHead(200).end("{}");
    if (req.method === "PUT") return void res.writeHead(201).end();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ name: "app", tags: hostile }));
  });
  await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
  const evilHost = `127.0.0.1:${(evil.address() as AddressInfo).port}`;
  const client = new RegistryClient({ credentials: { authFile: "/nonexistent" } });
  try {
    const repo = { registry: evilHost, repository: "mirror/app" };
    assert.deepEqual(await client.listTags(repo), ["1.0"]);
    await assert.rejects(
      client.pushManifest(repo, Buffer.from("{}"), "application/vnd.oci.image.manifest.v1+json", { tag: hostile[1] }),
      { code: "USAGE" },
    );
    assert.deepEqual(
      requests.filter((r) => r.startsWith("PUT")),
      [],
    );
  } finally {
    await client.close();
    await new Promise<void>((resolve) => evil.close(() => resolve()));
  }
});

test("a registry that pages out tags past MAX_LISTED_TAGS is stopped there, not held in memory", async () => {
  const pageSize = 100_000;
  const pages = MAX_LISTED_TAGS / pageSize + 3;
  const endless = createServer((req, res) => {
    if (req.url === "/v2/") return void res.writeHead(200).end("{}");
    const page = Number(new URL(req.url ?? "/", "http://x").searchParams.get("page") ?? 0);
    const tags = Array.from({ length: pageSize }, (_, i) => `t${page}-${i}`);
    const next = page + 1 < pages ? { link: `</v2/app/tags/list?page=${page + 1}>; rel="next"` } : {};
    res.writeHead(200, { "content-type": "application/json", ...next }).end(JSON.stringify({ name: "app", tags }));
  });
  await new Promise<void>((resolve) => endless.listen(0, "127.0.0.1", resolve));
  const endlessHost = `127.0.0.1:${(endless.address() as AddressInfo).port}`;
  const client = new RegistryClient({ credentials: { authFile: "/nonexistent" } });
  try {
    await assert.rejects(client.listTags({ registry: endlessHost, repository: "app" }), {
      code: "REGISTRY_ERROR",
      message: new RegExp(`more than ${MAX_LISTED_TAGS} tags`),
    });
  } finally {
    await client.close();
    await new Promise<void>((resolve) => endless.close(() => resolve()));
  }
});
