-- Prosewise for Neovim 0.11+: registers the server with vim.lsp.config/enable and
-- adds commands for what the server offers beyond diagnostics and code actions.
--
--   require('prosewise').setup({ settings = { profile = 'picky', goals = { dialect = 'en-GB' } } })
--
-- `settings` takes the keys of VS Code's `prosewise.*` settings (camelCase, as in
-- .prosewise.toml); `settings = { prosewise = { ... } }` works too. Any other key is a
-- vim.lsp.Config field (cmd, filetypes, root_markers, ...). See `:help prosewise`.
--
-- Quick fixes, "ignore this occurrence", "add to dictionary" and "disable rule"
-- are ordinary code actions (`vim.lsp.buf.code_action()`, `gra`): the server
-- carries them out itself and writes `.prosewise/` in the workspace.
local M = {}

local function run(command, show)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = vim.lsp.get_clients({ bufnr = bufnr, name = 'prosewise' })[1]
  if not client then
    vim.notify('Prosewise is not attached to this buffer', vim.log.levels.WARN)
    return
  end
  local params = { command = command, arguments = { vim.uri_from_bufnr(bufnr) } }
  client:request('workspace/executeCommand', params, function(err, result)
    if err then
      vim.notify('Prosewise: ' .. err.message, vim.log.levels.ERROR)
    elseif show then
      show(result)
    end
  end, bufnr)
end

local function show_lines(title, lines)
  vim.cmd('botright new')
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.api.nvim_buf_set_name(buf, title)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
end

local function decisions(result)
  local lines = {}
  for _, d in ipairs(result or {}) do
    table.insert(lines, string.format('%-8s %-28s %q  %s', d.outcome, d.rule, d.text, d.reason))
  end
  show_lines('Prosewise decision log', lines)
end

local function tone(result)
  if result == vim.NIL or result == nil then
    vim.notify('Prosewise: the document is too short to judge its tone')
    return
  end
  local lines = { 'Tone: ' .. result.headline }
  for _, t in ipairs(result.traits or {}) do
    table.insert(lines, string.format('  %-12s %.2f  %s', t.name, t.score, table.concat(t.evidence or {}, '; ')))
  end
  show_lines('Prosewise tone', lines)
end

local function status(result)
  local engines = {}
  for name, state in vim.spairs(result.engines or {}) do
    table.insert(engines, name .. ' ' .. state)
  end
  vim.notify(string.format('Prosewise %s: %s diagnostics, %s; engines: %s', result.version,
    result.diagnostics, result.dialect, table.concat(engines, ', ')))
end

local function model(result)
  local text = string.format('Prosewise: model %s, %d blocks asked', result.llm, result.asked)
  if result.reason ~= nil and result.reason ~= vim.NIL then
    text = text .. ' (' .. result.reason .. ')'
  end
  vim.notify(text)
end

--- The `prosewise` settings section: `settings` holds its keys, or the whole section.
local function section(settings)
  if settings == nil or settings.prosewise ~= nil then
    return settings
  end
  return { prosewise = settings }
end

---@param opts? vim.lsp.Config|{settings?: table} merged over editors/neovim/lsp/prosewise.lua
function M.setup(opts)
  opts = vim.deepcopy(opts or {})
  opts.settings = section(opts.settings)
  local base = dofile(vim.api.nvim_get_runtime_file('lsp/prosewise.lua', false)[1])
  vim.lsp.config('prosewise', vim.tbl_deep_extend('force', base, opts))
  vim.lsp.enable('prosewise')
  local commands = {
    ProsewiseRecheck = { 'prosewise.recheck', nil, 'Check the buffer again' },
    ProsewiseDecisions = { 'prosewise.showDecisions', decisions, "Show the ranking agent's decisions" },
    ProsewiseTone = { 'prosewise.showTone', tone, "Show the buffer's tone" },
    ProsewiseCheckWithModel = { 'prosewise.checkWithModel', model, 'Ask the configured model now' },
    ProsewiseStatus = { 'prosewise.status', status, "Show the server's version and engines" },
  }
  for name, spec in pairs(commands) do
    vim.api.nvim_create_user_command(name, function() run(spec[1], spec[2]) end, { desc = spec[3] })
  end
end

return M
