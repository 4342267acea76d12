"""The ``sentrikat`` command line: serve, match, orgs, keys, admin, feeds, assets, alerts, tls, backup, version."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shlex
import sys
from collections.abc import Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator

import msgspec

from appliance import __version__, logs
from appliance.auth import SCOPES, KeyService
from appliance.auth.keys import load_or_create_secret
from appliance.datadir import check_database, check_port, prepare_data_dir, private_umask
from appliance.db import Database
from appliance.errors import ApplianceError
from appliance.organizations import OrganizationService
from appliance.paths import command_name, is_onefile
from appliance.settings import SETTINGS, Settings, SettingsError, load_settings

_HELP = {s.name: s.help for s in SETTINGS}

# How long a stop waits for requests in flight before cancelling them; the database is closed
# after that either way. Below systemd's stop timeout (scripts/sentrikat.service), so the
# service manager never has to kill the server.
SHUTDOWN_GRACE_SECONDS = 30


def _env_note(name: str) -> str:
    return f"{_HELP[name]} [env: SENTRIKAT_{name.upper()}]"


def _port_number(text: str) -> int:
    """argparse type for ports: a wrong value is a usage error (status 2), never a random port."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1-65535)")
    return port


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sentrikat",
        description="SentriKat Appliance: agents report installed software, the appliance finds known vulnerabilities.",
    )
    parser.add_argument("--version", action="version", version=f"sentrikat {__version__}", help="Print the version and exit.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    data_dir = argparse.ArgumentParser(add_help=False)
    data_dir.add_argument("--data-dir", metavar="DIR", help=_env_note("data_dir"))
    data_dir.add_argument(
        "--config", metavar="FILE",
        help="TOML file of settings (keys are the setting names) [env: SENTRIKAT_CONFIG; default DATA_DIR/sentrikat.toml if present]",
    )
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help="Print machine-readable JSON.")

    serve = commands.add_parser("serve", parents=[data_dir], help="Run the appliance server.", description="Run the appliance server.")
    serve.add_argument("--host", help=_env_note("host"))
    serve.add_argument("--port", type=_port_number, metavar="PORT", help=_env_note("port"))
    serve.add_argument("--https-port", help=_env_note("https_port"))
    serve.add_argument("--allow-http", action="store_const", const="true", help=_env_note("allow_http"))
    serve.add_argument("--tls-cert", metavar="FILE", help=_env_note("tls_cert"))
    serve.add_argument("--tls-key", metavar="FILE", help=_env_note("tls_key"))
    serve.add_argument("--feed-dir", metavar="DIR", help=_env_note("feed_dir"))
    serve.set_defaults(run=_serve)

    match = commands.add_parser(
        "match", help="Explain how a report's items are identified and which CVEs apply, without a server.",
        description="Run the matching engine on a report payload (the agent API's format) and print, per item, "
        "the identified product with method and score or the reason it stayed unmatched, and its CVEs (KEV marked).",
    )
    match.add_argument("report", metavar="REPORT.json", help="A full report as an agent would POST it ('-' reads standard input).")
    match.add_argument("--feed-dir", metavar="DIR", help=_env_note("feed_dir"))
    match.add_argument("--os", metavar="NAME", help="The host's OS, e.g. \"Windows 11\" (default: the report's os).")
    match.add_argument("--json", action="store_true", help="Print machine-readable JSON.")
    match.set_defaults(run=_match)

    orgs = commands.add_parser("orgs", help="Create and list organizations.", description="Create and list organizations.")
    org_commands = orgs.add_subparsers(dest="org_command", required=True, metavar="ACTION")
    org_create = org_commands.add_parser("create", parents=[data_dir, as_json], help="Create an organization.", description="Create an organization.")
    org_create.add_argument("name", metavar="NAME", help="The organization's name (unique, case-insensitive).")
    org_create.set_defaults(run=_orgs_create)
    org_list = org_commands.add_parser("list", parents=[data_dir, as_json], help="List organizations.", description="List organizations.")
    org_list.set_defaults(run=_orgs_list)

    keys = commands.add_parser("keys", help="Create, list and revoke API keys.", description="Create, list and revoke API keys.")
    key_commands = keys.add_subparsers(dest="key_command", required=True, metavar="ACTION")
    key_create = key_commands.add_parser(
        "create", parents=[data_dir, as_json], help="Create an API key and print it once.",
        description="Create an API key and print it once; only a keyed hash is stored.",
    )
    key_create.add_argument("--org", type=int, default=1, metavar="ID", help="Organization the key belongs to (default 1).")
    key_create.add_argument(
        "--scope", action="append", choices=SCOPES, metavar="SCOPE",
        help="agent, read or admin; repeat for several (default agent).",
    )
    key_create.add_argument("--name", default="", metavar="TEXT", help="A label to tell keys apart.")
    key_create.set_defaults(run=_keys_create)
    key_list = key_commands.add_parser("list", parents=[data_dir, as_json], help="List API keys (never the keys themselves).", description="List API keys: id, organization, name, prefix, scopes, created, last used, devices reporting with it; never the keys themselves.")
    key_list.set_defaults(run=_keys_list)
    key_revoke = key_commands.add_parser("revoke", parents=[data_dir], help="Revoke an API key.", description="Revoke an API key; it stops working at once.")
    key_revoke.add_argument("id", type=int, metavar="ID", help="The key's id, as keys list shows it.")
    key_revoke.set_defaults(run=_keys_revoke)

    admin = commands.add_parser(
        "admin", help="Manage the status page's admin accounts.", description="Manage the status page's admin accounts.",
    )
    admin_commands = admin.add_subparsers(dest="admin_command", required=True, metavar="ACTION")
    set_password = admin_commands.add_parser(
        "set-password", parents=[data_dir], help="Create an admin or change their password.",
        description="Create a status page admin or change their password (prompted twice, or read from standard "
        "input with --password-stdin). Only a salted scrypt hash is stored; changing a password ends that "
        "admin's sessions.",
    )
    set_password.add_argument("--user", default="admin", metavar="NAME", help="The admin's username (default admin).")
    set_password.add_argument(
        "--password-stdin", action="store_true",
        help="Read the password from the first line of standard input instead of prompting (for scripts).",
    )
    set_password.set_defaults(run=_admin_set_password)

    feeds = commands.add_parser(
        "feeds", help="Import feed files and show the state of the feeds.",
        description="Import feed files (offline offices) and show each source's date, counts and last error.",
    )
    feed_commands = feeds.add_subparsers(dest="feed_command", required=True, metavar="ACTION")
    feed_import = feed_commands.add_parser(
        "import", parents=[data_dir], help="Import NVD, CPE and KEV files into the data dir's feed.",
        description="Validate NVD CVE (2.0/1.1), CPE (XML/API/CSV) and KEV files or folders and apply them to the "
        "feed in the data dir, atomically; a running server picks the new feed up within feed_check_interval.",
    )
    feed_import.add_argument("paths", nargs="+", metavar="PATH", help="Feed files or folders holding them.")
    feed_import.set_defaults(run=_feeds_import)
    feed_status = feed_commands.add_parser(
        "status", parents=[data_dir, as_json], help="Show the feed in service and the refresh jobs.",
        description="Show the feed in service (each source's date and counts) and each refresh job's last run and error.",
    )
    feed_status.set_defaults(run=_feeds_status)

    assets = commands.add_parser(
        "assets", help="List, delete and move assets (hosts).",
        description="List assets, delete one (with its software, findings and container scans), or move one to "
        "another organization. A hostname belongs to the organization whose agent sent its first full report.",
    )
    asset_commands = assets.add_subparsers(dest="asset_command", required=True, metavar="ACTION")
    asset_list = asset_commands.add_parser(
        "list", parents=[data_dir, as_json], help="List assets.",
        description="List assets: id, organization, hostname, status (pending until the first full report), presence, "
        "last seen, software and vulnerability counts.",
    )
    asset_list.add_argument("--org", type=int, metavar="ID", help="Only this organization's assets.")
    asset_list.set_defaults(run=_assets_list)
    asset_delete = asset_commands.add_parser(
        "delete", parents=[data_dir, as_json], help="Delete an asset and everything stored about it.",
        description="Delete an asset with its software, findings, history and container scans. If its agent "
        "reports again, the host comes back as new.",
    )
    asset_delete.add_argument("id", type=int, metavar="ID", help="The asset's id, as assets list shows it.")
    asset_delete.set_defaults(run=_assets_delete)
    asset_move = asset_commands.add_parser(
        "move", parents=[data_dir, as_json], help="Move an asset to another organization.",
        description="Give an asset, with its software, findings and container scans, to another organization. "
        "Its agent must then use a key of that organization.",
    )
    asset_move.add_argument("id", type=int, metavar="ID", help="The asset's id, as assets list shows it.")
    asset_move.add_argument("--org", type=int, required=True, metavar="ID", help="The organization to move it to.")
    asset_move.set_defaults(run=_assets_move)

    backup = commands.add_parser(
        "backup", parents=[data_dir, as_json], help="Copy the database and key secret safely, also while the server runs.",
        description="Copy the data dir's database (SQLite online backup: one consistent snapshot, taken while the "
        "server keeps running) and its key secret into DEST, a new folder that is itself a complete data dir. "
        "The copy is not migrated. Restore by stopping the server and using DEST as the data dir.",
    )
    backup.add_argument("destination", metavar="DEST", help="A folder that does not exist yet, or an empty one.")
    backup.set_defaults(run=_backup)

    alerts = commands.add_parser(
        "alerts", help="Check the alert channels (email, webhook).", description="Check the alert channels (email, webhook).",
    )
    alert_commands = alerts.add_subparsers(dest="alert_command", required=True, metavar="ACTION")
    alert_test = alert_commands.add_parser(
        "test", parents=[data_dir], help="Send a test message on every configured alert channel.",
        description="Send one test message on every configured alert channel (settings from the config file, the "
        "environment and the status page's Alerts page). Exits 1, naming the channel and the error, when one fails.",
    )
    alert_test.set_defaults(run=_alerts_test)

    tls = commands.add_parser(
        "tls", help="Show the HTTPS certificate agents and browsers should trust.",
        description="Show the HTTPS certificate agents and browsers should trust.",
    )
    tls_commands = tls.add_subparsers(dest="tls_command", required=True, metavar="ACTION")
    tls_show = tls_commands.add_parser(
        "show", parents=[data_dir, as_json], help="Print the certificate's SHA-256 fingerprint and file paths.",
        description="Print the SHA-256 fingerprint of the certificate in service (as openssl x509 -fingerprint "
        "-sha256 prints it; agents pin it with --fingerprint) and the certificate and key paths. Makes the "
        "self-signed pair first if the data dir has none yet, as serve would.",
    )
    tls_show.add_argument("--tls-cert", metavar="FILE", help=_env_note("tls_cert"))
    tls_show.add_argument("--tls-key", metavar="FILE", help=_env_note("tls_key"))
    tls_show.set_defaults(run=_tls_show)

    version = commands.add_parser(
        "version", parents=[data_dir], help="Print the version.",
        description="Print the version, and the schema version of the data dir's database if there is one.",
    )
    version.set_defaults(run=_version)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {
        name: getattr(args, name, None)
        for name in ("data_dir", "host", "port", "https_port", "allow_http", "tls_cert", "tls_key", "feed_dir")
    }
    config = getattr(args, "config", None)
    return load_settings(overrides, config_file=Path(config) if config else None)


