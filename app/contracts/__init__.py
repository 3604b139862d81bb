"""Electronic contracts: an employer's offer after an intent, signed by both parties with a
PAdES signature each, completed, paid and confirmed, and verifiable by anyone."""
