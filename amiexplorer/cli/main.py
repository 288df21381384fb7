"""The `amiexplorer` command: argument parsing, start-up checks, then the TUI.

Nothing here imports Textual unless the TUI is to start, so `whoami` and `audit` stay free of
it; and nothing imports botocore before the TUI's first frame: the TUI runs the start-up
checks behind it. Every bad start ends with one line on stderr and status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from amiexplorer import __version__
from amiexplorer.cli.audit_arguments import add_audit_arguments
from amiexplorer.config import ConfigError, Settings, load_settings
from amiexplorer.core.connection import ConnectionSettings, endpoint_url_problem
from amiexplorer.startup import (
    EXIT_BAD_START,
    StartupError,
    StartupProgress,
    Step,
    quiet_library_logs,
    startup_allocations,
)

if TYPE_CHECKING:
    from amiexplorer.aws.account import Account
    from amiexplorer.aws.startup.connect import Connection
    from amiexplorer.demo.process import DemoProcess

PROG = "amiexplorer"
DEMO_LABEL = "demo world (moto, on this machine)"


def _connection_flags(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """The flags every command accepts, before or after the subcommand.

    On subcommands the defaults are suppressed so a flag given before the subcommand is not
    overwritten by the subcommand's default.
    """
    default = argparse.SUPPRESS if suppress else None
    group = parser.add_argument_group("connection")
    group.add_argument("--profile", metavar="NAME", default=default, help="AWS profile to use")
    group.add_argument(
        "--region",
        metavar="NAME",
        action="append",
        default=default,
        help="region to load (repeatable; default: every region enabled for the account)",
    )
    group.add_argument(
        "--endpoint-url",
        metavar="URL",
        default=default,
        help="an EC2-compatible endpoint (moto, LocalStack) instead of AWS",
    )
    group.add_argument(
        "--read-only",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="refuse every change to AWS",
    )
    group.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="explore a built-in demo account; needs no AWS account",
    )
    group.add_argument(
        "--config", metavar="PATH", type=Path, default=default, help="config file to read"
    )


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad flag is one line too (no usage block), and still status 2."""

    def error(self, message: str) -> NoReturn:
        """One line naming the flag, and where the help is."""
        fail(f"{message} (see `{self.prog} --help`)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with the connection flags on every command."""
    parser = _Parser(
        prog=PROG,
        description="Explore and clean up the EC2 images, EBS snapshots, volumes and "
        "instances of an AWS account, across all its regions.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _connection_flags(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    whoami = commands.add_parser("whoami", help="print the account and identity, then exit")
    _connection_flags(whoami, suppress=True)
    audit = commands.add_parser(
        "audit",
        help="report orphaned snapshots, unused images, idle volumes and public shares",
        description="Audit every chosen region; exit status 0 nothing found, 1 findings, "
        "2 a region or the whole run failed (partial results are still written).",
    )
    _connection_flags(audit, suppress=True)
    add_audit_arguments(audit)
    return parser


def fail(message: str) -> NoReturn:
    """One clear line on stderr and exit status 2: the shape of every bad start."""
    print(f"{PROG}: {' '.join(message.split())}", file=sys.stderr)
    raise SystemExit(EXIT_BAD_START)


def _quoted(text: str, limit: int = 80) -> str:
    shown = repr(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def connection_settings(args: argparse.Namespace, settings: Settings) -> ConnectionSettings:
    """Flags win over the environment, which wins over the config file."""
    base = ConnectionSettings.from_environment(
        profile=args.profile,
        regions=tuple(args.region or ()),
        endpoint_url=args.endpoint_url,
        read_only=bool(args.read_only) or settings.read_only,
        startup_timeout=settings.timeouts.startup,
        call_timeout=settings.timeouts.call,
    )
    return replace(
        base,
        profile=base.profile or settings.profile,
        regions=base.regions or settings.regions,
    )


def check_endpoint_url(args: argparse.Namespace, chosen: ConnectionSettings) -> None:
    """Refuse an endpoint that is no http(s) URL, naming where it came from."""
    url = chosen.endpoint_url
    problem = endpoint_url_problem(url) if url else None
    if url and problem:
        source = "--endpoint-url" if args.endpoint_url else "AWS_ENDPOINT_URL"
        fail(f"{source} {_quoted(url)} {problem}")


def demo_settings(chosen: ConnectionSettings, endpoint_url: str) -> ConnectionSettings:
    """The settings that point at the demo world (its keys, its regions, its label)."""
    from amiexplorer.demo import DEMO_CREDENTIALS, DEMO_REGIONS

    access_key, secret_key = DEMO_CREDENTIALS
    return ConnectionSettings(
        profile=None,
        regions=chosen.regions or DEMO_REGIONS,
        endpoint_url=endpoint_url,
        read_only=chosen.read_only,
        startup_timeout=chosen.startup_timeout,
        call_timeout=chosen.call_timeout,
        endpoint_label=DEMO_LABEL,
        access_key_id=access_key,
        secret_access_key=secret_key,
    )


def start_demo(
    chosen: ConnectionSettings, meanwhile: Callable[[], object] | None = None
) -> tuple[DemoProcess, ConnectionSettings]:
    """Start the demo world in a child process and point the settings at it.

    The child may already be running (``__main__`` starts it before the heavy imports);
    ``meanwhile`` runs while it seeds, on this core. A failure ends the program with one line.
    """
    from amiexplorer.demo.process import DemoStartError, claim

    server = claim()
    try:
        if meanwhile is not None:
            meanwhile()
        endpoint_url = server.wait_ready()
    except DemoStartError as exc:
        fail(f"the demo world did not start: {exc}")
    except BaseException:
        server.stop()
        raise
    return server, demo_settings(chosen, endpoint_url)


def _preload() -> None:
    """Parse botocore's service data ahead of the first clients (see preload_service_data)."""
    from amiexplorer.aws.session import preload_service_data

    with startup_allocations():
        preload_service_data()


async def _connect(chosen: ConnectionSettings, progress: StartupProgress | None) -> Connection:
    from amiexplorer.aws.session import AwsSession
    from amiexplorer.aws.startup.connect import connect

    return await connect(AwsSession(chosen), progress)


def check_connection(chosen: ConnectionSettings) -> Connection:
    """Run the start-up checks; a failure, whatever it is, ends the program with one line."""
    try:
        return asyncio.run(_connect(chosen, None))
    except StartupError as exc:
        fail(str(exc))
    except Exception as exc:  # connect() words every failure; this is the last net
        from amiexplorer.aws.errors import describe_problem

        fail(f"cannot start: {describe_problem(exc).message}")


#: What the connecting screen says while botocore is imported behind it.
_LOADING = Step(
    "Loading the AWS libraries", "the AWS libraries", "loading them", "check the installation"
)
_DEMO = Step(
    "Starting the demo world", "the demo world", "starting it", "check the moto installation"
)


async def open_account(
    chosen: ConnectionSettings,
    server: DemoProcess | None,
    progress: StartupProgress | None = None,
) -> Account:
    """The TUI's start-up checks, run behind its first frame; raises StartupError.

    botocore is imported and its data parsed on another thread, so the frame stays live.
    `progress` tells the frame what is waited for.
    """
    progress = progress if progress is not None else StartupProgress()
    with progress.waiting(_LOADING):
        await asyncio.to_thread(_preload)
    from amiexplorer.aws.account import Account

    if server is not None:
        from amiexplorer.demo.process import DemoStartError

        try:
            with progress.waiting(_DEMO):
                endpoint_url = await asyncio.to_thread(server.wait_ready)
        except DemoStartError as exc:
            raise StartupError(f"the demo world did not start: {exc}") from None
        chosen = demo_settings(chosen, endpoint_url)
    return Account(await _connect(chosen, progress))


def run_tui(chosen: ConnectionSettings, settings: Settings, *, demo: bool) -> int:
    """The TUI: its first frame at once, the start-up checks behind it.

    With no terminal to draw on (stderr redirected, as in a script), the checks run first
    instead, so that a bad start prints its one line and nothing else.
    """
    from amiexplorer.ui.app import Opening, run_app

    server: DemoProcess | None = None
    progress: StartupProgress | None = None
    try:
        opener: Callable[[], Awaitable[Account]]
        if sys.__stderr__ is not None and sys.__stderr__.isatty():
            if demo:
                from amiexplorer.demo.process import claim

                server = claim()
            progress = StartupProgress()
            opener = partial(open_account, chosen, server, progress)
        else:
            if demo:
                server, chosen = start_demo(chosen, _preload)
            opener = partial(_checked_account, check_connection(chosen))
        opening = Opening(
            opener,
            what=_what_is_checked(chosen, demo=demo),
            endpoint_label=DEMO_LABEL if demo else chosen.endpoint_url,
            read_only=chosen.read_only,
            progress=progress,
        )
        return run_app(opening, settings)
    finally:
        if server is not None:
            server.stop()


async def _checked_account(connection: Connection) -> Account:
    from amiexplorer.aws.account import Account

    return Account(connection)


def _what_is_checked(chosen: ConnectionSettings, *, demo: bool) -> str:
    if demo:
        return "the demo world"
    if chosen.profile:
        return f"profile {chosen.profile}"
    return "the default credential chain"


def print_identity(connection: Connection) -> None:
    """The `whoami` output: account, alias, caller and regions."""
    identity = connection.identity
    print(f"account:  {identity.account_label}")
    print(f"caller:   {identity.arn}")
    print(f"profile:  {identity.profile or '(default chain)'}")
    if connection.session.endpoint_url:
        print(f"endpoint: {connection.session.endpoint_url}")
    print(f"regions:  {' '.join(r.name for r in connection.regions)}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `amiexplorer` console script."""
    # Before botocore is imported: its loggers never print on their own (see startup.py).
    quiet_library_logs()
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        fail(str(exc))
    chosen = connection_settings(args, settings)
    if not args.demo:
        check_endpoint_url(args, chosen)
    try:
        if args.command is None:
            return run_tui(chosen, settings, demo=bool(args.demo))
        return run_command(args, chosen, settings)
    except KeyboardInterrupt:
        return 130


def run_command(args: argparse.Namespace, chosen: ConnectionSettings, settings: Settings) -> int:
    """`whoami` and `audit`: the checks, then the command; no Textual."""
    server: DemoProcess | None = None
    try:
        if args.demo:
            server, chosen = start_demo(chosen, _preload)
        connection = check_connection(chosen)
        if args.command == "whoami":
            print_identity(connection)
            return 0
        from amiexplorer.cli.audit_command import run_audit_command

        return run_audit_command(connection, settings, args)
    finally:
        if server is not None:
            server.stop()
