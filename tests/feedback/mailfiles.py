"""Read back the messages a worker process wrote with Django's file-based email backend."""

import email
from email import policy
from pathlib import Path


def read_messages(directory: Path) -> list[email.message.EmailMessage]:
    messages = []
    for path in sorted(Path(directory).glob("*.log")):
        # The backend writes each message followed by a line of 79 dashes.
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk, policy=policy.default))
    return messages


def keys(directory: Path) -> list[str]:
    return [m["X-MTTQ-Notification"] for m in read_messages(directory)]
