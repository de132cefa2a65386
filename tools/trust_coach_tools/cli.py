"""The `trust-coach` command: talk to the skill in a terminal, check the content, and more."""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from trust_coach.speech import readable
from trust_coach_tools.device import DEFAULT_SKILL_ID, SCREENS, Device

if TYPE_CHECKING:
    from trust_coach_tools.voice import Speaker

# The environment's way to say --insecure-skip-verification (for containers and scripts).
INSECURE_ENV = "TRUST_COACH_INSECURE_SKIP_VERIFICATION"
ENDPOINT_HINT = (
    "The console cannot sign requests as Alexa does. To talk to an endpoint from here, "
    "start a local one with: trust-coach serve --insecure-skip-verification"
)


def console_user(path: Path) -> str:
    """The console's user id, kept beside the store so "continue" works the next day."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    user_id = f"amzn1.ask.account.console-{uuid.uuid4().hex}"
    path.write_text(user_id, encoding="utf-8")
    return user_id


def in_process_sender() -> Callable[[dict[str, Any]], dict[str, Any]]:
    from trust_coach.app import handle_event, skill

    target = skill()
    return lambda event: handle_event(target, event)


def load_content(locales: list[str]) -> None:
    """Read and check the words before the first turn: a broken content file stops start-up
    with a ContentError naming the file and field, and no request waits for the loading."""
    from trust_coach.content import catalog_for
    from trust_coach.exercises import library_for

    for locale in locales:
        library_for(catalog_for(locale))


# --device: a voice-only speaker, or a screen ("show" is an Echo Show 8).
DEVICES = ("voice", "show", *SCREENS)
TAP = "tap "  # "tap next" presses a button on the screen


def print_turn(device: Device, out: TextIO) -> None:
    from trust_coach_tools.screen_text import show

    if device.ssml:
        out.write(f"Alexa: {readable(device.ssml)}\n")
    show(device, out)
    if device.session_open and device.reprompt_ssml:
        out.write(f"       (if you say nothing: {readable(device.reprompt_ssml)})\n")
    out.flush()


def chat(
    send: Callable[[dict[str, Any]], dict[str, Any]],
    user_id: str,
    locale: str = "en-US",
    source: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
    skill_id: str = DEFAULT_SKILL_ID,
    screen: str = "voice",
    aloud: bool = False,
) -> int:
    """`aloud`: answers are played as they would be on an Echo, so what is typed while one
    plays cuts in on it; in text, every answer counts as heard to its end."""
    from trust_coach_tools.nlu import Understanding

    understanding = Understanding.for_locale(locale)
    shown = None if screen == "voice" else ("show8" if screen == "show" else screen)
    device = Device(send, user_id=user_id, locale=locale, skill_id=skill_id, screen=shown)
    device.listens_to_the_end = not aloud
    out.write("Trust Coach console. Type what you would say; Ctrl-D or 'stop' ends.\n\n")
    device.launch()
    print_turn(device, out)
    while device.session_open:
        out.write("You: ")
        out.flush()
        line = source.readline()
        if not line:  # Ctrl-D: the user walked away, as Alexa would see it
            out.write("\n")
            device.end_session("USER_INITIATED")
            break
        if not line.strip():
            continue
        if shown is not None and line.strip().lower().startswith(TAP):
            device.user_event("control", line.strip().lower().removeprefix(TAP).strip())
            print_turn(device, out)
            continue
        match = understanding.resolve(line)
        device.intent(match.intent, slots=match.slots)
        print_turn(device, out)
    return 0


def validate(write_stamp: bool = False) -> int:
    """Check every locale's content against its schemas in full; `write_stamp` records it."""
    from trust_coach import content
    from trust_coach.content import ContentError, stamp

    try:
        fingerprints = content.validate_all()
    except ContentError as error:
        print(f"content error: {error}", file=sys.stderr)
        return 1
    for locale in content.supported_locales():
        print(f"{locale}: content ok")
    if write_stamp:
        print(f"validation stamp written: {stamp.write_stamp(content.CONTENT_DIR, fingerprints)}")
    elif not stamp.stamp_is_current(content.CONTENT_DIR, fingerprints):
        print(
            "note: the validation stamp is out of date, so every cold start validates the "
            "content again; run trust-coach validate --stamp"
        )
    return 0


