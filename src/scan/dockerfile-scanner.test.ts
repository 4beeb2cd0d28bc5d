import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DigestguardError } from "../errors/error.js";
import { scanDockerfile } from "./dockerfile-scanner.js";

function instructions(text: string): string[] {
  return scanDockerfile(text, "Dockerfile").instructions.map((i) => `${i.line}:${i.keyword} ${i.args.text}`);
}

function directives(text: string): string[] {
  return scanDockerfile(text, "Dockerfile").directives.map((d) => `${d.name}=${d.value}@${d.start}`);
}

function usageError(pattern: RegExp) {
  return (error: unknown) => error instanceof DigestguardError && error.code === "USAGE" && pattern.test(error.message);
}

describe("scanDockerfile", () => {
  it("reads parser directives only from the leading comment block", () => {
    assert.deepEqual(directives("# syntax=a:1\n#escape=`\nFROM x\n"), ["syntax=a:1@9", "escape=`@21"]);
    assert.deepEqual(directives("  #  SYNTAX  =  a:1  \r\nFROM x\n"), ["syntax=a:1@16"]);
    assert.deepEqual(directives("# comment\n# syntax=a:1\n"), [], "a plain comment ends the block");
    assert.deepEqual(directives("\n# syntax=a:1\n"), [], "an empty line ends the block");
    assert.deepEqual(directives("# unknown=1\n# syntax=a:1\n"), [], "an unknown directive ends the block");
    assert.deepEqual(directives("FROM x\n# syntax=a:1\n"), []);
    assert.deepEqual(directives("\uFEFF# syntax=a:1\n"), ["syntax=a:1@10"], "a byte-order mark is skipped");
  });

  it("refuses a repeated directive and an escape that is neither \\ nor `", () => {
    assert.throws(() => scanDockerfile("# syntax=a\n# syntax=b\n", "D"), usageError(/only one "syntax"/));
    assert.throws(() => scanDockerfile("# escape=!\nFROM x\n", "D"), usageError(/escape directive must be/));
  });

  it("joins continuations, dropping comment and blank lines inside them", () => {
    assert.deepEqual(instructions("FROM \\\n  # c\n\n   \n  alpine \\  \n AS a\nRUN x\n"), [
      "1:from alpine  AS a",
      "7:run x",
    ]);
    assert.deepEqual(instructions("# escape=`\nRUN a \\\nFROM b `\r\n c\n"), ["2:run a \\", "3:from b  c"]);
  });

  it("keeps the file offset of every joined character", () => {
    const text = "from \\\r\n  alpine:3\r\n";
    const [from] = scanDockerfile(text, "D").instructions;
    assert.equal(from?.keyword, "from");
    assert.equal(from?.args.text, "alpine:3");
    assert.deepEqual(from?.args.offsets, [10, 11, 12, 13, 14, 15, 16, 17]);
  });

  it("skips comments and blank lines between instructions, and leading whitespace", () => {
    assert.deepEqual(instructions("\n# c\n\t  FROM a\n   \n  # FROM b\nrun c\n"), ["3:from a", "6:run c"]);
  });

  it("skips heredoc bodies so their lines are never instructions", () => {
    const text = 'RUN <<EOF\nFROM evil\nEOF\nCOPY <<-A <<"B" /x\n\tFROM a\n\tA\nFROM b\n  B\nB\nFROM ok\n';
    assert.deepEqual(instructions(text), ["1:run <<EOF", '4:copy <<-A <<"B" /x', "10:from ok"]);
  });

  it("ends a heredoc only at a line that is exactly its name (CRLF allowed)", () => {
    assert.deepEqual(instructions("RUN <<EOF\r\n EOF\r\nEOF \r\nEOF\r\nFROM x\r\n"), ["1:run <<EOF", "5:from x"]);
    assert.deepEqual(
      instructions("RUN <<EOF\n\tEOF\nEOF\nFROM x\n"),
      ["1:run <<EOF", "4:from x"],
      "tabs count without <<-",
    );
  });

  it("opens heredocs only on RUN, COPY, ADD and ONBUILD of those, in shell form", () => {
    assert.deepEqual(instructions("ENV A=<<EOF\nFROM x\n"), ["1:env A=<<EOF", "2:from x"]);
    assert.deepEqual(instructions('RUN ["sh", "<<EOF"]\nFROM x\n'), ['1:run ["sh", "<<EOF"]', "2:from x"]);
    assert.deepEqual(instructions('RUN echo "a <<EOF"\nFROM x\n'), ['1:run echo "a <<EOF"', "2:from x"]);
    assert.deepEqual(instructions("ONBUILD RUN <<EOF\nFROM y\nEOF\nFROM x\n"), ["1:onbuild RUN <<EOF", "4:from x"]);
    assert.deepEqual(instructions("RUN cat 3<<EOF\nFROM y\nEOF\n"), ["1:run cat 3<<EOF"]);
  });

  it("reads a heredoc opened after a continuation", () => {
    assert.deepEqual(instructions("RUN --mount=x \\\n  <<EOF\nFROM y\nEOF\nFROM z\n"), [
      "1:run --mount=x   <<EOF",
      "5:from z",
    ]);
  });

  it("refuses a heredoc that is never closed", () => {
    assert.throws(
      () => scanDockerfile("FROM a\nRUN <<EOF\necho\n", "app.Dockerfile"),
      usageError(/app\.Dockerfile: the heredoc <<EOF opened on line 2/),
    );
  });

  it("reads a file without a final newline and an empty file", () => {
    assert.deepEqual(instructions("FROM a"), ["1:from a"]);
    assert.deepEqual(instructions(""), []);
    assert.deepEqual(instructions("FROM a \\"), ["1:from a "]);
  });
});
