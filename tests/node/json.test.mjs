// json.* inside the component against JavaScript's own JSON: parse then stringify, and parse
// then format (with two spaces and with a tab), on a corpus of valid texts; every invalid text is
// rejected (JSON.parse throws on each), with line and column.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { transpile } from "@bytecodealliance/jco";
import { compileExample, runnableExamples, workDir } from "../support/examples.mjs";

const valid = [
  "null", "true", "false", "0", "-0", "1", "-1", "3.14159", "1e3", "1E-3", "-2.5e+10", "0.1", "5e-324",
  "1.7976931348623157e308", "9007199254740993", "123456789012345678901234", "1e21", "1.5e300", "1e-7",
  '""', '"plain"', '"\\"quoted\\" \\\\ \\/ \\b\\f\\n\\r\\t"', '"\\u00e9\\u4e2d\\ud83e\\udd80"',
  '"raw é 中 🦀"', '"\\u0001\\u001f control"', "[]", "{}", "[[]]", "[{}]", '{"a":{}}', "[1,2,3]",
  ' [ 1 , "two" , [ 3 , [ 4 ] ] , { "five" : 5 } ] ', '{"b": 1, "a": 2, "b": 3}',
  '{"name":"Ada","tags":["x","y"],"n":{"deep":{"deeper":[null,true,false]}}}',
  "\n\t{\r\n\"spaced\"\t:\n[ ]\n}\n", JSON.stringify({ big: Array.from({ length: 300 }, (_, i) => ({ i, s: "v" + i })) }),
  "[".repeat(500) + "]".repeat(500),
];

const invalid = [
  "", " ", "nul", "tru", "True", "undefined", "NaN", "Infinity", "01", "-", "1.", ".5", "1e", "1e+", "+1",
  "0x10", '"unterminated', '"bad \\x escape"', '"\\u12"', '"tab\tinside"', "[1,]", "[1 2]", "{,}", '{"a"}',
  '{"a":}', '{"a":1,}', "{a:1}", "{'a':1}", "[", "]", "{", '{"a":1}}', "[1]x", "1 2", "//c\n1",
];

test("json.parse, stringify and format agree with JavaScript's JSON", async () => {
  const example = runnableExamples().find((e) => e.name === "json");
  assert.ok(example, "examples/json.cov");
  const dir = workDir("node/json-js");
  const { files } = await transpile(compileExample(example, dir), { name: "json", outDir: dir, quiet: true });
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, contents);
  }
  const m = await import("file://" + join(dir, "json.js"));
  for (const text of valid) {
    const value = JSON.parse(text);
    assert.equal(m.valid(text), true, `valid(${JSON.stringify(text).slice(0, 80)})`);
    assert.equal(m.roundtrip(text), JSON.stringify(value), `roundtrip(${JSON.stringify(text).slice(0, 80)})`);
    assert.equal(m.pretty(text, "  "), JSON.stringify(value, null, "  "), `format 2 (${text.slice(0, 60)})`);
    assert.equal(m.pretty(text, "\t"), JSON.stringify(value, null, "\t"), `format tab (${text.slice(0, 60)})`);
  }
  for (const text of invalid) {
    assert.throws(() => JSON.parse(text), SyntaxError, `JavaScript accepts ${JSON.stringify(text)}`);
    assert.equal(m.valid(text), false, `valid(${JSON.stringify(text).slice(0, 80)})`);
    assert.match(m.roundtrip(text), /^error at \d+:\d+: \S/, `roundtrip(${JSON.stringify(text).slice(0, 80)})`);
  }
  // UTF-8 cannot hold a lone surrogate: it reads as U+FFFD (JavaScript keeps it).
  assert.equal(m.roundtrip('"lone \\ud800 surrogate"'), '"lone \ufffd surrogate"');
  // Positions count lines from 1 and columns in characters.
  assert.equal(m.roundtrip('{"a": 1,\n  "b" 2}'), "error at 2:7: expected ':' after the key");
  assert.equal(m.roundtrip('["é", ?]'), "error at 1:7: unexpected character");
  assert.equal(m.roundtrip("[1, 2"), "error at 1:6: unexpected end of input");
  // Random texts made of JSON's pieces: accepted exactly when JavaScript accepts them, and every
  // accepted one round-trips to JavaScript's text (a seeded generator, so a failure repeats).
  let seed = 12345;
  const next = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  const pieces = ["{", "}", "[", "]", ",", ":", '"', '"a"', '"\\u00e9"', "\\", "1", "-", "0", ".", "e", "+", "2",
    "true", "false", "null", " ", "\n", "x", '""', "[]", "{}", '{"k":', "é"];
  let accepted = 0;
  for (let n = 0; n < 3000; n++) {
    const text = Array.from({ length: 1 + next(12) }, () => pieces[next(pieces.length)]).join("");
    let js;
    try {
      js = JSON.stringify(JSON.parse(text));
    } catch {
      js = undefined;
    }
    assert.equal(m.valid(text), js !== undefined, `valid(${JSON.stringify(text)})`);
    if (js !== undefined) {
      accepted++;
      assert.equal(m.roundtrip(text), js, `roundtrip(${JSON.stringify(text)})`);
    } else {
      assert.match(m.roundtrip(text), /^error at \d+:\d+: /, `roundtrip(${JSON.stringify(text)})`);
    }
  }
  assert.ok(accepted > 100, `only ${accepted} random texts were JSON`);
  // Numbers: fast and exact paths of reading, shortest writing, against JavaScript.
  const digits = (k) => Array.from({ length: k }, () => next(10)).join("");
  const numbers = Array.from({ length: 2000 }, () => {
    const int = String(Number(digits(1 + next(19))));
    const frac = next(2) ? "." + digits(1 + next(18)) : "";
    const exp = next(3) ? "" : "e" + ["", "+", "-"][next(3)] + String(next(330));
    return (next(2) ? "-" : "") + int + frac + exp;
  });
  const array = "[" + numbers.join(",") + "]";
  assert.equal(m.roundtrip(array), JSON.stringify(JSON.parse(array)));
  // Deeper than 512 levels is refused (JavaScript goes on to its own stack limit).
  assert.equal(m.roundtrip("[".repeat(600)), "error at 1:514: nesting deeper than 512 levels");
  assert.equal(m.valid("[".repeat(600) + "]".repeat(600)), false);
});