class CliError(ApplianceError):
    """A command cannot run as asked (a missing data dir or input file); exit status 1."""


def require_data_dir(settings: Settings, *, database: bool) -> None:
    """Commands other than serve never create an appliance: the data dir must exist (a typo is an
    error, not a new empty appliance), and commands that only read also need its database."""
    where = settings.data_dir
    hint = f"check --data-dir, or run `sentrikat serve --data-dir {where}` once to create it"
    if not where.exists():
        raise CliError(f"data dir {where} does not exist; {hint}")
    if not where.is_dir():
        raise CliError(f"data dir {where} is a file, not a folder; {hint}")
    if database and not settings.database_path.exists():
        raise CliError(f"{where} holds no appliance database ({settings.database_path.name}); {hint}")


@asynccontextmanager
async def _database(settings: Settings, *, create: bool = False) -> AsyncIterator[Database]:
    """The data dir's database; ``create`` allows a new database in an existing data dir (commands that add things)."""
    require_data_dir(settings, database=not create)
    db = Database(settings.database_path)
    await db.open()
    try:
        yield db
    finally:
        await db.close()


def _print_json(value: Any) -> None:
    print(msgspec.json.encode(value).decode())


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from appliance.app import create_app
    from appliance.server import ConnectionGuard, Listener, Server, protocol_class, raise_open_file_limit
    from appliance.tls import certificate_paths, ensure_certificate, fingerprint, server_context, tls_dir

    if is_onefile():
        _leave_terminal_process_group()
    logs.configure(settings.log_level)
    # Before anything is opened: a damaged database, a data dir that cannot be used or a port
    # in use end here with one line and status 1, not in a traceback from inside the server.
    check_port(settings.host, settings.port)
    if settings.https_port:
        check_port(settings.host, settings.https_port)
    for warning in prepare_data_dir(settings.data_dir):
        logging.getLogger("sentrikat").warning("%s", warning)
    check_database(settings.database_path)
    first_start = not settings.database_path.exists()
    if first_start:
        asyncio.run(_init(settings))
        print(
            f"First start: created {settings.database_path} with organization 1 (Default).\n"
            f"Create an agent key with:  {command_name()} keys create --scope agent --data-dir {shlex.quote(str(settings.data_dir))}",
            flush=True,
        )
    guard = ConnectionGuard(settings)
    raise_open_file_limit(settings.max_connections + 256)
    config = uvicorn.Config(
        create_app(settings),
        http=protocol_class(guard),
        log_level=settings.log_level,
        log_config=logs.uvicorn_log_config(),
        # The client address must be the real peer: X-Forwarded-For would let anyone pick
        # their own address (and their own unauthenticated rate-limit bucket).
        proxy_headers=False,
        server_header=False,
        lifespan="on",
        timeout_keep_alive=settings.keepalive_timeout,
        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
    )
    listeners = [Listener(settings.host, settings.port, None)]
    if settings.https_port:
        if ensure_certificate(settings):
            print(f"Created a self-signed certificate in {tls_dir(settings)} (sentrikat tls show prints its fingerprint).", flush=True)
        listeners.insert(0, Listener(settings.host, settings.https_port, server_context(settings)))
        cert_path = certificate_paths(settings)[0]
        print(f"HTTPS on port {settings.https_port} with {cert_path}, SHA-256 fingerprint {fingerprint(cert_path)}", flush=True)
    if settings.allow_http:
        logging.getLogger("sentrikat").warning("allow_http is on: agent keys and admin passwords cross the network in clear text over port %d",
                    settings.port)
    server = Server(config, guard, listeners)
    server.run()
    return 0 if server.started else 1


