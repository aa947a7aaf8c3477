// `npm run configuration`: regenerates package.json's settings from the Python model
// (generate_configuration.py) with a Python that can import Prosewise. Tried in order:
// $PROSEWISE_PYTHON, the active virtual environment ($VIRTUAL_ENV), the repository's
// .venv, then python3 on PATH.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const here = path.resolve(__dirname, "..");
const bin = process.platform === "win32" ? ["Scripts", "python.exe"] : ["bin", "python"];
const candidates = [
  process.env.PROSEWISE_PYTHON,
  process.env.VIRTUAL_ENV && path.join(process.env.VIRTUAL_ENV, ...bin),
  path.join(here, "..", "..", ".venv", ...bin),
].filter((p) => p && fs.existsSync(p));
candidates.push(process.platform === "win32" ? "python" : "python3");

for (const python of candidates) {
  const probe = spawnSync(python, ["-c", "import prosewise.agents.settings"], { stdio: "ignore" });
  if (probe.status === 0) {
    const run = spawnSync(python, [path.join(here, "generate_configuration.py")], { stdio: "inherit" });
    process.exit(run.status ?? 1);
  }
}
console.error(
  `No Python that can import prosewise among: ${candidates.join(", ")}.\n` +
  "Create the repository's venv (python3 -m venv .venv && .venv/bin/pip install -e .)" +
  " or set PROSEWISE_PYTHON.");
process.exit(1);
