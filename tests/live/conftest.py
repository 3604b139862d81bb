import time

NS = "/live"


def ack(client, event, data=None):
    """Emit and return the acknowledgement."""
    return client.emit(event, data, namespace=NS, callback=True)


def received(client, name=None):
    events = client.get_received(NS)
    return [e for e in events if name is None or e["name"] == name]


def wait_for(client, name, timeout=3.0, predicate=lambda args: True):
    """Collect events until one named `name` satisfies predicate; return its payload."""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        for event in client.get_received(NS):
            seen.append(event)
            if event["name"] == name and predicate(event["args"][0]):
                return event["args"][0]
        time.sleep(0.02)
    raise AssertionError(f"no {name} event; got {[e['name'] for e in seen]}")
