// Prosewise for VS Code: finds or installs the language server (`prosewise lsp
// --stdio`), starts it through vscode-languageclient and keeps it in step with the
// settings. Diagnostics, quick fixes and the persistent actions (ignore, add to
// dictionary, disable rule) are the server's; this side only wires up the process,
// the settings, the status bar and the commands. One concern per file:
//   locate.ts / python.ts / install.ts / help.ts   finding and installing the server
//   session.ts   the client's lifecycle          settings.ts   what the server is sent
//   status.ts    the status bar                 commands.ts   palette commands
import * as vscode from "vscode";
import { registerCommands } from "./commands";
import { onInterpreterChange } from "./python";
import { Session } from "./session";
import { SECTION, serverSettingKeys } from "./settings";
import { StatusBar } from "./status";

let session: Session | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("Prosewise");
  const status = new StatusBar();
  session = new Session(context, output, status, serverSettingKeys(context.extension.packageJSON));
  const current = session;
  context.subscriptions.push(
    output, status, current,
    registerCommands(current, output),
    vscode.workspace.onDidChangeConfiguration((change) => {
      if (change.affectsConfiguration(`${SECTION}.server`)) {
        void current.restart();  // another command: a new server, no window reload
      } else if (change.affectsConfiguration(SECTION)) {
        current.settingsChanged();
      }
    }),
    await onInterpreterChange(() => {
      if (vscode.workspace.getConfiguration(SECTION).get<string[]>("server.command", []).length === 0) {
        void current.restart();  // the server may come from that interpreter
      }
    }),
  );
  await current.restart();
}

export async function deactivate(): Promise<void> {
  await session?.shutdown();
}
