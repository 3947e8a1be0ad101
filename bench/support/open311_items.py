"""The items the Open311 benches read, written in one ``INSERT ... SELECT`` each (run inside ``django.setup()``
against the bench's database).

- published (``OPB-…``): answered or resolved, with consent to publish and a public answer, received over the
  last 80 days: what ``published_items()`` shows, spread over the province's communes and the categories;
- unpublished (``OPU-…``): received and not yet answered, without consent to publish, in the same days: the
  bulk of a real province's recent items, which the default page must step over, not read.
"""

from typing import Any

from .communes import COMMUNES_CTE

_INSERT = f"""
WITH {COMMUNES_CTE},
categories AS (SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM feedback_category),
ncategories AS (SELECT count(*) AS c FROM categories)
INSERT INTO feedback_item (
    tracking_code, secret_hash, type, address_text, title, content, request_text, search_text, channel,
    is_mass_petition, is_complex, is_anonymous, submitter_name, submitter_phone, submitter_email,
    submitter_address, consent_processing, consent_contact, consent_publish, privacy_notice_version,
    consent_method, status, handling_level, due_step, extension_count, public_answer, rating_comment,
    received_at, updated_at, answered_at, category_id, commune_id, current_agency_id, due_date, triage_due_date,
    answer_due_date, acknowledged_at, complexity, complexity_reason, submitter_language, support_count,
    latitude, longitude)
SELECT %(prefix)s || lpad(g::text, 7, '0'), 'x', 'recommendation', 'Thôn 3',
       'Đường vào bản bị sạt lở sau mưa lớn số ' || g,
       repeat('Đường vào bản bị sạt lở sau mưa lớn. ', 3), '', 'duong vao ban', 'web',
       false, false, false, 'Nguyễn Văn A', '', '', '', true, false, %(published)s, '2026-01', 'online_form',
       CASE WHEN NOT %(published)s THEN 'received' WHEN g %% 3 = 0 THEN 'answered' ELSE 'resolved' END,
       'commune', CASE WHEN %(published)s THEN 'answer' ELSE 'triage' END, 0,
       CASE WHEN %(published)s THEN 'Ủy ban xã đã sửa đường.' ELSE '' END, '',
       now() - (g * %(spacing)s * interval '1 second'), now() - (g * %(spacing)s * interval '1 second'),
       CASE WHEN %(published)s THEN now() - (g * %(spacing)s * interval '1 second') END, cat.id, c.commune_id,
       CASE WHEN %(published)s THEN c.agency_id END, current_date + 15, current_date, current_date + 15, now(),
       'normal', '', 'vi', 0, 21.0 + (g %% 1000) / 10000.0, 105.8 + (g %% 700) / 10000.0
FROM generate_series(%(first)s, %(last)s) AS g
CROSS JOIN ncommunes CROSS JOIN ncategories
JOIN communes c ON c.n = g %% ncommunes.c
JOIN categories cat ON cat.n = g %% ncategories.c
"""

WINDOW_SECONDS = 80 * 24 * 3600  # every item received within the last 80 days (Open311's default window is 90)


def ensure_items(cursor: Any, *, wanted: int, published: bool = True) -> int:
    """Add items until ``wanted`` of the kind exist; return how many were added."""
    prefix = "OPB-" if published else "OPU-"
    cursor.execute("SELECT count(*) FROM feedback_item WHERE tracking_code LIKE %s", [prefix + "%"])
    have = cursor.fetchone()[0]
    if have >= wanted:
        return 0
    cursor.execute(
        _INSERT,
        {
            "prefix": prefix,
            "published": published,
            "spacing": max(1, WINDOW_SECONDS // max(wanted, 1)),
            "first": have + 1,
            "last": wanted,
        },
    )
    cursor.execute("ANALYZE feedback_item")
    return wanted - have
