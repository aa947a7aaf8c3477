-- Neovim config for tests/nvim/test_neovim.py: start Prosewise through Neovim's own
-- LSP client, apply a quick fix, then "add to dictionary", "ignore this occurrence"
-- and "disable rule" in the file and in the workspace through its code action
-- machinery, and write what happened as JSON for the Python test to check.
--
-- Inputs (environment): PROSEWISE_PYTHON (interpreter with prosewise installed),
-- PROSEWISE_NVIM_RESULT (JSON output path), PROSEWISE_NVIM_TIMEOUT (ms per wait),
-- PROSEWISE_CONFIG ('stock': vim.lsp.config alone, no refresh handler, so the server
-- pushes; 'plugin': the repository's editors/neovim plugin, which pulls and handles
-- refresh; PROSEWISE_EDITORS is then the editors/ folder), PROSEWISE_FIX_LINE (1-based
-- line to fix), PROSEWISE_FIX_TITLE (quick fix to apply), PROSEWISE_WORD (misspelling
-- to add to the dictionary), PROSEWISE_IGNORE, PROSEWISE_FILE_RULE and
-- PROSEWISE_WORKSPACE_RULE (texts whose suggestion is ignored, or whose rule is turned
-- off in the file, then in the workspace), PROSEWISE_ENCODINGS (optional,
-- comma-separated position encodings to offer instead of the config's own list),
-- PROSEWISE_MODEL_URL (optional: a scripted model server; then the fixed line is
-- shortened by the "Shorten" rewrite action at the end).
-- Every wait is vim.wait on a condition set by an event (DiagnosticChanged,
-- on_lines); a scenario error is reported in the JSON and Neovim quits either way.

local env = vim.env
local timeout = tonumber(env.PROSEWISE_NVIM_TIMEOUT) or 20000
local result = { steps = {}, errors = vim.empty_dict(), config = env.PROSEWISE_CONFIG }

vim.lsp.log.set_level(env.PROSEWISE_NVIM_LOG or 'warn')
vim.opt.swapfile = false

local capabilities = nil
if env.PROSEWISE_ENCODINGS then
  capabilities = { general = { positionEncodings = vim.split(env.PROSEWISE_ENCODINGS, ',') } }
end

-- The model pass waits a minute: only the rewrite action asks the scripted model.
local model = env.PROSEWISE_MODEL_URL
local llm = model and { model = 'openai/test', apiBase = model, idleMs = 60000 } or nil

local cmd = { env.PROSEWISE_PYTHON or 'python3', '-m', 'prosewise.server.lsp', '--stdio' }
if env.PROSEWISE_CONFIG == 'plugin' then
  vim.opt.runtimepath:prepend(env.PROSEWISE_EDITORS .. '/neovim')
  require('prosewise').setup({
    cmd = cmd,
    capabilities = capabilities,
    -- picky shows every suggestion, so the test does not depend on ranking thresholds
    init_options = { profile = 'picky', llm = llm },
    settings = { profile = 'picky', llm = llm }, -- VS Code's shape: setup() adds the section
  })
else
  vim.lsp.config('prosewise', {
    cmd = cmd,
    filetypes = { 'markdown' },
    root_markers = { '.prosewise.toml', '.prosewise', '.git' },
    capabilities = capabilities,
    init_options = llm and { llm = llm } or nil,
  })
  vim.lsp.enable('prosewise')
end

-- Bumped on every DiagnosticChanged / buffer change; waits compare against it.
local events = { diagnostics = 0, lines = 0 }
vim.api.nvim_create_autocmd('DiagnosticChanged', {
  callback = function() events.diagnostics = events.diagnostics + 1 end,
})

-- code_action({ apply = true }) asks the user when several actions pass the filter;
-- headless there is nobody to ask, so fail fast instead of hanging.
vim.ui.select = function(items, _, on_choice)
  result.ambiguous = #items
  on_choice(nil)
end

local function step(name)
  table.insert(result.steps, name)
end

-- Run one part of the scenario; its error is kept under its name and the next part runs.
local function attempt(name, fn, ...)
  local ok, err = xpcall(fn, debug.traceback, ...)
  if not ok then result.errors[name] = tostring(err) end
  return ok
end

local function prosewise_diagnostics(buf)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.source == 'prosewise' then
      local data = vim.tbl_get(d, 'user_data', 'lsp', 'data') or {}
      table.insert(out, {
        rule = d.code, line = d.lnum + 1, col = d.col, end_col = d.end_col, message = d.message,
        text = data.text,
      })
    end
  end
  return out
end

local function wait_for(what, predicate)
  local ok = vim.wait(timeout, function() return result.ambiguous ~= nil or predicate() end, 20)
  if result.ambiguous then
    error(string.format('%d code actions matched while waiting for %s', result.ambiguous, what))
  elseif not ok then
    error('timed out waiting for ' .. what)
  end
end

-- The diagnostic of ``rule`` (any rule if nil) on ``line`` (any if nil) whose range
-- cuts ``text`` (any if nil) out of the buffer, and which quotes that text.
local function has(buf, rule, line, text)
  for _, d in ipairs(prosewise_diagnostics(buf)) do
    local lines = vim.api.nvim_buf_get_lines(buf, d.line - 1, d.line, false)
    local quoted = (lines[1] or ''):sub(d.col + 1, d.end_col)
    if (rule == nil or d.rule == rule) and (line == nil or d.line == line)
        and (text == nil or (quoted == text and d.text == text)) then
      return d
    end
  end
  return nil
end

-- Run one code action chosen by title, through vim.lsp.buf.code_action, on a diagnostic's range.
local function code_action(diag, title_matches)
  local chosen = {}
  vim.lsp.buf.code_action({
    apply = true,
    range = { start = { diag.line, diag.col }, ['end'] = { diag.line, diag.end_col } },
    filter = function(action)
      local ok = title_matches(action.title)
      if ok then table.insert(chosen, action.title) end
      return ok
    end,
  })
  return chosen
end

local function apply_quick_fix(buf)
  local line = tonumber(env.PROSEWISE_FIX_LINE)
  local title = env.PROSEWISE_FIX_TITLE
  wait_for('the article diagnostic', function() return has(buf, 'grammar.article', line) ~= nil end)
  result.before = prosewise_diagnostics(buf)
  step('diagnostics')
  local changed = events.lines
  local chosen = code_action(has(buf, 'grammar.article', line), function(t) return t == title end)
  wait_for('the quick fix edit', function() return events.lines > changed end)
  result.quick_fix = chosen
  result.fixed_lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  wait_for('diagnostics of the fixed text', function()
    return has(buf, 'grammar.article', line) == nil and #prosewise_diagnostics(buf) > 0
  end)
  result.after_fix = prosewise_diagnostics(buf)
  step('quick fix')
end

-- One persistent action (the server carries it out and writes .prosewise/): the
-- action whose title matches, on the suggestion quoting ``text``; done when that
-- suggestion has gone. Returns the titles chosen.
local function persistent(buf, rule, text, title_matches)
  wait_for('the suggestion on ' .. text, function() return has(buf, rule, nil, text) ~= nil end)
  local before = events.diagnostics
  local chosen = code_action(has(buf, rule, nil, text), title_matches)
  wait_for('the suggestion on ' .. text .. ' to go', function()
    return events.diagnostics > before and has(buf, rule, nil, text) == nil
  end)
  return chosen
end

local function add_to_dictionary(buf)
  local word = env.PROSEWISE_WORD
  result.dictionary_action = persistent(buf, 'grammar.spelling', word, function(t)
    return t:find('dictionary', 1, true) ~= nil
  end)
  result.after_dictionary = prosewise_diagnostics(buf)
  result.final_lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  step('dictionary')
end

local function ignore(buf)
  result.ignore_action = persistent(buf, nil, env.PROSEWISE_IGNORE, function(t)
    return t == 'Ignore this occurrence'
  end)
  step('ignore')
end

local function disable(name, text, where)
  return function(buf)
    result[name .. '_action'] = persistent(buf, nil, text, function(t)
      return t:match(' in this ' .. where .. '$') ~= nil
    end)
    result['after_' .. name] = prosewise_diagnostics(buf)
    step(name)
  end
end

-- "Shorten" on the whole fixed line: a refactor.rewrite action whose command makes the
-- server ask the model and send workspace/applyEdit, which Neovim applies.
local function rewrite(buf)
  local line = tonumber(env.PROSEWISE_FIX_LINE)
  local text = vim.api.nvim_buf_get_lines(buf, line - 1, line, false)[1]
  local changed = events.lines
  local chosen = {}
  vim.lsp.buf.code_action({
    apply = true,
    range = { start = { line, 0 }, ['end'] = { line, #text } },
    filter = function(action)
      local ok = action.title == 'Shorten'
      if ok then table.insert(chosen, action.kind) end
      return ok
    end,
  })
  wait_for('the rewrite', function() return events.lines > changed end)
  result.rewrite_action = chosen
  result.rewritten_lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  step('rewrite')
end

-- The plugin's extras: `:ProsewiseStatus` (a user command whose answer is a notice),
-- `:checkhealth prosewise` and `:help prosewise`; what each showed goes in the result.
local function plugin_extras(buf)
  local notices, notify = {}, vim.notify
  vim.notify = function(message) table.insert(notices, message) end
  vim.cmd('ProsewiseStatus')
  wait_for('the status notice', function() return #notices > 0 end)
  vim.notify = notify
  result.status = notices[1]
  vim.cmd('checkhealth prosewise')
  result.health = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  vim.cmd('help prosewise-health')
  result.help = { file = vim.fn.expand('%:t'), line = vim.api.nvim_get_current_line() }
  vim.api.nvim_set_current_buf(buf)
end

local function attach()
  local buf = vim.api.nvim_get_current_buf()
  result.nvim_version = vim.split(vim.fn.execute('version'), '\n', { trimempty = true })[1]
  result.filetype = vim.bo[buf].filetype
  vim.api.nvim_buf_attach(buf, false, {
    on_lines = function() events.lines = events.lines + 1 end,
  })
  local client
  wait_for('the prosewise client', function()
    client = vim.lsp.get_clients({ bufnr = buf, name = 'prosewise' })[1]
    return client ~= nil and client.initialized == true
  end)
  result.position_encoding = client.offset_encoding
  result.root_dir = client.root_dir
  result.pull = client:supports_method('textDocument/diagnostic')
  step('attached')
  return buf
end

local function finish()
  local file = assert(io.open(env.PROSEWISE_NVIM_RESULT, 'w'))
  file:write(vim.json.encode(result))
  file:close()
  vim.cmd('qall!')
end

-- Each part runs only if the ones before it did: they act on what those left.
local parts = {
  { 'quick_fix', apply_quick_fix },
  { 'dictionary', add_to_dictionary },
  { 'ignore', ignore },
  { 'file_rule', disable('file_rule', env.PROSEWISE_FILE_RULE, 'file') },
  { 'workspace_rule', disable('workspace_rule', env.PROSEWISE_WORKSPACE_RULE, 'workspace') },
}
if model then table.insert(parts, { 'rewrite', rewrite }) end
if env.PROSEWISE_CONFIG == 'plugin' then table.insert(parts, { 'extras', plugin_extras }) end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    vim.schedule(function()
      local ok, buf = xpcall(attach, debug.traceback)
      if not ok then
        result.errors.attach = tostring(buf)
      else
        for _, part in ipairs(parts) do
          if not attempt(part[1], part[2], buf) then break end
        end
      end
      local done, write_err = pcall(finish)
      if not done then
        io.stderr:write('could not write the result: ' .. tostring(write_err) .. '\n')
        vim.cmd('cquit! 2')
      end
    end)
  end,
})
