"""The one error type a run can end with.

Every failure that means "the check could not be completed" is raised as a
``LockdownError`` with a one-line message naming the file, resource or rule; the
command line turns it into exit code 2. ``detail`` carries longer context (a user
program's own traceback) that is shown only under ``--verbose``.
"""


class LockdownError(Exception):
    """A run that cannot be completed: bad input, policy error, engine or AWS failure."""

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(" ".join(str(message).split()))
        self.detail = detail


class PolicyError(LockdownError):
    """The policies do not load: the whole run stops, whichever source is being checked."""


def yaml_problem(err: Exception) -> str:
    """A YAML error as ``line N: problem`` (PyYAML's own message spans several lines)."""
    problem = getattr(err, "problem", None) or getattr(err, "context", None)
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    where = f"line {mark.line + 1}: " if mark is not None else ""
    text = problem or (str(err).strip().splitlines() or [type(err).__name__])[0]
    return f"{where}{text}"
