"""Exceptions shared by every stage.

`ParameterError` marks bad input from the user (an impossible shell count, an unknown element,
a cloud too dense to place). It subclasses `ValueError`, so library callers can catch it as one;
the CLI turns it into one clear line and exit status 2.
"""


class ParameterError(ValueError):
    """A parameter value is outside what is allowed; the message names the value and the rule."""
