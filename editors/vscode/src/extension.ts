// Prosewise for VS Code: starts `prosewise lsp --stdio` and lets vscode-languageclient
// do the rest. Diagnostics (pull, since VS Code supports it), quick fixes and the
// persistent actions (ignore, add to dictionary, disable rule) are all carried out
// by the server, so this file only wires up the process, settings and commands.
// Palette commands are `prosewise.editor.*`: the `prosewise.*` ids belong to the
// server (vscode-languageclient registers those itself).
import * as vscode from "vscode";
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function serverOptions(): ServerOptions {
  const config = vscode.workspace.getConfiguration("prosewise");
  const [command, ...args] = config.get<string[]>("server.command", ["prosewise", "lsp"]);
  return { command, args, transport: TransportKind.stdio };
}

function clientOptions(): LanguageClientOptions {
  return {
    documentSelector: [
      { scheme: "file", language: "markdown" },
      { scheme: "file", language: "plaintext" },
      { scheme: "file", language: "latex" },
      { scheme: "file", language: "git-commit" },
      { scheme: "file", language: "html" },
      { scheme: "file", language: "restructuredtext" },
      { scheme: "file", language: "python" },
      { scheme: "file", language: "javascript" },
      { scheme: "file", language: "javascriptreact" },
      { scheme: "file", language: "typescript" },
      { scheme: "file", language: "typescriptreact" },
      { scheme: "file", language: "go" },
      { scheme: "file", language: "rust" },
      { scheme: "file", language: "java" },
      { scheme: "file", language: "c" },
      { scheme: "file", language: "cpp" },
      { scheme: "file", language: "shellscript" },
      { scheme: "untitled", language: "markdown" },
    ],
    initializationOptions: vscode.workspace.getConfiguration("prosewise"),
    synchronize: { configurationSection: "prosewise" },
  };
}

async function runOnActiveDocument(command: string): Promise<unknown> {
  const editor = vscode.window.activeTextEditor;
  if (!client || !editor) {
    return undefined;
  }
  const uri = editor.document.uri.toString();
  return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [uri] });
}

async function showAsDocument(command: string, title: string): Promise<void> {
  const result = await runOnActiveDocument(command);
  const content = `# ${title}\n\n\`\`\`json\n${JSON.stringify(result, null, 2)}\n\`\`\`\n`;
  const doc = await vscode.workspace.openTextDocument({ language: "markdown", content });
  await vscode.window.showTextDocument(doc, { preview: true });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  client = new LanguageClient("prosewise", "Prosewise", serverOptions(), clientOptions());
  context.subscriptions.push(
    vscode.commands.registerCommand("prosewise.editor.recheck", () => runOnActiveDocument("prosewise.recheck")),
    vscode.commands.registerCommand("prosewise.editor.showDecisions", () =>
      showAsDocument("prosewise.showDecisions", "Prosewise decision log")),
    vscode.commands.registerCommand("prosewise.editor.showTone", () =>
      showAsDocument("prosewise.showTone", "Prosewise tone summary")),
    vscode.commands.registerCommand("prosewise.editor.checkWithModel", () =>
      runOnActiveDocument("prosewise.checkWithModel")),
    modelStatus(client),
  );
  await client.start();
}

interface ModelStatus {
  llm: "checking" | "ready" | "paused";
  reason: string | null;
}

// The server's `prosewise/status` notification (sent only with a model configured) as
// a status bar item: "LLM: checking", "LLM: ready", "LLM: paused" with the reason.
function modelStatus(languageClient: LanguageClient): vscode.Disposable {
  const item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right);
  item.command = "prosewise.editor.checkWithModel";
  const listening = languageClient.onNotification("prosewise/status", (status: ModelStatus) => {
    item.text = status.llm === "checking" ? "$(sync~spin) LLM: checking" : `LLM: ${status.llm}`;
    item.tooltip = status.reason ?? "Prosewise: ask the model about this document now";
    item.show();
  });
  return vscode.Disposable.from(item, listening);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
