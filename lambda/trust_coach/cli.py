"""The `trust-coach` command: talk to the skill in a terminal, check the content, and more."""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from trust_coach.device import Device
from trust_coach.speech import readable


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


def print_turn(device: Device, out: TextIO) -> None:
    if device.ssml:
        out.write(f"Alexa: {readable(device.ssml)}\n")
    if device.session_open and device.reprompt_ssml:
        out.write(f"       (if you say nothing: {readable(device.reprompt_ssml)})\n")
    out.flush()


def chat(
    send: Callable[[dict[str, Any]], dict[str, Any]],
    user_id: str,
    locale: str = "en-US",
    source: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
) -> int:
    from trust_coach.nlu import Understanding

    understanding = Understanding.for_locale(locale)
    device = Device(send, user_id=user_id, locale=locale)
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
        match = understanding.resolve(line)
        device.intent(match.intent, slots=match.slots)
        print_turn(device, out)
    return 0


def validate() -> int:
    """Load and check every locale's content against its schemas."""
    from trust_coach.content import ContentError, catalog_for, supported_locales

    for locale in supported_locales():
        try:
            catalog_for.__wrapped__(locale)
        except ContentError as error:
            print(f"content error: {error}", file=sys.stderr)
            return 1
        print(f"{locale}: content ok")
    return 0


def package(function_arn: str, out: Path, skill_id: str | None) -> int:
    """Assemble the ASK CLI v2 skill package for the stack's function."""
    from trust_coach.locale_models import stale_models
    from trust_coach.skill_package import PackageError, assemble

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
    from trust_coach.locale_models import stale_models, write_models

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
    commands.add_parser("validate", help="check every content file against its schema")
    package_cmd = commands.add_parser("package", help="assemble the ASK CLI v2 skill package")
    package_cmd.add_argument("--function-arn", required=True, help="the stack's FunctionArn output")
    package_cmd.add_argument("--skill-id", help="update this skill instead of creating one")
    package_cmd.add_argument("--out", type=Path, help="output folder (default: build/ask)")
    models_cmd = commands.add_parser(
        "locale-models", help="generate the other English locales' models from en-US.json"
    )
    models_cmd.add_argument("--check", action="store_true", help="only report stale models")
    args = parser.parse_args(argv)

    from trust_coach.content import ContentError

    try:
        if args.command == "validate":
            return validate()
        if args.command == "package":
            from trust_coach.skill_package import DEFAULT_OUT

            return package(args.function_arn, args.out or DEFAULT_OUT, args.skill_id)
        if args.command == "locale-models":
            return locale_models(args.check)
        if args.command == "chat":
            from trust_coach.store import default_sqlite_path

            user_file = default_sqlite_path().parent / "console-user"
            if args.new_user and user_file.exists():
                user_file.unlink()
            return chat(in_process_sender(), console_user(user_file), args.locale)
    except ContentError as error:
        print(f"trust-coach cannot start: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUTF8", "1")
    sys.exit(main())
