"""The public submission the submit benchmark posts (bench/submit.py over HTTP, submit_profile.py in-process)."""


def submission_payload(category: int, commune: int) -> dict:
    """A recommendation of a few hundred characters, with a phone number, as a citizen would send it."""
    return {
        "type": "recommendation",
        "category": category,
        "commune": commune,
        "title": "Đường vào bản bị sạt lở",
        "content": "Sau mưa lớn, đoạn đường vào bản bị sạt, xe máy không đi được. " * 4,
        "consent_processing": True,
        "consent_publish": True,
        "submitter_phone": "0912 345 678",
    }
