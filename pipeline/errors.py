"""Exception types: the CLI prints a PipelineError's message and exits non-zero."""


class PipelineError(Exception):
    """Base class for errors the user can act on."""


class InputNotFoundError(PipelineError):
    """An input file or folder does not exist."""


class InputError(PipelineError):
    """A single input file cannot be read: empty, binary, too large, undecodable."""


class SchemaError(PipelineError):
    """A table does not have the columns or dtypes the contract promises."""


class EmptyDatasetError(PipelineError):
    """A dataset with no policy to compare or report (an empty input, every file failed)."""


class AlignmentError(PipelineError):
    """Tokens do not rebuild the cleaned text, so offsets would be wrong."""


class ModelNotFoundError(PipelineError):
    """The clause classifier is missing or cannot be trusted."""


class AnnotationError(PipelineError):
    """An annotation no longer matches its source text (hash mismatch, unknown label)."""


class TimeLimitExceeded(PipelineError):
    """A document's work ran past its time limit (`--max-seconds`)."""


class LimitExceeded(InputError):
    """A file's decoded text or inflated content is larger than its limit."""


class Interrupted(BaseException):
    """SIGINT or SIGTERM: a `BaseException`, like `KeyboardInterrupt`, so no handler of a
    document's errors swallows it, and unlike it, so the CLI library does not turn it into
    "Aborted!" before the run has cleaned up."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.detail = ""  # what the run kept and how to continue, set by the run
