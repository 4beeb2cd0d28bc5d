import { test } from "node:test";
import assert from "node:assert/strict";
import { parseChallenges } from "./challenge.js";

const cases: { header: string; expected: ReturnType<typeof parseChallenges> }[] = [
  {
    header:
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
    expected: [
      {
        scheme: "bearer",
        params: {
          realm: "https://auth.docker.io/token",
          service: "registry.docker.io",
          scope: "repository:library/alpine:pull",
        },
      },
    ],
  },
  { header: 'Basic realm="Registry Realm"', expected: [{ scheme: "basic", params: { realm: "Registry Realm" } }] },
  { header: "Basic", expected: [{ scheme: "basic", params: {} }] },
  {
    header: 'Basic realm="a", Bearer realm="https://t/token", service=svc',
    expected: [
      { scheme: "basic", params: { realm: "a" } },
      { scheme: "bearer", params: { realm: "https://t/token", service: "svc" } },
    ],
  },
  {
    header: 'Bearer realm="with \\"quotes\\" inside"',
    expected: [{ scheme: "bearer", params: { realm: 'with "quotes" inside' } }],
  },
  {
    header: 'BEARER Realm = "x" , Service="y"',
    expected: [{ scheme: "bearer", params: { realm: "x", service: "y" } }],
  },
  {
    header: 'Bearer scope="repository:a:pull,push"',
    expected: [{ scheme: "bearer", params: { scope: "repository:a:pull,push" } }],
  },
  { header: "", expected: [] },
];

for (const { header, expected } of cases) {
  test(`parseChallenges(${JSON.stringify(header)})`, () => {
    assert.deepEqual(parseChallenges(header), expected);
  });
}
