"""One cold start: import a Lambda handler module and answer one event, timed in process.

Run as a fresh process by cold_start.py. It imports nothing else before the handler, so the
figure is what Lambda's init phase plus the first invocation would spend.
"""

import time

STARTED = time.perf_counter()

import importlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402


def main() -> None:
    module_name, event_path, result_path = sys.argv[1:4]
    with open(event_path, encoding="utf-8") as source:
        event = json.load(source)
    begun = time.perf_counter()
    module = importlib.import_module(module_name)
    imported = time.perf_counter()
    response = module.lambda_handler(event, None)
    answered = time.perf_counter()
    speech = ((response or {}).get("response") or {}).get("outputSpeech")
    result = {
        "interpreter_s": begun - STARTED,
        "import_s": imported - begun,
        "first_request_s": answered - imported,
        "cold_s": answered - begun,
        "answered": bool(speech),
    }
    with open(result_path, "w", encoding="utf-8") as out:
        json.dump(result, out)


main()
