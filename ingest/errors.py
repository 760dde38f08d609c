"""The error users see: one line naming the file or parameter and the reason."""
import click


class UserError(click.ClickException):
    """Bad input or a store that cannot be used; the CLI prints it on stderr and exits 1."""
