"""The province's communes numbered 0..n-1 with their people's committee, as the first CTEs of the benches'
``INSERT ... SELECT`` (``JOIN communes c ON c.n = g % ncommunes.c`` spreads generated items over them)."""

COMMUNES_CTE = """communes AS (
    SELECT row_number() OVER (ORDER BY u.id) - 1 AS n, u.id AS commune_id, o.id AS agency_id
    FROM organizations_administrativeunit u
    JOIN organizations_organization o ON o.unit_id = u.id AND o.kind = 'peoples_committee'
    WHERE u.parent_id IS NOT NULL
), ncommunes AS (SELECT count(*) AS c FROM communes)"""
