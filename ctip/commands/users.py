"""`ctip users ...`: add users, list them, change roles, disable, reset passwords and end
sessions (passwords never travel as arguments)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from ctip.authz import users
from ctip.commands.common import (
    FormatOption,
    OutputFormat,
    cli_actor,
    console,
    print_rows,
    store_session,
)

app = typer.Typer(help="Users and roles.", no_args_is_help=True)


def _new_password() -> str:
    """CTIP_NEW_PASSWORD, or a hidden prompt asked twice."""
    return os.environ.get("CTIP_NEW_PASSWORD") or typer.prompt(
        "password", hide_input=True, confirmation_prompt=True
    )


@app.command("add")
def users_add(
    username: str,
    role: Annotated[str, typer.Option(help="admin, supervisor, investigator, ...")],
    display_name: Annotated[str, typer.Option()] = "",
) -> None:
    """Add a user; the password comes from CTIP_NEW_PASSWORD or a prompt (never an argument)."""
    password = _new_password()
    with store_session() as session:
        view = users.add_user(session, cli_actor(), username, password, role, display_name)
    console.print(f"added {view.username} ({view.role.value})")


@app.command("list")
def users_list(output: FormatOption = OutputFormat.TABLE) -> None:
    """Every user with role and state."""
    with store_session() as session:
        views = users.list_users(session)
    rows = [
        (
            v.username,
            v.display_name,
            v.role.value,
            "disabled" if v.disabled else "active",
            v.created_at,
        )
        for v in views
    ]
    print_rows(output, ("username", "name", "role", "state", "created"), rows)


def _change_user(username: str, disabled: bool | None = None, role: str | None = None) -> None:
    with store_session() as session:
        if role is not None:
            view = users.set_role(session, cli_actor(), username, role)
        else:
            view = users.set_disabled(session, cli_actor(), username, bool(disabled))
    state = "disabled" if view.disabled else "active"
    console.print(f"{view.username}: {view.role.value}, {state}")


@app.command("disable")
def users_disable(username: str) -> None:
    """Disable a user: sign-in and tokens stop working at once."""
    _change_user(username, disabled=True)


@app.command("enable")
def users_enable(username: str) -> None:
    """Enable a disabled user again."""
    _change_user(username, disabled=False)


@app.command("set-role")
def users_set_role(username: str, role: str) -> None:
    """Give a user another role."""
    _change_user(username, role=role)


@app.command("set-password")
def users_set_password(username: str) -> None:
    """New password (CTIP_NEW_PASSWORD or a prompt); every session and token of the user ends."""
    password = _new_password()
    with store_session() as session:
        users.set_password(session, cli_actor(), username, password)
    console.print(f"{username}: new password; every session and token ended")


@app.command("revoke")
def users_revoke(username: str) -> None:
    """End every workbench session and API token of a user at once."""
    with store_session() as session:
        ended = users.revoke_sessions(session, cli_actor(), username)
    console.print(f"{username}: {ended} sessions and tokens ended")
