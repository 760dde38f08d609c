"""The error users see: one line naming the file or parameter and the reason."""
import click


class UserError(click.ClickException):
    """Bad input or a store that cannot be used; the CLI prints it on stderr and exits 1."""


def quoted(value: str, most: int = 60) -> str:
    """A user's value as an error line quotes it: whole if short, else its start (the line stays short)."""
    return repr(value if len(value) <= most else value[:most] + "…")
