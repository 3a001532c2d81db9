// The playground's wasi:http (public/http.js) through the playground runner under Node: requests
// to the built-in API host are answered offline and logged; other hosts fail inside the program
// (Node has no synchronous XMLHttpRequest), as an HttpError rather than a crash.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generate, $init } from "@bytecodealliance/jco-transpile/component";
import { runComponent } from "../../public/runner-core.js";
import { compileExample, root, workDir } from "../support/examples.mjs";

const load = (src) => import("data:text/javascript;base64," + Buffer.from(src).toString("base64"));
const api = { name: "api", path: join(root, "examples", "api.cov") };

test("the built-in API answers, and every request is logged", async () => {
  await $init;
  const requests = [];
  const bytes = compileExample(api, workDir("http-shim"));
  const result = await runComponent(generate, bytes, load, { onRequest: (r) => requests.push(r) });
  assert.equal(result.error, "");
  assert.equal(
    result.stdout,
    '200 {"id":1,"name":"Ada Lovelace","email":"ada@example.com"}\n404 {"error":"no user 9"}\nping\n',
  );
  assert.deepEqual(
    requests.map(({ method, url, status }) => `${method} ${url} ${status}`),
    [
      "GET http://api.example.com/users/1 200",
      "GET http://api.example.com/users/9 404",
      "POST http://api.example.com/echo 200",
    ],
  );
});

test("a host other than the built-in one fails as an HttpError where there is no network", async () => {
  await $init;
  const dir = workDir("http-shim-elsewhere");
  const source = readFileSync(api.path, "utf8").replaceAll("api.example.com", "elsewhere.example.org");
  writeFileSync(join(dir, "elsewhere.cov"), source);
  const bytes = compileExample({ name: "elsewhere", path: join(dir, "elsewhere.cov") }, dir);
  const result = await runComponent(generate, bytes, load, {});
  assert.equal(result.error, "");
  const lines = result.stdout.trim().split("\n");
  assert.equal(lines.length, 3, result.stdout);
  for (const line of lines) assert.match(line, /^HTTP request failed: .*connection.refused/i);
});
