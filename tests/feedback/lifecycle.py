"""The legal lifecycle, written out by hand from the diagram in docs/ARCHITECTURE.md (and DOMAIN.md §3), as the
oracle the workflow tests compare the code with. It deliberately does not import ``feedback.workflow``: a
wrong row in ``MOVES`` must fail these tests, not pass them.

    received ──triage──> accepted ──forward──> forwarded ──answer──> answered ──verify──> resolved
        ├─> rejected                         │  ▲                       │        (or on_roadmap,
        ├─> merged                           │  └─ reforward/extension  │         cannot_resolve)
        └─> withdrawn                        └─> returned ─> back to triage
    resolved ──citizen disputes──> reopened ──> forwarded
                                             └──> resolved (the Front keeps the result and explains)
"""

# (from, move) -> to. Every pair not listed is refused in that state (409).
LEGAL: dict[tuple[str, str], str] = {
    # Triage: a new item, one returned by the agency ("back to triage") and a disputed one are triaged again.
    ("received", "accept"): "accepted",
    ("returned", "accept"): "accepted",
    ("reopened", "accept"): "accepted",
    # Refusing and merging are triage decisions too: before forwarding (accepting does not forward).
    ("received", "reject"): "rejected",
    ("accepted", "reject"): "rejected",
    ("returned", "reject"): "rejected",
    ("received", "merge"): "merged",
    ("accepted", "merge"): "merged",
    ("returned", "merge"): "merged",
    # The citizen may withdraw the matter while nobody has answered it yet.
    ("received", "withdraw"): "withdrawn",
    ("accepted", "withdraw"): "withdrawn",
    ("forwarded", "withdraw"): "withdrawn",
    ("returned", "withdraw"): "withdrawn",
    ("reopened", "withdraw"): "withdrawn",
    # One agency, one due date.
    ("accepted", "forward"): "forwarded",
    ("forwarded", "reforward"): "forwarded",
    ("forwarded", "extend"): "forwarded",
    # The agency answers, or returns the item as not its competence.
    ("forwarded", "answer"): "answered",
    ("forwarded", "return"): "returned",
    # The Front verifies the answer: closes it one of three ways, or sends it back to the same agency.
    ("answered", "send_back"): "forwarded",
    ("answered", "resolve"): "resolved",
    ("answered", "roadmap"): "on_roadmap",
    ("answered", "cannot_resolve"): "cannot_resolve",
    # The citizen disputes a result within the window.
    ("resolved", "reopen"): "reopened",
    ("on_roadmap", "reopen"): "reopened",
    ("cannot_resolve", "reopen"): "reopened",
    # After a dispute the Front keeps the result with an explanation (or accepts and forwards it again). The
    # result kept is the one disputed; an item whose history does not say which is kept as resolved.
    ("reopened", "uphold"): "resolved",
}

# Who makes each move (any other actor is refused with 403, whatever the state).
WHO: dict[str, frozenset[str]] = {
    "accept": frozenset({"front"}),
    "reject": frozenset({"front"}),
    "merge": frozenset({"front"}),
    "withdraw": frozenset({"citizen", "front"}),  # the Front records a withdrawal asked by phone or in person
    "forward": frozenset({"front"}),
    "reforward": frozenset({"front"}),
    "extend": frozenset({"front"}),  # asked by the agency, granted by the Front
    "answer": frozenset({"agency"}),
    "return": frozenset({"agency"}),
    "send_back": frozenset({"front"}),
    "resolve": frozenset({"front"}),
    "roadmap": frozenset({"front"}),
    "cannot_resolve": frozenset({"front"}),
    "reopen": frozenset({"citizen"}),
    "uphold": frozenset({"front"}),
}

STATES = (
    "received",
    "accepted",
    "rejected",
    "merged",
    "withdrawn",
    "forwarded",
    "returned",
    "answered",
    "resolved",
    "on_roadmap",
    "cannot_resolve",
    "reopened",
)
ACTORS = ("front", "agency", "citizen", "system")

# A move that keeps the status is a new decision each time; any other move whose target is already the
# status is a repeat (a double click) and changes nothing.
NEW_DECISION_EACH_TIME = frozenset({"reforward", "extend"})


# For each move, a state it does not leave and that is not its target (a repeat is not a refusal), where the
# officer of the move can still see the item.
REFUSED_IN: dict[str, str] = {
    "accept": "forwarded",
    "reject": "forwarded",
    "merge": "answered",
    "withdraw": "answered",
    "forward": "received",
    "reforward": "answered",
    "extend": "answered",
    "return": "answered",
    "answer": "resolved",
    "send_back": "received",
    "resolve": "forwarded",
    "roadmap": "received",
    "cannot_resolve": "resolved",
    "uphold": "received",
}
