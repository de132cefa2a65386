"""Trust Coach's tools: the console, the self-hosted endpoint, packaging and locale models.

Never shipped to Lambda: `sam build` packs only lambda/ (the trust_coach package). These
modules use the skill through trust_coach.app, as Lambda does, and add what only a developer
or a self-hosted endpoint needs (Flask, waitress, cryptography).
"""
