"""The root `ctip` group and what every command shares at start: the consoles, the one mapping
of errors to exit codes, and readable `--help`.

The root lists every command from its declaration (name and one line of help) and imports a
command's module only when that command runs or shows its own help, so `ctip --help` and a
typo answer in a fraction of a second, and `ctip finance ...` loads the finance commands
only. Nothing here imports an area, the registry or `ctip.cli`; it stays cheap to import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar, cast

import typer
from rich.console import Console
from rich.markup import escape
from typer import _click
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from ctip.ingest.errors import FileRejected
from ctip.model.area import CommandRef
from ctip.model.errors import CtipError

console = Console()
errors = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print an error and return the exit to raise."""
    errors.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    return typer.Exit(code)


@contextmanager
def reports_errors(nothing_done: str = "nothing was stored") -> Iterator[None]:
    """The one place the CLI maps the error hierarchy: the message, then the class's exit code.

    A rejected file prints each bad row first, so a person can fix them all in one pass.
    Anything that is not a `CtipError` is a bug and keeps its traceback.
    """
    try:
        yield
    except FileRejected as error:
        for row_error in error.errors:
            errors.print(f"{escape(error.file_name)}: {escape(str(row_error))}", highlight=False)
        raise fail(f"{error.total_errors} bad row(s); {nothing_done}", error.exit_code) from None
    except CtipError as error:
        raise fail(error.message, error.exit_code) from None


class CtipGroup(TyperGroup):
    """The root `ctip` group: every command under it maps errors and has a readable `--help`.

    `declared` holds the commands listed but not yet imported (see `lazy_root`); each is
    imported the first time it is resolved, that is run or asked for its own help.
    """

    declared: ClassVar[Mapping[str, Declared]] = {}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for command in _commands(self):
            readable_help(command)

    def invoke(self, ctx: _click.Context) -> Any:
        """Run the command; a `CtipError` from any of them leaves as a message and exit code."""
        with reports_errors():
            return super().invoke(ctx)

    def list_commands(self, ctx: _click.Context) -> list[str]:
        """The commands built here, then the declared ones, in declaration order."""
        return [*self.commands, *(name for name in self.declared if name not in self.commands)]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        """A command, or a declared one as its listing (name and help; nothing imported)."""
        if cmd_name in self.commands or cmd_name not in self.declared:
            return super().get_command(ctx, cmd_name)
        declared = self.declared[cmd_name]
        if not isinstance(declared, CommandRef):  # given as itself: already imported
            command = self.commands[cmd_name] = loaded_command(cmd_name, declared)
            return command
        return Listed(name=cmd_name, help=declared.help)

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        """The command to run: a declared one is imported now, once."""
        name, command, rest = super().resolve_command(ctx, args)
        if isinstance(command, Listed) and name is not None:
            command = self.commands[name] = loaded_command(name, self.declared[name])
        return name, command, rest


Declared = (
    CommandRef[typer.Typer] | CommandRef[Callable[..., Any]] | typer.Typer | Callable[..., Any]
)
"""A `ctip NAME` group or command: where it lives and its help line, or itself."""


class Listed(TyperCommand):
    """A declared command as `ctip --help` lists it, before its module is imported."""


def lazy_root(declared: Mapping[str, Declared]) -> type[CtipGroup]:
    """A root group class that lists `declared` (name -> where the command lives and its help
    line) and imports each on first use. Typer builds the root from a class, so the
    declarations travel on the class."""
    return cast(type[CtipGroup], type("CtipRoot", (CtipGroup,), {"declared": dict(declared)}))


def loaded_command(name: str, declared: Declared) -> _click.Command:
    """The declared group or command imported and built exactly as `Typer.add_typer(group,
    name=name)` or `Typer.command(name)(function)` on the root builds it."""
    part = declared.load() if isinstance(declared, CommandRef) else declared
    holder = typer.Typer()
    if isinstance(part, typer.Typer):
        holder.add_typer(part, name=name)
    else:
        holder.command(name)(part)
    command = typer.main.get_group(holder).commands[name]
    for nested in _commands(command):
        readable_help(nested)
    return command


def _commands(group: _click.Command) -> Iterator[_click.Command]:
    yield group
    for command in getattr(group, "commands", {}).values():
        yield from _commands(command)


TYPE_LABELS = {
    "str": "TEXT",
    "int": "INTEGER",
    "int range": "INTEGER",
    "float": "FLOAT",
    "float range": "FLOAT",
    "path": "PATH",
    "file": "FILE",
    "bool": "",
}


def readable_help(command: _click.Command) -> None:
    """Name each parameter's type as click does (TEXT, INTEGER, PATH; none for a flag).

    Typer 0.29 labels every parameter with its Python annotation (`<str>`, `<bool>` even for
    `--help`), which reads like a placeholder and hides nothing useful.
    """
    help_option = command.get_help_option(_click.Context(command))
    for param in [*command.params, *([help_option] if help_option else [])]:
        if isinstance(param, TyperOption | TyperArgument):
            label = _type_label(param, _click.Context(command))
            param.display_type_rich = _shown_as(label)  # type: ignore[method-assign,assignment]


def _shown_as(label: str) -> Callable[[_click.Context], str]:
    def display_type_rich(ctx: _click.Context) -> str:  # typer passes ctx= by name
        return label

    return display_type_rich


def _type_label(param: TyperOption | TyperArgument, ctx: _click.Context) -> str:
    if isinstance(param, TyperOption) and param.is_flag:
        return ""
    if param.metavar is not None and isinstance(param, TyperOption):
        return param.metavar
    bare = param.display_type(ctx).strip("<>")
    return TYPE_LABELS.get(bare, f"[{bare}]")
