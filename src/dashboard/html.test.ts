import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { escapeHtml, html } from "./html.js";

describe("html", () => {
  it("escapes every interpolated value, in content and in attributes", () => {
    const name = `"><script>alert('x')</script>`;
    assert.equal(
      html`<a title="${name}">${name}</a>`.text,
      '<a title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</a>',
    );
  });

  it("keeps markup it built itself, joins arrays and drops empty values", () => {
    const items = ["a&b", "<c>"].map((i) => html`<li>${i}</li>`);
    assert.equal(
      html`<ul>${items}${undefined}${false}${null}</ul>`.text,
      "<ul><li>a&amp;b</li><li>&lt;c&gt;</li></ul>",
    );
  });

  it("escapes the five characters that matter and nothing else", () => {
    assert.equal(escapeHtml(`&<>"' sha256:ab/c:1`), "&amp;&lt;&gt;&quot;&#39; sha256:ab/c:1");
  });
});
