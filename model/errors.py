"""The one exception users see: a message naming the file, the key and what is allowed."""


class ConfigError(ValueError):
    """Bad user input (scenario, experiment or results file); the message says it all."""
