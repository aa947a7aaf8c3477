// "Prosewise: Open dictionary": the workspace dictionary the server keeps for the active
// document's folder (.prosewise/dictionary.txt, one word a line; memory.py on the
// server), created empty when the writer has added no word yet. The server re-reads it
// when it changes; saving it re-checks the active document at once.
import * as vscode from "vscode";

export const DICTIONARY = [".prosewise", "dictionary.txt"] as const;

export async function openDictionary(): Promise<void> {
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
  if (folder === undefined) {
    void vscode.window.showInformationMessage(
      "Prosewise keeps its dictionary in a workspace folder (.prosewise/dictionary.txt): open a folder first.");
    return;
  }
  const file = vscode.Uri.joinPath(folder.uri, ...DICTIONARY);
  try {
    await vscode.workspace.fs.stat(file);
  } catch {
    await vscode.workspace.fs.writeFile(file, new Uint8Array());  // creates .prosewise/ too
  }
  await vscode.window.showTextDocument(file);
}

/** Whether a saved document is a workspace dictionary. */
export function isDictionary(uri: vscode.Uri): boolean {
  return uri.path.endsWith(`/${DICTIONARY.join("/")}`);
}
