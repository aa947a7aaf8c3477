-- `:checkhealth prosewise`: Neovim's version, the configured server command, and for
-- each running server its version and engines (the server's `prosewise.status`).
local M = {}

local health = vim.health

local function check_command(cmd)
  if type(cmd) ~= 'table' then
    health.info('cmd is a function: not checked')
    return nil
  end
  local exe = vim.fn.exepath(cmd[1])
  if exe == '' then
    health.error('server not found: ' .. cmd[1], {
      'pip install prosewise (in a virtual environment), then put its bin/ on PATH',
      "or require('prosewise').setup({ cmd = { '/path/to/prosewise', 'lsp', '--stdio' } })",
    })
    return nil
  end
  health.ok('server command: ' .. table.concat(cmd, ' ') .. ' (' .. exe .. ')')
  return exe
end

-- Without a running server, ask the `prosewise` executable itself for its version.
local function installed_version(exe)
  if vim.fs.basename(exe) ~= 'prosewise' then
    health.info('open a Markdown or text file to start the server and see its version')
    return
  end
  local done = vim.system({ exe, '--version' }, { text = true }):wait(10000)
  if done.code == 0 then
    health.ok('installed: ' .. vim.trim(done.stdout))
  else
    health.error('`' .. exe .. ' --version` failed: ' .. vim.trim(done.stderr or ''))
  end
end

local function report_status(client)
  local info = client.server_info or {}
  health.ok(string.format('running: %s %s (client %d, root %s)', info.name or '?',
    info.version or '?', client.id, client.root_dir or 'none'))
  local bufnr = next(client.attached_buffers)
  local params = { command = 'prosewise.status', arguments = { bufnr and vim.uri_from_bufnr(bufnr) } }
  local answer = client:request_sync('workspace/executeCommand', params, 5000, bufnr)
  if answer == nil then
    health.warn('the server did not answer prosewise.status within 5 s')
    return
  elseif answer.err then
    health.warn('prosewise.status: ' .. answer.err.message, { 'an older server? pip install -U prosewise' })
    return
  end
  local status = answer.result
  health.info(string.format('diagnostics: %s; dialect: %s%s', status.diagnostics, status.dialect,
    status.lite and '; lite (no lingotweaker)' or ''))
  for name, state in vim.spairs(status.engines or {}) do
    if state == 'ready' then
      health.ok('engine ' .. name .. ': ready')
    elseif state == 'failed' then
      health.error('engine ' .. name .. ': failed to load', { 'see :LspLog' })
    else
      health.info('engine ' .. name .. ': ' .. state)
    end
  end
end

function M.check()
  health.start('prosewise')
  if vim.fn.has('nvim-0.11') == 1 then
    health.ok('Neovim ' .. tostring(vim.version()))
  else
    health.error('Neovim 0.11+ is needed (vim.lsp.config, vim.lsp.enable)')
    return
  end
  local config = vim.lsp.config.prosewise
  if config == nil or config.cmd == nil then
    health.error("no 'prosewise' LSP config", {
      "add editors/neovim to 'runtimepath', then require('prosewise').setup()",
    })
    return
  end
  local exe = check_command(config.cmd)
  local clients = vim.lsp.get_clients({ name = 'prosewise' })
  if #clients == 0 then
    health.info('no server running')
    if exe then installed_version(exe) end
  end
  for _, client in ipairs(clients) do
    report_status(client)
  end
end

return M
