"""The model path: settings, a litellm client that returns validated answers, and the
local derivation of findings from a model's corrected text.

Nothing here imports litellm until a client makes its first call: a server or CLI
without a model configured must start as fast as one without this package.
"""
