// The settings the server gets: only those the writer set (user, workspace or folder),
// nested as the server reads them. VS Code would otherwise send every contributed
// setting with its default, and those defaults would hide what a project file
// (.prosewise.toml) sets. `prosewise.server.*` only says how to start the server.
import * as vscode from "vscode";

export const SECTION = "prosewise";

/** The setting keys (without `prosewise.`) that go to the server, from package.json. */
export function serverSettingKeys(packageJson: {
  contributes?: { configuration?: { properties?: Record<string, unknown> } };
}): string[] {
  const properties = packageJson.contributes?.configuration?.properties ?? {};
  return Object.keys(properties)
    .map((key) => key.slice(SECTION.length + 1))
    .filter((key) => !key.startsWith("server."));
}

/** The `prosewise` section as the writer set it, e.g. {goals: {dialect: "en-GB"}}. */
export function explicitSettings(keys: readonly string[], scope?: vscode.Uri): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const seen = config.inspect(key);
    const value = seen?.workspaceFolderValue ?? seen?.workspaceValue ?? seen?.globalValue;
    if (value !== undefined) {
      setPath(out, key.split("."), value);
    }
  }
  return out;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  const [head, ...rest] = path;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const inner = (target[head] ??= {}) as Record<string, unknown>;
  setPath(inner, rest, value);
}
