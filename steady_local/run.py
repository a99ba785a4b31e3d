"""``make run``: the whole service on one machine, with moto standing in for AWS.

1. start moto in this process on 127.0.0.1 (``steady_local.server``);
2. create the table, bucket and user pool; restore the last snapshot;
3. publish ``content/``; create the demo accounts; print how to sign in;
4. run ``chalice local`` (``steady_local.gateway``) on 127.0.0.1:8000, reaching moto only through ``AWS_ENDPOINT_URL``;
5. snapshot after every write and on exit, so data survives a restart; Ctrl-C stops it all.
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The module the banner's example completes, at the version content/ publishes now.
DEMO_MODULE = "cravings-and-urge-surfing"


def demo_version() -> int:
    """``DEMO_MODULE``'s version in content/ (its front matter): a completion must name a
    published version, so the printed example works after every version bump."""
    import yaml

    text = (ROOT / "content" / "addiction" / f"{DEMO_MODULE}.md").read_text(encoding="utf-8")
    return int(yaml.safe_load(text.split("---")[1])["version"])


DEMO_ACCOUNTS = (
    ("demo-leader", "Demo-leader-2026", "leaders"),
    ("demo-participant-1", "Demo-participant-2026", "participants"),
    ("demo-participant-2", "Demo-participant-2026", "participants"),
    ("demo-admin", "Demo-admin-2026", "admins"),
)
REGION = "us-east-1"
# Stands in for the demo staff's phones: the authenticator secret of each local account that
# has one (git-ignored, beside the snapshot).
AUTHENTICATORS = "authenticators.json"
# The running stack's web address, beside stack.json (whose keys are the Stack's and the moto
# endpoint's, read back as a Stack by tools and tests): what `remind` puts in the links it
# sends, whatever --port it is given.
WEB_ADDRESS = "web.json"
SAVE_AFTER_SECONDS = 0.5  # after a write, how long to let further writes join one snapshot
# (--save-after: the browser tests, which never restart their stack, wait longer: each snapshot
# serialises every record, and one per half second of writes took half the runner's CPU time)
STOP_WITHIN_SECONDS = 45  # Ctrl-C: chalice local (10 s), the saver (10 s), the last snapshot


def _authenticators(state_dir: Path) -> dict[str, str]:
    path = state_dir / AUTHENTICATORS
    return json.loads(path.read_text()) if path.exists() else {}


def _ensure_authenticator(
    cognito: Any, stack: Any, username: str, password: str, known: dict[str, str]
) -> str:
    """The demo account's authenticator secret, enrolling one if it has none we know."""
    from steady_local.provision import enrol_authenticator

    if username in known:
        return known[username]
    user = cognito.admin_get_user(UserPoolId=stack.user_pool_id, Username=username)
    if "SOFTWARE_TOKEN_MFA" in (user.get("UserMFASettingList") or []):
        # Restored with an authenticator whose secret was lost: start it over, as an admin would.
        cognito.admin_set_user_mfa_preference(
            UserPoolId=stack.user_pool_id,
            Username=username,
            SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False},
        )
    known[username] = enrol_authenticator(cognito, stack, username, password)
    return known[username]


