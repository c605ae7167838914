-- contested_share for every maslikhat, from the CSV export alone, as an analyst would compute it
-- in DuckDB (method v1.1, docs/metrics.md): over the vote events of held sessions whose scheduled
-- start is at or before as_of and whose local date (UTC+5) is in [from, to], counted events with
-- T = yes + no + abstain > 0 and dissenters / T >= 0.10, divided by counted events with T > 0.
-- Dissenters are no + abstain on a passed vote, yes on a failed one. Councils with no such events
-- have no value (NULL). The bench substitutes {dir}, {from}, {to} and {as_of} (naive UTC).
WITH councils AS (
    SELECT id FROM read_csv('{dir}/councils.csv', header = true, all_varchar = true)
    WHERE level <> 'national'
),
sessions AS (
    SELECT id FROM read_csv('{dir}/sessions.csv', header = true, all_varchar = true)
    WHERE status = 'held'
      AND CAST(replace(scheduled_start, 'Z', '') AS TIMESTAMP) <= TIMESTAMP '{as_of}'
      AND CAST(CAST(replace(scheduled_start, 'Z', '') AS TIMESTAMP) + INTERVAL 5 HOUR AS DATE)
          BETWEEN DATE '{from}' AND DATE '{to}'
),
events AS (
    SELECT v.council_id,
           CAST(v.yes AS BIGINT) AS y, CAST(v.no AS BIGINT) AS n, CAST(v.abstain AS BIGINT) AS a,
           v.result
    FROM read_csv('{dir}/vote_events.csv', header = true, all_varchar = true) AS v
    JOIN sessions AS s ON v.session_id = s.id
    WHERE coalesce(v.yes, '') <> ''
),
scored AS (
    SELECT council_id,
           y + n + a AS t,
           CASE WHEN result = 'pass' THEN n + a ELSE y END AS dissent
    FROM events
)
SELECT c.id AS council,
       count(*) FILTER (WHERE t > 0 AND dissent * 10 >= t)::DOUBLE
           / nullif(count(*) FILTER (WHERE t > 0), 0) AS value
FROM councils AS c LEFT JOIN scored AS s ON s.council_id = c.id
GROUP BY c.id
ORDER BY value DESC NULLS LAST, c.id;
