// Runs Amazon's apl-suggester over APL documents, offline: reads one JSON array of
// {"name", "document", "datasources"} on stdin, prints {"name": [findings...]} on stdout.
"use strict";
const { StaticAplTemplateValidator } = require("apl-suggester");

// The validator logs its own progress with console.log; keep stdout for the results.
console.log = (...args) => process.stderr.write(args.join(" ") + "\n");

async function main() {
  let input = "";
  for await (const chunk of process.stdin) input += chunk;
  const validator = new StaticAplTemplateValidator();
  const results = {};
  for (const item of JSON.parse(input)) {
    const findings = await validator.validate(item.document);
    if (item.datasources) {
      findings.push(...(await validator.validateDataSources(item.datasources)));
    }
    results[item.name] = findings.map((f) => ({
      path: f.path, level: f.level, message: f.errorMessage,
    }));
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
