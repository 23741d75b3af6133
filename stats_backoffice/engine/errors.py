"""Errors of the statistical engine: each carries a message for people, never a traceback."""


class EngineError(Exception):
    """A problem people can act on: a bad file, degenerate data, a parameter that does not fit."""


class IngestError(EngineError):
    """The file cannot be read as a table (or refuses to be: a bomb, a binary, a header too wide)."""


class AnalysisError(EngineError):
    """The analysis cannot run on these data with these parameters (names the columns at fault)."""


class Cancelled(Exception):
    """Someone asked to stop the run."""
