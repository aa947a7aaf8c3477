-- Drives a real headless Neovim through a Prosewise quick fix and the four
-- persistent actions (add to dictionary, ignore, disable in file / workspace), using Neovim's own LSP client, diagnostics and code action code.
-- Every step is triggered by an event (DiagnosticChanged, buffer lines changing);
-- nothing waits on time. Results go to $PROSEWISE_OUT as JSON, then Neovim quits.
-- Environment: PROSEWISE_PYTHON (interpreter with prosewise), PROSEWISE_EDITORS
-- (the repository's editors/ folder), PROSEWISE_OUT (result file).
vim.opt.runtimepath:prepend(os.getenv('PROSEWISE_EDITORS') .. '/neovim')
vim.opt.swapfile = false

local out = os.getenv('PROSEWISE_OUT')
local report = { steps = {} }

local function save()
  report.lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  local fh = assert(io.open(out, 'w'))
  fh:write(vim.json.encode(report))
  fh:close()
end

local function finish()
  report.done = true
  save()
  vim.cmd('qall!')
end

-- Saved at every step, so a test that times out still shows how far it got.
local function step(name)
  table.insert(report.steps, name)
  save()
end

local function quoting(buf, text)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local data = vim.tbl_get(d, 'user_data', 'lsp', 'data')
    if data and data.text == text then
      return d
    end
  end
end

local function act(d, wanted)
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(a) return not not wanted(a.title) end,
  })
end

require('prosewise').setup({
  cmd = { os.getenv('PROSEWISE_PYTHON'), '-m', 'prosewise.server.lsp' },
  root_markers = { '.git' },
  -- picky shows every suggestion, so the test does not depend on ranking thresholds
  init_options = { profile = 'picky' },
  settings = { prosewise = { profile = 'picky' } },
})

-- After the quick fix, each persistent action in turn; the next one starts when
-- the diagnostic the previous one acted on has gone.
local queue = {
  { text = 'recieve', step = 'word added', title = function(t) return t == 'Add “recieve” to dictionary' end },
  { text = 'teh', step = 'ignored', title = function(t) return t == 'Ignore this occurrence' end },
  { text = 'the the', step = 'disabled in file', title = function(t) return t:match(' in this file$') end },
  { text = 'wrold', step = 'disabled in workspace', title = function(t) return t:match(' in this workspace$') end },
}
local state = 'fix'
local current

local function next_action(buf)
  current = table.remove(queue, 1)
  if not current then
    return finish()
  end
  local d = quoting(buf, current.text)
  if not d then
    report.error = 'no diagnostic quotes ' .. current.text
    return finish()
  end
  act(d, current.title)
end

vim.api.nvim_create_autocmd('DiagnosticChanged', {
  callback = function(ev)
    if state == 'fix' then
      local d = quoting(ev.buf, 'a')
      if d then
        step('diagnostics')
        report.encoding = vim.lsp.get_clients({ name = 'prosewise' })[1].offset_encoding
        state = 'fixing'
        act(d, function(t) return t == 'Replace with “an”' end)
      end
    elseif state == 'queue' and current and not quoting(ev.buf, current.text) then
      step(current.step)
      next_action(ev.buf)
    end
  end,
})

vim.api.nvim_create_autocmd('LspAttach', {
  once = true,
  callback = function(ev)
    step('attached')
    vim.api.nvim_buf_attach(ev.buf, false, {
      on_lines = function()
        vim.schedule(function()
          local line = vim.api.nvim_buf_get_lines(ev.buf, 2, 3, false)[1] or ''
          if state == 'fixing' and line:find('is an apple', 1, true) then
            step('fixed')
            state = 'queue'
            next_action(ev.buf)
          end
        end)
      end,
    })
  end,
})