def _leave_terminal_process_group() -> None:
    """In the one-file executable, let a terminal's Ctrl-C reach the server once, not twice.

    The executable is two processes: PyInstaller's bootloader, which unpacked the program and
    forwards every signal it receives to its child, and the child running this code. Ctrl-C in
    a terminal signals the whole foreground process group, so the child would get SIGINT
    directly and again forwarded, and uvicorn takes a second SIGINT as "force quit" (requests
    in flight are dropped). In a process group of its own the child gets it only through the
    bootloader. SIGTERM from a service manager is not affected: it is sent to the bootloader
    (KillMode=mixed) and forwarded once, and a repeated SIGTERM never forces anything.
    """
    try:
        os.setpgid(0, 0)
    except OSError:
        pass  # already a group leader, or not allowed: signals then arrive as before


async def _init(settings: Settings) -> None:
    db = Database(settings.database_path)
    await db.open()
    try:
        load_or_create_secret(settings.secret_path)
    finally:
        await db.close()


def _orgs_create(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> Any:
        async with _database(settings, create=True) as db:
            return await OrganizationService(db).create(args.name)

    org = asyncio.run(run())
    _print_json(org) if args.json else print(f"Created organization {org.id}: {org.name}")
    return 0


def _orgs_list(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> Any:
        async with _database(settings) as db:
            return await OrganizationService(db).list()

    orgs = asyncio.run(run())
    if args.json:
        _print_json(orgs)
    else:
        print(f"{'ID':>4}  {'NAME':30}  CREATED")
        for org in orgs:
            print(f"{org.id:>4}  {org.name:30}  {org.created_at}")
    return 0


def _with_keys(settings: Settings, action: Callable[[KeyService], Awaitable[Any]], *, create: bool = False) -> Any:
    async def run() -> Any:
        async with _database(settings, create=create) as db:
            return await action(KeyService(db, load_or_create_secret(settings.secret_path)))

    return asyncio.run(run())


def _keys_create(args: argparse.Namespace, settings: Settings) -> int:
    new = _with_keys(settings, lambda keys: keys.create(args.org, args.scope or ["agent"], args.name), create=True)
    if args.json:
        _print_json({"id": new.id, "key": new.key, "organization_id": new.organization_id, "scopes": new.scopes})
    else:
        print(f"Created key {new.id} for organization {new.organization_id} with scopes {', '.join(new.scopes)}.")
        print("Store it now; it is not shown again:")
        print(new.key)
    return 0


def _keys_list(args: argparse.Namespace, settings: Settings) -> int:
    infos = _with_keys(settings, lambda keys: keys.list())
    if args.json:
        _print_json(infos)
    else:
        print(f"{'ID':>4}  {'ORG':>4}  {'PREFIX':14}  {'SCOPES':18}  {'CREATED':20}  {'LAST USED':20}  {'DEVICES':>7}  NAME")
        for k in infos:
            state = " (revoked)" if k.revoked_at else ""
            print(
                f"{k.id:>4}  {k.organization_id:>4}  {k.prefix + '…':14}  {' '.join(k.scopes):18}  "
                f"{k.created_at:20}  {k.last_used_at or '-':20}  {k.devices:>7}  {k.name}{state}"
            )
    return 0


def _keys_revoke(args: argparse.Namespace, settings: Settings) -> int:
    _with_keys(settings, lambda keys: keys.revoke(args.id))
    print(f"Revoked key {args.id}.")
    return 0


def _read_password(args: argparse.Namespace) -> str:
    """The new password: the first line of standard input, or typed twice at a terminal."""
    import getpass

    from appliance.auth.admin import AdminError

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise AdminError("standard input is not a terminal; pass --password-stdin to read the password from it")
    password = getpass.getpass(f"New password for {args.user}: ")
    if getpass.getpass("Repeat it: ") != password:
        raise AdminError("the two passwords differ; nothing was changed")
    return password


def _admin_set_password(args: argparse.Namespace, settings: Settings) -> int:
    from appliance.auth.admin import AdminService, check_password, check_username

    check_username(args.user)
    password = _read_password(args)
    check_password(password)

    async def run() -> bool:
        async with _database(settings, create=True) as db:
            return await AdminService(db, settings.session_lifetime).set_password(args.user, password)

    created = asyncio.run(run())
    print(f"{'Created admin' if created else 'Changed the password of'} {args.user}"
          + ("." if created else "; their sessions have ended."))
    return 0


def _feeds_import(args: argparse.Namespace, settings: Settings) -> int:
    import time

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from appliance.feeds import FeedError, find_feed_files
    from appliance.refresh.store import FeedStore

    require_data_dir(settings, database=False)
    store = FeedStore(settings.data_dir, Path(settings.feed_dir) if settings.feed_dir else None, settings.min_feed_ratio)
    files, skipped = find_feed_files([Path(p) for p in args.paths])
    started = time.perf_counter()
    console = Console(stderr=True)
    for path, why in skipped:
        console.print(f"  skipped {path}: {why}")
    if not files:
        raise FeedError(f"no feed files found in {', '.join(args.paths)}")
    console.print(f"importing {len(files)} files into {store.own_dir} on top of {store.active_dir()}")
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("reading", total=len(files) + 1)

        def progress(path: Path, count: int) -> None:
            console.print(f"  {path.name}: {count:,} records")
            bar.update(task, advance=1, description="reading" if bar.tasks[0].completed + 1 < len(files) else "writing")

        _, manifest = store.apply(files, progress=progress)
        bar.update(task, advance=1, description="done")
    print(
        f"feed updated: {manifest.cves:,} CVEs, {manifest.products:,} products, {manifest.kev:,} KEV entries "
        f"({time.perf_counter() - started:.1f} s); a running server loads it within {settings.feed_check_interval} s"
    )
    return 0


class _FeedStatus(msgspec.Struct, frozen=True):
    feed_dir: str
    built_at: str | None
    cves: int
    products: int
    kev: int
    sources: list[Any]
    jobs: list[Any]


def _feeds_status(args: argparse.Namespace, settings: Settings) -> int:
    from appliance.matching.bundle import MANIFEST_FILE, read_manifest
    from appliance.refresh.service import job_records
    from appliance.refresh.store import FeedStore

    store = FeedStore(settings.data_dir, Path(settings.feed_dir) if settings.feed_dir else None)
    directory = store.active_dir()
    manifest = read_manifest(directory) if (directory / MANIFEST_FILE).exists() else None

    async def jobs() -> Any:
        async with _database(settings) as db:
            return await job_records(db)

    status = _FeedStatus(
        str(directory), manifest.built_at if manifest else None, manifest.cves if manifest else 0,
        manifest.products if manifest else 0, manifest.kev if manifest else 0,
        list(manifest.sources) if manifest else [], asyncio.run(jobs()),
    )
    if args.json:
        _print_json(status)
        return 0
    print(f"feed in service: {status.feed_dir}" + (f" (built {status.built_at})" if status.built_at else " (none)"))
    print(f"  {status.cves:,} CVEs, {status.products:,} products, {status.kev:,} KEV entries")
    for source in status.sources:
        print(f"  source {source.file}: {source.format}, {source.records:,} records, dated {source.feed_date or 'unknown'}")
    for job in status.jobs:
        error = f"  error: {job.last_error}" if job.last_error else ""
        print(f"  job {job.name}: {job.last_outcome} at {job.last_run_at} ({job.last_duration} s){error}")

def _alerts_test(args: argparse.Namespace, settings: Settings) -> int:
    from appliance.alerts import AlertService

    async def run() -> Any:
        async with _database(settings) as db:
            service = AlertService(db, settings)
            await service.load()
            return await service.test()

    failed = 0
    for result in asyncio.run(run()).results:
        if result.ok:
            print(f"{result.channel}: test message sent to {result.target}")
        else:
            failed += 1
            print(f"sentrikat: error: {result.error}", file=sys.stderr)
    return 1 if failed else 0


def _with_assets(settings: Settings, action: Callable[[Any], Awaitable[Any]]) -> Any:
    from appliance.agent.assets import AssetAdmin

    async def run() -> Any:
        async with _database(settings) as db:
            return await action(AssetAdmin(db))

    return asyncio.run(run())


def _assets_list(args: argparse.Namespace, settings: Settings) -> int:
    rows = _with_assets(settings, lambda assets: assets.list(args.org))
    if args.json:
        _print_json(rows)
        return 0
    print(f"{'ID':>5}  {'ORG':>4}  {'HOSTNAME':32}  {'STATUS':8}  {'PRESENCE':8}  {'LAST SEEN':20}  {'SOFTWARE':>8}  {'VULNS':>5}")
    for a in rows:
        print(
            f"{a.id:>5}  {a.organization_id:>4}  {a.hostname:32}  {a.status:8}  {a.presence:8}  {a.last_seen:20}"
            f"  {a.software_count:>8}  {a.vulnerability_count:>5}"
        )
    return 0


def _assets_delete(args: argparse.Namespace, settings: Settings) -> int:
    change = _with_assets(settings, lambda assets: assets.delete(args.id))
    _print_json(change) if args.json else print(f"Deleted asset {change.id} ({change.hostname}).")
    return 0


def _assets_move(args: argparse.Namespace, settings: Settings) -> int:
    change = _with_assets(settings, lambda assets: assets.move(args.id, args.org))
    if args.json:
        _print_json(change)
    else:
        print(f"Moved asset {change.id} ({change.hostname}) to organization {change.organization_id}.")
    return 0


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from appliance.db.backup import backup_data_dir

    result = backup_data_dir(settings.data_dir, Path(args.destination))
    if args.json:
        _print_json(result)
        return 0
    print(
        f"Backed up {settings.database_path} (schema version {result.schema_version}, {result.database_bytes:,} bytes)"
        + (" and the key secret" if result.secret_key else "")
        + f" to {result.destination} in {result.seconds:.1f} s."
    )
    if not result.secret_key:
        print(f"Note: {settings.secret_path} does not exist; API keys in this backup cannot be validated.")
    print(f"To restore: stop the server, then run it with --data-dir {result.destination} (or copy both files back).")
    return 0


def _tls_show(args: argparse.Namespace, settings: Settings) -> int:
    from appliance.tls import certificate_paths, ensure_certificate, fingerprint

    made = ensure_certificate(settings)
    cert_path, key_path = certificate_paths(settings)
    result = {"fingerprint_sha256": fingerprint(cert_path), "certificate": str(cert_path), "key": str(key_path)}
    if args.json:
        _print_json(result)
        return 0
    if made:
        print(f"Created a self-signed certificate in {cert_path.parent}.")
    print(f"SHA-256 fingerprint: {result['fingerprint_sha256']}")
    print(f"certificate: {cert_path}")
    print(f"key:         {key_path}")
    return 0


def _version(args: argparse.Namespace, settings: Settings) -> int:
    print(f"sentrikat {__version__}")
    if settings.database_path.exists():
        import sqlite3

        with sqlite3.connect(f"file:{settings.database_path}?mode=ro", uri=True) as conn:
            (schema,) = conn.execute("PRAGMA user_version").fetchone()
        print(f"database {settings.database_path}: schema version {schema}")
    return 0


class _ExplainedMatch(msgspec.Struct, frozen=True):
    cpe: str
    method: str
    score: float
    evidence: str
    version: str
    version_rule: str
    group: list[str] = []  # every vendor:product of the identified product; CVEs are looked up under all


class _ExplainedItem(msgspec.Struct, frozen=True):
    index: int
    name: str
    version: str
    vendor: str
    match: _ExplainedMatch | None
    reason: str | None
    vulnerabilities: list[dict[str, Any]]


_FIX_WORDS = {"fixed_in": "fixed in {}", "fixed_after": "fixed after {}", "none": "no fixed version listed"}


def _match(args: argparse.Namespace, settings: Settings) -> int:
    from appliance.agent.payloads import ReportIn, check_report, decode
    from appliance.matching.base import SoftwareItem
    from appliance.matching.engine import FeedMatcher, load_index

    try:
        raw = sys.stdin.buffer.read() if args.report == "-" else Path(args.report).read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read the report file {args.report}: {exc.strerror or exc}") from exc
    report = decode(raw, ReportIn)
    check_report(report, max_items=10**9)
    matcher = FeedMatcher(load_index(Path(settings.feed_dir) if settings.feed_dir else None))
    software = report.software or []
    items = [SoftwareItem(s.name, s.version, s.vendor or "", s.cpe, s.source or "", s.bundle_id or "", s.source_package or "")
             for s in software]
    results = matcher.match(items, args.os or report.os or "Unknown")
    explained = [
        _ExplainedItem(
            index, item.name, item.version, item.vendor,
            _ExplainedMatch(r.match.cpe, r.match.method, r.match.score, r.match.evidence, r.match.version,
                            r.match.version_rule, matcher.group_of(r.match.cpe)) if r.match else None,
            r.reason,
            [
                {"cve": v.cve, "kev": v.kev, "cvss": v.cvss, "severity": v.severity,
                 "backport_possible": v.backport_possible, "via": v.via, "fixed_version": v.fixed_version,
                 "fix_kind": v.fix_kind, "version_unknown": v.version_unknown}
                for v in r.vulnerabilities
            ],
        )
        for index, (item, r) in enumerate(zip(items, results))
    ]
    if args.json:
        _print_json({"items": explained})
        return 0
    for item in explained:
        head = f"[{item.index}] {item.name} {item.version}" + (f" ({item.vendor})" if item.vendor else "")
        print(head)
        if item.match:
            print(f"    {item.match.method} {item.match.score:.2f}  {item.match.cpe}")
            print(f"    why: {item.match.evidence}")
            if item.match.version_rule:
                print(f"    version: {item.match.version} (rule {item.match.version_rule})")
            if len(item.match.group) > 1:
                print(f"    one product under: {', '.join(item.match.group)}")
        if item.reason:
            print(f"    {'note' if item.match else 'unmatched'}: {item.reason}")
        for v in item.vulnerabilities:
            flag = "  KEV" if v["kev"] else ""
            score = f"{v['cvss']:.1f} {v['severity']}" if v["cvss"] is not None else "no score"
            fix = _FIX_WORDS[v["fix_kind"]].format(v["fixed_version"])
            print(
                f"    {v['cve']}  {score}{flag}  via {v['via']}  {fix}"
                + ("  (version unknown: may apply)" if v["version_unknown"] else "")
                + ("  (distribution backport may apply)" if v["backport_possible"] else "")
            )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Exit status: 0 done, 1 error (one line on stderr), 2 usage error (argparse)."""
    args = build_parser().parse_args(argv)
    private_umask()
    try:
        settings = _settings(args)
        return args.run(args, settings)
    except (ApplianceError, SettingsError) as exc:
        where = f"{exc.field}: " if getattr(exc, "field", None) else ""
        print(f"sentrikat: error: {where}{exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a file or folder the command needs: say which, without a traceback
        target = f" {exc.filename}" if exc.filename else ""
        print(f"sentrikat: error: cannot use{target}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
