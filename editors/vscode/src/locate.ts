// Where the language server is: the configured command; else the Python extension's
// selected interpreter, when it has Prosewise; else `prosewise` on PATH; else the one
// "Install Prosewise" put in the extension's storage. Each step says what it tried.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { SECTION } from "./settings";
import { venvExecutable } from "./paths";
import { selectedInterpreter } from "./python";

export interface ServerCommand {
  command: string;
  args: string[];
  /** Where it came from, for messages: "prosewise.server.command", "PATH", ... */
  source: string;
}

export interface Located {
  found?: ServerCommand;
  /** One line per place looked at, for the notification when nothing is found. */
  tried: string[];
}

export const MODULE_ARGS = ["-m", "prosewise.server.lsp"];
const PROBE_MS = 20_000;

export async function locateServer(storage: vscode.Uri): Promise<Located> {
  const tried: string[] = [];
  const configured = vscode.workspace.getConfiguration(SECTION).get<string[]>("server.command", []);
  if (configured.length > 0) {
    const [command, ...args] = configured;
    return { found: { command, args, source: "prosewise.server.command" }, tried };
  }
  tried.push("prosewise.server.command: not set");

  const python = await selectedInterpreter();
  if (python === undefined) {
    tried.push("Python extension: not installed or no interpreter selected");
  } else if (await hasProsewise(python)) {
    return { found: { command: python, args: MODULE_ARGS, source: `interpreter ${python}` }, tried };
  } else {
    tried.push(`Python extension's interpreter ${python}: Prosewise not installed`);
  }

  const onPath = which("prosewise");
  if (onPath !== undefined) {
    return { found: { command: onPath, args: ["lsp"], source: `PATH (${onPath})` }, tried };
  }
  tried.push("PATH: no prosewise command");

  const installed = venvExecutable(storage);
  if (fs.existsSync(installed) && (await hasProsewise(installed))) {
    return { found: { command: installed, args: MODULE_ARGS, source: "installed by the extension" }, tried };
  }
  return { tried };
}

/** Whether `python` can import the server (a broken or foreign interpreter cannot). */
export function hasProsewise(python: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(python, ["-c", "import prosewise.server.lsp"], { timeout: PROBE_MS }, (error) =>
      resolve(error === null));
  });
}

/** The full path of `name` on PATH (with PATHEXT on Windows), if any. */
export function which(name: string): string | undefined {
  const extensions = process.platform === "win32"
    ? (process.env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";")
    : [""];
  for (const folder of (process.env.PATH ?? "").split(path.delimiter)) {
    for (const extension of extensions) {
      const candidate = path.join(folder, name + extension);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) {
          return candidate;
        }
      } catch {
        // not here
      }
    }
  }
  return undefined;
}
