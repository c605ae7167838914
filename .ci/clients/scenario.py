"""A third party's publish-and-read scenario, through the client openapi-python-client generates
from openapi/openapi.json and nothing else (no hand-written HTTP). Run by .ci/clients/run against
a live server: MASLIKHAT_URL, ADMIN_TOKEN and PUBLISHER_TOKEN (a publisher of council `ci`).

Every step asserts the status and that the body parsed into the generated class, so a document the
generator misreads (an unresolved schema, an undeclared status) fails here."""

import os
import re
import sys
from http import HTTPStatus
from pathlib import Path

from maslikhat_client import AuthenticatedClient, Client
from maslikhat_client.api.councils import get_council, list_councils, put_council
from maslikhat_client.api.log import get_inclusion_proof, get_log_checkpoint
from maslikhat_client.api.metrics import get_council_metrics, list_council_rankings
from maslikhat_client.api.rosters import get_roster, put_roster
from maslikhat_client.api.sessions import get_session, put_session_record
from maslikhat_client.api.votes import get_vote_event
from maslikhat_client.models import (
    Checkpoint,
    CouncilDoc,
    CouncilList,
    CouncilMetricsDto,
    CouncilView,
    InclusionProof,
    Problem,
    Ranking,
    RosterDoc,
    SessionRecordDoc,
    SessionView,
    VersionInfo,
    VoteEventView,
)

BASE_URL = os.environ["MASLIKHAT_URL"]
ADMIN_TOKEN = os.environ["ADMIN_TOKEN"]
PUBLISHER_TOKEN = os.environ["PUBLISHER_TOKEN"]
README = Path(__file__).resolve().parents[2] / "README.md"

steps = 0


def check(what, response, status, parsed_type=None):
    global steps
    steps += 1
    ok = response.status_code == status and (parsed_type is None or isinstance(response.parsed, parsed_type))
    print(f"{'ok' if ok else 'FAILED'}  {what}: {int(response.status_code)} {type(response.parsed).__name__}")
    if not ok:
        print(f"    expected {int(status)} {parsed_type.__name__ if parsed_type else ''}; body: {response.content[:500]!r}")
        sys.exit(1)
    return response.parsed


anonymous = Client(base_url=BASE_URL)
admin = AuthenticatedClient(base_url=BASE_URL, token=ADMIN_TOKEN)
publisher = AuthenticatedClient(base_url=BASE_URL, token=PUBLISHER_TOKEN)


def council(cid):
    return CouncilDoc.from_dict({
        "names": {"kk": f"{cid} аудандық мәслихаты", "ru": f"Маслихат района {cid}"},
        "level": "district",
        "seats": 5,
        "convocations": [{"number": "VIII", "start_date": "2023-03-19"}],
    })


# 1. Councils (an admin), each answered 201 with its typed ETag and Location.
for cid in ["ci", "ci-b", "ci-c"]:
    r = put_council.sync_detailed(cid, client=admin, body=council(cid))
    info = check(f"create council {cid}", r, HTTPStatus.CREATED, VersionInfo)
    assert r.headers["ETag"] == info.etag, (r.headers, info.etag)
    assert r.headers["Location"] == f"/v1/councils/{cid}", r.headers

# 2. The roster (the council's publisher).
roster = RosterDoc.from_dict({"deputies": [{
    "id": f"ci-d{i}",
    "names": {"kk": f"Депутат {i}", "ru": f"Депутат {i}"},
    "mandates": [{"convocation": "VIII", "seat_type": "single_member", "district": str(i),
                  "nomination": "self_nominated", "start_date": "2023-03-20"}],
} for i in range(1, 5)]})
check("create the roster", put_roster.sync_detailed("ci", client=publisher, body=roster), HTTPStatus.CREATED, VersionInfo)
check("read the roster", get_roster.sync_detailed("ci", client=anonymous), HTTPStatus.OK)

