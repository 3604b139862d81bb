import json
import time

from tests.browser import ARTIFACTS


def record_figures(fault: str, **figures) -> None:
    """Append what a fault test sent and found stored to test-artifacts/reliability.jsonl."""
    ARTIFACTS.mkdir(exist_ok=True)
    with (ARTIFACTS / "reliability.jsonl").open("a") as out:
        out.write(
            json.dumps(
                {
                    "fault": fault,
                    "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    **figures,
                }
            )
            + "\n"
        )
