// url.* inside the component against JavaScript's WHATWG URL: href, the parts, and relative
// resolution, on a corpus of ordinary URLs (special and other schemes, ports, dot segments,
// backslashes, queries and fragments that need percent-encoding).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { transpile } from "@bytecodealliance/jco";
import { compileExample, runnableExamples, workDir } from "../support/examples.mjs";

const urls = [
  "https://example.com", "https://example.com/", "HTTP://EXAMPLE.COM/A/B", "http://example.com:80/x",
  "http://example.com:8080/x", "https://example.com:443/", "https://example.com:444/", "ws://h:80/", "wss://h:443/s",
  "ftp://files.example.com:21/pub", "http://h/a/./b/../c", "http://h/a/b/..", "http://h/a/b/.", "http://h/..",
  "http://h/a//b", "http://h\\a\\b", "http:\\\\h\\x", "http:h/x", "http:///h/x", "  http://h/trim  ",
  "https://h/p?q=1&r=2#frag", "https://h/p?#", "https://h/p?", "https://h/p#",
  "https://h/p q?a b#c d", "https://h/é?ü#ö", "https://h/<>\"`{}?'<>\"`#<>\"`", "https://h/p?a=%20",
  "mailto:someone@example.com", "urn:isbn:0451450523", "data:text/plain,hi there", "foo://host:9/p?q#f",
  "file:///tmp/x.txt", "file:///C:/dir/file", "http://[::1]:8080/v", "http://h:0/", "http://h:65535/",
];
const invalid = ["", "example.com", "/relative", "http://", "https://:443/x", "http://h:65536/", "http://h:12a/", "1http://h/"];
const bases = ["https://example.com/api/v1/", "https://example.com/api/v1/users?x=1#y", "http://h:8080/a/b/c"];
const relatives = ["../v2/users", "./x", "x", "/root", "//other.example/p", "?q=2", "#z", "", "../../..", "https://abs.example/p", "a/./b/../c"];

test("url.parse, format and resolve agree with the WHATWG URL", async () => {
  const example = runnableExamples().find((e) => e.name === "urls");
  assert.ok(example, "examples/urls.cov");
  const dir = workDir("node/url-whatwg");
  const { files } = await transpile(compileExample(example, dir), { name: "urls", outDir: dir, quiet: true });
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, contents);
  }
  const m = await import("file://" + join(dir, "urls.js"));
  for (const raw of urls) {
    const u = new URL(raw);
    assert.equal(m.href(raw), u.href, `href(${JSON.stringify(raw)})`);
    // A `?` or `#` with nothing after it is present (LANGUAGE-DECISIONS 30), as in `href`.
    const search = u.search || (u.href.split("#")[0].endsWith("?") ? "?" : "-");
    const hash = u.hash || (u.href.endsWith("#") ? "#" : "-");
    const parts = [u.protocol, u.hostname, u.port || "-", u.pathname, search, hash].join(" | ");
    assert.equal(m.parts(raw), parts, `parts(${JSON.stringify(raw)})`);
  }
  // A Url has no user name or password: the parts agree, and the text leaves them out.
  assert.equal(m.parts("http://user:pw@h.example/x"), "http: | h.example | - | /x | - | -");
  assert.equal(m.href("http://user:pw@h.example/x"), "http://h.example/x");
  for (const raw of invalid) {
    assert.throws(() => new URL(raw), TypeError, `JavaScript accepts ${JSON.stringify(raw)}`);
    assert.match(m.href(raw), /^error: invalid URL/, `href(${JSON.stringify(raw)})`);
  }
  for (const base of bases) {
    for (const rel of relatives) {
      assert.equal(m.resolve(base, rel), new URL(rel, base).href, `resolve(${base}, ${rel})`);
    }
  }
});
