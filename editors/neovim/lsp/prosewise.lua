-- Prosewise language server config for Neovim 0.11+ (`:h lsp-config`).
-- With this directory on 'runtimepath', `vim.lsp.enable('prosewise')` is enough.
-- Settings use the same camelCase keys as VS Code (`prosewise.*`) and the CLI's
-- .prosewise.toml; keys left out fall back to the project file.
---@type vim.lsp.Config
return {
  cmd = { 'prosewise', 'lsp', '--stdio' },
  filetypes = {
    'markdown', 'text', 'gitcommit', 'tex', 'html', 'rst', 'python', 'javascript', 'javascriptreact',
    'typescript', 'typescriptreact', 'go', 'rust', 'java', 'c', 'cpp', 'sh', 'bash', 'zsh',
    'asciidoc', 'org', 'typst',
  },
  root_markers = { '.prosewise.toml', '.prosewise', 'pyproject.toml', '.git' },
  -- Neovim 0.11 pulls diagnostics; the server then never pushes (no duplicates).
  capabilities = {
    general = { positionEncodings = { 'utf-8', 'utf-16' } },
    workspace = { diagnostics = { refreshSupport = true } },
  },
  handlers = {
    -- Neovim pulls again only after an edit; the server asks for a pull after
    -- "add to dictionary", "ignore" or "disable rule" changed the suggestions.
    ['workspace/diagnostic/refresh'] = function(_, _, ctx)
      local client = assert(vim.lsp.get_client_by_id(ctx.client_id))
      for bufnr in pairs(client.attached_buffers) do
        local params = { textDocument = vim.lsp.util.make_text_document_params(bufnr) }
        client:request('textDocument/diagnostic', params, nil, bufnr)
      end
      return vim.NIL
    end,
  },
  init_options = {
    -- debounceMs = 10,
  },
  settings = {
    prosewise = {
      -- goals = { dialect = 'en-GB', audience = 'general', formality = 'formal' },
      -- profile = 'balanced',
      -- rules = { ['style.passive-voice'] = false },
    },
  },
}
