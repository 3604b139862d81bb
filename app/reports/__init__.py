"""Reports for organisers and hosts: turnout, sign-ups, intents reached, exports."""
