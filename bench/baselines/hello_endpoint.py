"""Endpoint baseline: a flask-ask-sdk hello world, verification OFF, on waitress.

The floor skill (floor.py) behind flask-ask-sdk's SkillAdapter, served like `trust-coach
serve` (waitress, 8 threads). Prints the address once the socket is bound.
"""

import sys

import waitress.server
from flask import Flask

# flask_ask_sdk imports oscrypto, which cannot read this machine's OpenSSL version without
# Trust Coach's import fix (see trust_coach/oscrypto_fix.py); the fix changes nothing else.
from trust_coach_tools import oscrypto_fix

oscrypto_fix.install()

from flask_ask_sdk.skill_adapter import (  # noqa: E402
    VERIFY_SIGNATURE_APP_CONFIG,
    VERIFY_TIMESTAMP_APP_CONFIG,
    SkillAdapter,
)
from floor import builder  # noqa: E402

app = Flask(__name__)
app.config[VERIFY_SIGNATURE_APP_CONFIG] = False
app.config[VERIFY_TIMESTAMP_APP_CONFIG] = False
adapter = SkillAdapter(skill=builder.create(), skill_id="hello", app=app)
adapter.register(app=app, route="/")

if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = waitress.server.create_server(app, host="127.0.0.1", port=port, threads=8)
    print(f"hello endpoint on http://127.0.0.1:{server.effective_port}/", flush=True)
    server.run()