# 3. A session with a named vote: the README's example, run as it is written there.
text = README.read_text(encoding="utf-8")
example = re.search(r"<!-- ci: python client example -->\s*```python\n(.*?)```", text, re.S)
assert example, "README.md has the Python client example"
scope = {"BASE_URL": BASE_URL, "PUBLISHER_TOKEN": PUBLISHER_TOKEN}
exec(compile(example.group(1), "README.md (Python client example)", "exec"), scope)
r = scope["r"]
info = check("publish a session with a named vote (README example)", r, HTTPStatus.CREATED, VersionInfo)
etag = r.headers["ETag"]
assert info.log_index is not None, "the version is logged"

session = check("read the session", get_session.sync_detailed("ci-s1", client=anonymous), HTTPStatus.OK, SessionView)
vote = check("read the named vote", get_vote_event.sync_detailed("ci-s1-v1", client=anonymous), HTTPStatus.OK,
             VoteEventView)
assert len(vote.ballots) == 4, vote

# 4. A correction: refused without If-Match (428, typed Problem), stored with the typed ETag.
record = scope["record"]
record.place = "Зал заседаний"
record.reason = "Место заседания уточнено"
r = put_session_record.sync_detailed("ci", "ci-s1", client=publisher, body=record)
problem = check("a correction without If-Match", r, HTTPStatus.PRECONDITION_REQUIRED, Problem)
r = put_session_record.sync_detailed("ci", "ci-s1", client=publisher, body=record, if_match="\"stale\"")
check("a correction over a stale ETag", r, HTTPStatus.PRECONDITION_FAILED, Problem)
r = put_session_record.sync_detailed("ci", "ci-s1", client=publisher, body=record, if_match=etag)
corrected = check("a correction with If-Match", r, HTTPStatus.OK, VersionInfo)
assert corrected.version == 2, corrected

# 5. A conditional read: 304 is declared, so the client returns it instead of raising.
r = get_council.sync_detailed("ci", client=anonymous)
check("read a council", r, HTTPStatus.OK, CouncilView)
r = get_council.sync_detailed("ci", client=anonymous.with_headers({"If-None-Match": r.headers["ETag"]}))
check("read it again with If-None-Match", r, HTTPStatus.NOT_MODIFIED)

# 6. Paging through every council with `cursor`, one a page.
seen, cursor, pages = [], None, 0
while True:
    kwargs = {"cursor": cursor} if cursor else {}
    page = check(f"list councils, page {pages + 1}", list_councils.sync_detailed(client=anonymous, limit=1, **kwargs),
                 HTTPStatus.OK, CouncilList)
    pages += 1
    seen += [c.id for c in page.items]
    cursor = page.links.cursor if isinstance(page.links.cursor, str) else None
    if cursor is None:
        break
assert {"ci", "ci-b", "ci-c"} <= set(seen) and pages == len(seen), (seen, pages)
r = list_councils.sync_detailed(client=anonymous, cursor="garbage")
check("a cursor the server never issued", r, HTTPStatus.BAD_REQUEST, Problem)

# 7. Metrics and rankings.
check("council metrics", get_council_metrics.sync_detailed("ci", client=anonymous), HTTPStatus.OK, CouncilMetricsDto)
ranking = check("rankings", list_council_rankings.sync_detailed(client=anonymous), HTTPStatus.OK, Ranking)
assert any(row.council == "ci" for row in ranking.items), ranking

# 8. The log: the checkpoint, and the proof that the session's first version is in it.
cp = check("the log checkpoint", get_log_checkpoint.sync_detailed(client=anonymous), HTTPStatus.OK, Checkpoint)
proof = check("an inclusion proof", get_inclusion_proof.sync_detailed(client=anonymous, leaf_index=info.log_index,
              tree_size=cp.tree_size), HTTPStatus.OK, InclusionProof)
assert proof.leaf_index == info.log_index

print(f"scenario passed: {steps} steps through the generated client")
