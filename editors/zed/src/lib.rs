//! Zed runs a language server only through an extension: this one starts
//! `prosewise lsp --stdio` (or `lsp.prosewise.binary` from settings.json) and hands the
//! server the `lsp.prosewise.settings` and `initialization_options` the user wrote.
use zed_extension_api::{self as zed, serde_json, settings::LspSettings, LanguageServerId, Result};

struct Prosewise;

fn settings(id: &LanguageServerId, worktree: &zed::Worktree) -> Option<LspSettings> {
    LspSettings::for_worktree(id.as_ref(), worktree).ok()
}

impl zed::Extension for Prosewise {
    fn new() -> Self {
        Prosewise
    }

    fn language_server_command(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let binary = settings(id, worktree).and_then(|s| s.binary);
        let path = binary
            .as_ref()
            .and_then(|b| b.path.clone())
            .or_else(|| worktree.which("prosewise"))
            .ok_or("prosewise is not on PATH: pip install prosewise, or set lsp.prosewise.binary.path")?;
        let args = binary
            .and_then(|b| b.arguments)
            .unwrap_or_else(|| vec!["lsp".into(), "--stdio".into()]);
        Ok(zed::Command { command: path, args, env: worktree.shell_env() })
    }

    fn language_server_initialization_options(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        Ok(settings(id, worktree).and_then(|s| s.initialization_options))
    }

    fn language_server_workspace_configuration(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        Ok(settings(id, worktree).and_then(|s| s.settings))
    }
}

zed::register_extension!(Prosewise);