def _aws_defaults() -> None:
    # Set before moto is imported: deterministic pool and client ids across restarts.
    os.environ.setdefault("MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY", "HASH")
    os.environ.setdefault("MOTO_COGNITO_IDP_USER_POOL_CLIENT_ID_STRATEGY", "HASH")
    # Check authenticator codes like Cognito does (leaders sign in with one).
    os.environ.setdefault("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    os.environ["AWS_DEFAULT_REGION"] = os.environ["AWS_REGION"] = REGION


def client_factory(endpoint: str) -> Callable[[str], Any]:
    import boto3

    cache: dict[str, Any] = {}

    def clients(name: str) -> Any:
        if name not in cache:
            cache[name] = boto3.client(name, region_name=REGION, endpoint_url=endpoint)
        return cache[name]

    return clients


def publish_content(clients: Callable[[str], Any], bucket: str) -> str:
    cache = os.environ.get("STEADY_LOCAL_PUBLISHED_CACHE")
    if cache:  # the tests' stacks only: steady_local/published_cache.py
        from steady_local import published_cache

        return published_cache.publish(
            clients, bucket, Path(cache), lambda: _lint_and_publish(clients, bucket)
        )
    return _lint_and_publish(clients, bucket)


def _lint_and_publish(clients: Callable[[str], Any], bucket: str) -> str:
    from steady_content import pipeline
    from steady_content.publish import Publisher

    result = pipeline.lint(ROOT / "content")
    if not result.ok:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        raise SystemExit("content/ has problems: fix them (make lint-content) and run again")
    report = Publisher(clients("s3"), bucket).publish(result.modules, tracks=result.tracks)
    for outcome in report.outcomes:
        if outcome.message and outcome.status == "refused":
            print(f"  refused: {outcome.message}", file=sys.stderr)
    return report.summary()


def serve(args: argparse.Namespace) -> int:
    _aws_defaults()
    from steady_local import snapshot
    from steady_local.provision import create_account, provision, sign_in
    from steady_local.server import LocalAws

    state_dir = Path(args.state_dir)
    state_file = state_dir / "state.json"
    aws = LocalAws(port=args.moto_port).start()
    clients = client_factory(aws.url)
    stack = provision(clients)
    restored = snapshot.restore(clients, stack, state_file)
    published = publish_content(clients, stack.content_bucket)
    from chalicelib.identity import TWO_STEP_ROLES

    authenticators = _authenticators(state_dir)
    cognito = clients("cognito-idp")
    disabled = []
    for username, password, role in DEMO_ACCOUNTS:
        create_account(cognito, stack, username, password, role)
        if not cognito.admin_get_user(UserPoolId=stack.user_pool_id, Username=username).get(
            "Enabled", True
        ):
            disabled.append(username)  # an admin turned it off: it stays off across restarts
            continue
        secret = None
        if role in TWO_STEP_ROLES:
            secret = _ensure_authenticator(cognito, stack, username, password, authenticators)
        sign_in(cognito, stack, username, password, secret)  # each demo account works
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / AUTHENTICATORS).write_text(json.dumps(authenticators, sort_keys=True))
    bodies: dict[tuple[str, str], str] = {}  # S3 bodies by key and ETag, across snapshots
    snapshot.save(clients, stack, state_file, aws.app.lock, bodies)
    _save_running(state_dir, stack, aws.url, args.port)

    stopping = threading.Event()

    def save_on_change() -> None:
        while not stopping.is_set():
            aws.app.changed.wait()
            # One snapshot for a burst of writes: each one serialises the whole table under
            # moto's lock, so saving per write slowed the service itself.
            stopping.wait(args.save_after)
            aws.app.changed.clear()
            if not stopping.is_set():
                snapshot.save(clients, stack, state_file, aws.app.lock, bodies)

    saver = threading.Thread(target=save_on_change, daemon=True)
    saver.start()

    env = {**os.environ, **stack.environment(), "AWS_ENDPOINT_URL": aws.url}
    env.pop("STEADY_LOCAL_PUBLISHED_CACHE", None)  # the runner's, not the service's
    # chalice local, except that an unknown path goes to the catch-all route as deployed (the
    # 404 page, or the JSON 404; chalice's own answer copies the caller's bearer token into its
    # message): steady_local/gateway.py.
    api = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "steady_local.gateway",
            "--host",
            "127.0.0.1",
            "--port",
            str(args.port),
            "--stage",
            "dev",
        ],
        cwd=ROOT,
        env=env,
    )
    _banner(args.port, aws.url, restored, published, authenticators, disabled)

    def stop(*_: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # also when started with SIGINT ignored (e.g. by a script)
    code = 0
    try:
        code = api.wait()
    except KeyboardInterrupt:
        pass
    finally:
        # Should stopping ever hang, print every thread's stack and exit rather than wait.
        faulthandler.dump_traceback_later(STOP_WITHIN_SECONDS, exit=True)
        if api.poll() is None:
            api.terminate()
            try:
                api.wait(timeout=10)
            except subprocess.TimeoutExpired:
                api.kill()
        stopping.set()
        aws.app.changed.set()
        saver.join(timeout=10)
        snapshot.save(clients, stack, state_file, aws.app.lock, bodies)
        aws.stop()
        faulthandler.cancel_dump_traceback_later()
        print(f"\nStopped. Local data saved in {state_file}.", flush=True)
    return code


def _banner(
    port: int,
    moto_url: str,
    restored: int,
    published: str,
    authenticators: dict[str, str],
    disabled: list[str],
) -> None:
    api = f"http://127.0.0.1:{port}"
    lines = [
        "",
        "Steady is starting locally.",
        f"  Web app:    {api}/   (sign in with an account below)",
        f"  API:        {api}",
        f"  AWS (moto): {moto_url}   records restored: {restored}   content: {published}",
        "",
        "Demo accounts (username / password / role):",
    ]
    lines += [
        f"  {u:<20} {p:<24} {r}{'   (disabled by an admin)' if u in disabled else ''}"
        for u, p, r in DEMO_ACCOUNTS
    ]
    from chalicelib.mfa import display_key

    for username, secret in sorted(authenticators.items()):
        key = display_key(secret)
        lines += [
            "",
            f"{username} also needs a code (two-step sign-in is required for leaders and admins).",
            f"  Add this key to an authenticator app: {key}",
            f"  or print the current code: make -s code USER={username}",
        ]
    lines += [
        "",
        "Get a fresh access token (valid 60 minutes) in another terminal:",
        "  TOKEN=$(make -s token USER=demo-participant-1)",
        "  (any other local account: make -s token USER=name PASSWORD=its-password)",
        "As the demo admin (accounts, the audit trail; on the web app too, signed in as demo-admin):",
        "  ADMIN=$(make -s token USER=demo-admin)",
        f'  curl -s {api}/admin/accounts -H "Authorization: Bearer $ADMIN"',
        "Then, as a participant:",
        f'  curl -s {api}/modules -H "Authorization: Bearer $TOKEN"',
        f'  curl -s {api}/modules/{DEMO_MODULE} -H "Authorization: Bearer $TOKEN"',
        f'  curl -s -X POST {api}/me/completions -H "Authorization: Bearer $TOKEN" '
        "-H 'Content-Type: application/json' -d "
        f'\'{{"module_id": "{DEMO_MODULE}", "version": {demo_version()}}}\'',
        f'  curl -s {api}/me/completions -H "Authorization: Bearer $TOKEN"',
        "",
        "Messages that would have been sent (participant reminders, confirmation codes):",
        f"  {moto_url}/steady-outbox   or: make -s outbox",
        "  Reminders go out every 15 minutes in AWS; here run the job once with: make -s remind",
        "",
        "Press Ctrl-C to stop everything.",
        "",
    ]
    print("\n".join(lines), flush=True)


def _running_stack(state_dir: Path) -> tuple[Any, str] | None:
    from steady_local.provision import Stack

    stack_file = state_dir / "stack.json"
    if not stack_file.exists():
        print("The local stack is not running: start it with 'make run'.", file=sys.stderr)
        return None
    data = json.loads(stack_file.read_text())
    endpoint = data.pop("endpoint")
    return Stack(**data), endpoint


def _save_running(state_dir: Path, stack: Any, endpoint: str, port: int) -> None:
    """What the other commands (token, outbox, remind) need of the stack that is running."""
    (state_dir / "stack.json").write_text(json.dumps({**stack.__dict__, "endpoint": endpoint}))
    (state_dir / WEB_ADDRESS).write_text(json.dumps({"url": f"http://127.0.0.1:{port}"}))


def _web_address(state_dir: Path, port: int) -> str:
    """The address the running stack serves the web app on (saved when it started, as its
    moto endpoint is); ``port`` only for a stack started before that was saved."""
    saved = state_dir / WEB_ADDRESS
    if saved.exists():
        return str(json.loads(saved.read_text())["url"])
    return f"http://127.0.0.1:{port}"


def token(args: argparse.Namespace) -> int:
    """Print an access token for any account of the running local stack: a demo account's
    password is known; any other's comes from ``--password`` or ``PASSWORD`` (``make token``)."""
    _aws_defaults()
    from steady_local.provision import sign_in

    running = _running_stack(Path(args.state_dir))
    if running is None:
        return 1
    stack, endpoint = running
    passwords = {u: p for u, p, _ in DEMO_ACCOUNTS}
    password = args.password or os.environ.get("PASSWORD") or passwords.get(args.username)
    if not password:
        print(
            f"Give the password of {args.username}: make -s token USER={args.username} PASSWORD=...",
            file=sys.stderr,
        )
        return 1
    secret = _authenticators(Path(args.state_dir)).get(args.username)
    cognito = client_factory(endpoint)("cognito-idp")
    try:
        print(sign_in(cognito, stack, args.username, password, secret))
    except (cognito.exceptions.NotAuthorizedException, cognito.exceptions.UserNotFoundException):
        print(
            f"{args.username}: wrong username or password, or the account is disabled.",
            file=sys.stderr,
        )
        return 1
    except ValueError:
        print(
            f"{args.username} signs in with an authenticator code this machine does not know: "
            "sign in to the web app instead.",
            file=sys.stderr,
        )
        return 1
    except KeyError:
        print(
            f"{args.username} must choose a new password first: sign in to the web app once.",
            file=sys.stderr,
        )
        return 1
    return 0


def code(args: argparse.Namespace) -> int:
    """Print the current authenticator code of a local account (what its phone would show)."""
    from steady_local import totp

    secret = _authenticators(Path(args.state_dir)).get(args.username)
    if secret is None:
        print(
            f"{args.username} has no local authenticator (see 'make run' output).", file=sys.stderr
        )
        return 1
    print(totp.code(secret))
    return 0


def show_outbox(args: argparse.Namespace) -> int:
    """Print the emails and texts the local stack would have sent."""
    import urllib.request

    from steady_local import outbox

    running = _running_stack(Path(args.state_dir))
    if running is None:
        return 1
    with urllib.request.urlopen(running[1] + outbox.PATH, timeout=5) as answer:  # noqa: S310 (local moto)
        print(outbox.show(json.loads(answer.read())["messages"]))
    return 0


def remind(args: argparse.Namespace) -> int:
    """Run the reminder job once against the running local stack, for the current quarter hour."""
    _aws_defaults()
    running = _running_stack(Path(args.state_dir))
    if running is None:
        return 1
    stack, endpoint = running
    os.environ.update(stack.environment())
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    # The links in the messages go to the stack that is running, not to --port's default
    # (walk 18, item 10: `remind` without --port wrote links to port 8000).
    os.environ.setdefault("STEADY_WEB_URL", _web_address(Path(args.state_dir), args.port))
    from chalicelib import access_notices, reminder_sending, services

    try:
        # The whole run is at --at: the notices before access ends (walk 19, problem 9: they
        # ran at the real time whatever --at said) and the reminders' quiet hours and "too
        # late" (walk 21, 3: a text due at 18:00 was held back as the real time was 23:20).
        clock = _clock_at(services.current().clock, args.at)
    except ValueError:
        print(f"--at {args.at!r} is not a time like 2026-12-01T23:00:00Z.", file=sys.stderr)
        return 2
    report = reminder_sending.run_scheduled(services.current(), args.at, clock=clock)
    notices = access_notices.run_scheduled(services.current(), clock=clock)
    print(
        json.dumps(
            {
                "slot": report.slot,
                **report.counts(),
                "notices": {"day": notices.day, **notices.counts()},
            }
        )
    )
    print(f"See what was sent: make -s outbox   ({endpoint}/steady-outbox)")
    return 0


def _clock_at(clock: Any, at: str | None) -> Any:
    """``clock`` (a ``chalicelib.clock.Clock``) stopped at ``at`` (an ISO time; UTC when it
    names no zone), in the same program time zone; ``clock`` itself without ``at``."""
    if not at:
        return clock
    from datetime import UTC, datetime

    from chalicelib.clock import Clock, zone_key

    moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return Clock(zone_key(clock.zone), source=lambda: moment)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m steady_local")
    parser.add_argument("--state-dir", default=str(ROOT / ".local"))
    sub = parser.add_subparsers(dest="command")
    run_parser = sub.add_parser("run", help="start the local stack (default)")
    for p in (parser, run_parser):
        p.add_argument("--port", type=int, default=int(os.environ.get("STEADY_PORT", "8000")))
        p.add_argument(
            "--moto-port", type=int, default=int(os.environ.get("STEADY_MOTO_PORT", "5005"))
        )
        p.add_argument(
            "--save-after",
            type=float,
            default=SAVE_AFTER_SECONDS,
            help="seconds to let writes gather before a snapshot (it is saved on exit too)",
        )
    token_parser = sub.add_parser("token", help="print an access token for an account")
    token_parser.add_argument("username")
    token_parser.add_argument("--password")
    code_parser = sub.add_parser("code", help="print the current authenticator code of an account")
    code_parser.add_argument("username")
    sub.add_parser("outbox", help="print the emails and texts that would have been sent")
    remind_parser = sub.add_parser("remind", help="run the reminder job once (this quarter hour)")
    remind_parser.add_argument(
        "--at", help="the run's time, e.g. 2026-12-01T23:00:00Z (default: now)"
    )
    args = parser.parse_args(argv)
    if args.command == "outbox":
        return show_outbox(args)
    if args.command == "remind":
        return remind(args)
    if args.command == "token":
        return token(args)
    if args.command == "code":
        return code(args)
    return serve(args)
