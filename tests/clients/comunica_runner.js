#!/usr/bin/env node
// Runs comunica-sparql command lines one after another in one Node process, so a test module
// pays Node's start and Comunica's loading (about 300 packages) once, not once per query.
//
// Each line on stdin is a JSON array: the arguments one would give `comunica-sparql`. Each is
// run as that command runs it (node_modules/@comunica/query-sparql/bin/query.js: the default
// engine's ActorInitQuery.run with those arguments), by a new engine made for it, so nothing a
// query fetched or learnt is kept for the next. For each line, one line on stdout:
// {"code": 0 or 1, "stdout": what the command prints, "stderr": its error}. Comunica's own log
// goes to stderr, as the command's does. Driven by tests/system/test_comunica.py.
"use strict";

const readline = require("node:readline");
const makeEngine = require("@comunica/query-sparql/engine-default.js");

function collect(stream) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    stream.on("data", (chunk) => chunks.push(Buffer.from(chunk)));
    stream.on("error", reject);
    stream.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

async function runOne(argv) {
  try {
    const result = await makeEngine().run({ argv, env: process.env });
    if (result.stderr) {
      return { code: 1, stdout: "", stderr: await collect(result.stderr) };
    }
    return { code: 0, stdout: await collect(result.stdout), stderr: "" };
  } catch (error) {
    return { code: 1, stdout: "", stderr: String(error && error.stack ? error.stack : error) };
  }
}

async function main() {
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) {
      continue;
    }
    const answer = await runOne(JSON.parse(line));
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
