"""Errors whose message is meant for a person: German, naming the file and the fix."""


class SozialatlasError(Exception):
    """Base class; str(err) is a complete German sentence."""


class RawInputError(SozialatlasError):
    """A raw source file is missing or not what the ETL expects."""

    def __init__(self, path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"Rohdatei {self.path}: {problem}")