def chat_sender(
    endpoint: str | None, voice: bool, locale: str
) -> tuple[Callable[[dict[str, Any]], dict[str, Any]], Speaker | None]:
    """How the console reaches the skill (in process, or a URL), and its speaker if any."""
    from trust_coach_tools.remote import endpoint_sender
    from trust_coach_tools.voice import INSTALL_HINT, Speaker

    if endpoint:
        send = endpoint_sender(endpoint)
    else:
        load_content([locale])
        send = in_process_sender()
    if not voice:
        return send, None
    speaker = Speaker.find(locale, notices=sys.stdout)
    if speaker is None:
        print(INSTALL_HINT)
        return send, None
    return speaker.speaking(send), speaker


NO_SKILL_ID = (
    "trust-coach serve: no skill id. With verification on, the endpoint answers only requests "
    "for one skill: pass --skill-id amzn1.ask.skill.... (or set SKILL_ID). To answer signed "
    "requests for every skill, which lets any Alexa skill whose endpoint points here use this "
    "skill and its stored progress, pass --any-skill."
)
ANY_SKILL_NOTE = (
    "note: --any-skill: signed requests for ANY Alexa skill are answered, so another skill "
    "pointed at this address reaches this skill and its stored progress. Pass --skill-id to "
    "answer only yours."
)


def serve(
    host: str, port: int, skill_id: str | None, insecure: bool, any_skill: bool = False
) -> int:
    """Serve the skill as an Alexa web-service endpoint until interrupted."""
    from trust_coach_tools.signing_certs import CHAIN_DIR_ENV, ROOTS_ENV
    from trust_coach_tools.web import create_app, make_server

    insecure = insecure or os.environ.get(INSECURE_ENV, "").strip().lower() in {"1", "true", "yes"}
    skill_id = skill_id or os.environ.get("SKILL_ID") or None
    if not skill_id and not insecure and not any_skill:
        print(NO_SKILL_ID, file=sys.stderr)
        return 2
    if insecure:
        print(
            "WARNING: request signature and timestamp verification is OFF. Anyone who can "
            "reach this port can talk to the skill as any user. Use this only on your own "
            "machine, never behind a tunnel or proxy that Alexa reaches.",
            file=sys.stderr,
        )
    for name in (CHAIN_DIR_ENV, ROOTS_ENV):
        if os.environ.get(name) and not insecure:
            print(
                f"note: {name} is set; signing certificates are checked offline.", file=sys.stderr
            )
    if not skill_id:
        print(
            ANY_SKILL_NOTE if not insecure else "note: no --skill-id: any skill id is accepted.",
            file=sys.stderr,
        )
    from trust_coach.content import supported_locales

    load_content(supported_locales())
    if os.environ.get("TABLE_NAME"):
        from trust_coach.store.dynamodb import shared_client

        try:  # made once here, not by each of the first requests at once
            shared_client()
        except Exception as error:  # e.g. no region: each turn answers without memory
            print(f"note: no DynamoDB client yet: {type(error).__name__}", file=sys.stderr)
    server = make_server(create_app(verify_requests=not insecure, skill_id=skill_id), host, port)
    print(
        f"Trust Coach endpoint on http://{host}:{server.effective_port}/ "
        f"(verification {'OFF' if insecure else 'on'}); Ctrl-C stops it.",
        flush=True,
    )
    try:
        server.run()
    finally:
        server.close()
    return 0


def package(function_arn: str, out: Path, skill_id: str | None) -> int:
    """Assemble the ASK CLI v2 skill package for the stack's function."""
    from trust_coach_tools.locale_models import stale_models
    from trust_coach_tools.skill_package import PackageError, assemble

    stale = stale_models()
    if stale:
        print(
            f"interaction models out of date: {', '.join(stale)}; run trust-coach locale-models",
            file=sys.stderr,
        )
        return 1
    try:
        written = assemble(function_arn, out, skill_id)
    except PackageError as error:
        print(f"cannot package the skill: {error}", file=sys.stderr)
        return 1
    print(f"skill package ready in {written}: cd there and run `ask deploy`")
    return 0


