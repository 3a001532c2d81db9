// path.* inside the component against Node's own path.posix, on a corpus of awkward paths
// (empty, roots, repeated and trailing slashes, dots, climbs, hidden files, multi-byte names)
// and every pair of them for join.
import { test } from "node:test";
import assert from "node:assert/strict";
import { posix } from "node:path";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { transpile } from "@bytecodealliance/jco";
import { compileExample, runnableExamples, workDir } from "../support/examples.mjs";

const corpus = [
  "", "/", "//", "///", ".", "..", "./", "../", "a", "a/", "/a", "/a/", "a/b", "a//b", "a/./b", "a/../b",
  "../a", "../../a/b/..", "/..", "/../a", "a/..", "a/../..", "./a/./b/.", "...", ".../..", "a/.../b",
  ".hidden", "/x/.hidden", ".hidden.txt", "file.", "file..", "..ext", "a.b.c", "/a.b/c", "a/b.c/",
  "report.final.md", "/home/user/docs/", "é/ü.tår.gz", "日本/語.txt", "a/b/c/d/../../e", "//a//b//",
];

test("path.* gives what Node's path.posix gives", async () => {
  const example = runnableExamples().find((e) => e.name === "paths");
  assert.ok(example, "examples/paths.cov");
  const dir = workDir("node/paths-posix");
  const { files } = await transpile(compileExample(example, dir), { name: "paths", outDir: dir, quiet: true });
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, contents);
  }
  const m = await import("file://" + join(dir, "paths.js"));
  let checked = 0;
  for (const p of corpus) {
    assert.equal(m.normalize(p), posix.normalize(p), `normalize(${JSON.stringify(p)})`);
    assert.equal(m.dirname(p), posix.dirname(p), `dirname(${JSON.stringify(p)})`);
    assert.equal(m.basename(p), posix.basename(p), `basename(${JSON.stringify(p)})`);
    assert.equal(m.extname(p), posix.extname(p), `extname(${JSON.stringify(p)})`);
    assert.equal(m.isAbsolute(p), posix.isAbsolute(p), `is_absolute(${JSON.stringify(p)})`);
    for (const q of corpus) {
      assert.equal(m.join(p, q), posix.join(p, q), `join(${JSON.stringify(p)}, ${JSON.stringify(q)})`);
      checked++;
    }
  }
  assert.equal(checked, corpus.length * corpus.length);
});