def locale_models(check: bool) -> int:
    """Regenerate (or with --check, only compare) the other locales' interaction models."""
    from trust_coach_tools.locale_models import stale_models, write_models

    if check:
        stale = stale_models()
        for locale in stale:
            print(f"{locale}: out of date; run trust-coach locale-models", file=sys.stderr)
        return 1 if stale else 0
    for locale in write_models():
        print(f"{locale}: written")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="trust-coach", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    chat_cmd = commands.add_parser("chat", help="talk to the skill in this terminal")
    chat_cmd.add_argument("--locale", default="en-US")
    chat_cmd.add_argument("--new-user", action="store_true", help="start as a first-time user")
    chat_cmd.add_argument("--endpoint", metavar="URL", help="talk to a running endpoint over HTTP")
    chat_cmd.add_argument("--voice", action="store_true", help="also speak through espeak-ng")
    chat_cmd.add_argument("--skill-id", default=DEFAULT_SKILL_ID, help="application id to send")
    chat_cmd.add_argument(
        "--device",
        choices=DEVICES,
        default="voice",
        help="act as a screen device (show: an Echo Show 8); 'tap next' presses a button",
    )
    serve_cmd = commands.add_parser("serve", help="serve the skill as an Alexa web endpoint")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    serve_cmd.add_argument("--skill-id", help="only accept requests for this skill (env SKILL_ID)")
    serve_cmd.add_argument(
        "--any-skill",
        action="store_true",
        help="with verification on and no skill id, answer signed requests for every skill",
    )
    serve_cmd.add_argument(
        "--insecure-skip-verification",
        action="store_true",
        help=f"do not check signatures and timestamps; local use only (env {INSECURE_ENV}=1)",
    )
    validate_cmd = commands.add_parser(
        "validate", help="check every content file against its schema"
    )
    validate_cmd.add_argument(
        "--stamp", action="store_true", help="record the checked content so cold starts skip it"
    )
    package_cmd = commands.add_parser("package", help="assemble the ASK CLI v2 skill package")
    package_cmd.add_argument(
        "--function-arn", required=True, help="the stack's FunctionAliasArn output"
    )
    package_cmd.add_argument("--skill-id", help="update this skill instead of creating one")
    package_cmd.add_argument("--out", type=Path, help="output folder (default: build/ask)")
    models_cmd = commands.add_parser(
        "locale-models", help="generate the other English locales' models from en-US.json"
    )
    models_cmd.add_argument("--check", action="store_true", help="only report stale models")
    args = parser.parse_args(argv)

    from trust_coach.content import ContentError
    from trust_coach_tools.remote import EndpointError

    try:
        if args.command == "validate":
            return validate(write_stamp=args.stamp)
        if args.command == "serve":
            return serve(
                args.host,
                args.port,
                args.skill_id,
                args.insecure_skip_verification,
                args.any_skill,
            )
        if args.command == "package":
            from trust_coach_tools.skill_package import DEFAULT_OUT

            return package(args.function_arn, args.out or DEFAULT_OUT, args.skill_id)
        if args.command == "locale-models":
            return locale_models(args.check)
        if args.command == "chat":
            from trust_coach.store import default_sqlite_path

            user_file = default_sqlite_path().parent / "console-user"
            if args.new_user and user_file.exists():
                user_file.unlink()
            send, speaker = chat_sender(args.endpoint, args.voice, args.locale)
            try:
                return chat(
                    send,
                    console_user(user_file),
                    args.locale,
                    skill_id=args.skill_id,
                    screen=args.device,
                    aloud=speaker is not None,
                )
            finally:
                if speaker is not None:
                    speaker.wait()  # let the last answer finish before the console exits
    except EndpointError as error:
        print(f"trust-coach: {error}", file=sys.stderr)
        if "verification" in str(error):
            print(ENDPOINT_HINT, file=sys.stderr)
        return 1
    except ContentError as error:
        print(f"trust-coach cannot start: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUTF8", "1")
    sys.exit(main())
