"""No input produces a 5xx, and a refused comment changes nothing.

Generated bodies, headers and query strings go to every route that takes
input; each answer must be one of the statuses the contract names.
"""

import json

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from service import keys
from tests.conftest import bearer
from tests.test_moderate_page import login, page_csrf

FIELDS = ["thread", "parent", "author", "email", "url", "content", "user_ip", "user_agent"]
FIELDS += ["referrer", "permalink", "lang", "honeypot"]
SCALARS = st.one_of(
    st.text(max_size=40),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3), max_leaves=4)
VALID = {
    "thread": "articolo-1",
    "author": "Mario",
    "email": "mario@example.it",
    "content": "Bell'articolo, grazie.",
}
# from nothing, or from a valid comment with a few fields changed or removed
BODIES = st.one_of(
    st.dictionaries(st.sampled_from([*FIELDS, "extra", ""]), VALUES, max_size=10),
    st.builds(
        lambda changes, removed: {
            k: v for k, v in {**VALID, **changes}.items() if k not in removed
        },
        st.dictionaries(
            st.sampled_from(FIELDS), st.one_of(VALUES, st.text(max_size=300)), max_size=2
        ),
        st.sets(st.sampled_from(list(VALID)), max_size=1),
    ),
)
ACCEPTED_OR_REFUSED = {202, 400, 409, 413, 415, 422, 429}


@pytest.fixture
def page_client(app, moderator):
    client = app.test_client()
    assert login(client, moderator).status_code == 303
    return client


FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(body=BODIES)
def test_generated_comment_bodies(r, client, site, body):
    before = r.xlen(keys.STREAM) if r.exists(keys.STREAM) else 0
    response = client.post("/v1/comments", json=body, headers=bearer(site))
    event(f"HTTP {response.status_code}")  # --hypothesis-show-statistics shows the mix
    assert response.status_code in ACCEPTED_OR_REFUSED, (body, response.get_json())
    after = r.xlen(keys.STREAM) if r.exists(keys.STREAM) else 0
    assert after == before + (response.status_code == 202 and not body.get("honeypot"))


@FUZZ
@given(
    raw=st.binary(max_size=300),
    content_type=st.sampled_from(
        [
            "application/json",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "text/plain",
            "application/json; charset=latin-1",
            "",
        ]
    ),
    idempotency=st.one_of(
        st.none(), st.text(st.characters(codec="latin-1", exclude_categories=["Cc"]), max_size=300)
    ),
)
def test_generated_raw_requests(client, site, raw, content_type, idempotency):
    headers = {**bearer(site), "Content-Type": content_type}
    if idempotency is not None:
        headers["Idempotency-Key"] = idempotency
    response = client.post("/v1/comments", data=raw, headers=headers)
    assert response.status_code in ACCEPTED_OR_REFUSED, response.get_data()[:200]


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(
            ["status", "site", "thread", "author_of", "sort", "cursor", "limit", "tab"]
        ),
        st.text(max_size=30),
    )
)
def test_generated_queries(client, site, moderator, page_client, params):
    queue = client.get("/v1/moderation/queue", query_string=params, headers=bearer(moderator))
    assert queue.status_code in {200, 422}
    thread = client.get("/v1/threads/t/comments", query_string=params, headers=bearer(site))
    assert thread.status_code in {200, 422}
    page = page_client.get("/moderate", query_string=params)
    assert page.status_code == 200


@FUZZ
@given(body=st.one_of(VALUES, st.dictionaries(st.sampled_from(["email", "site", "scan"]), VALUES)))
def test_generated_operator_bodies(r, client, operator, body):
    routes = ["/v1/authors/erase", "/v1/authors/export"]
    if not isinstance(body, dict):  # a valid retrain body would start a real retrain
        routes.append("/v1/models/retrain")
    headers = {**bearer(operator), "Content-Type": "application/json"}
    for route in routes:
        response = client.post(route, data=json.dumps(body), headers=headers)
        assert response.status_code in {200, 400, 404, 409, 415, 422}, (route, body)


@FUZZ
@given(
    segment=st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=80),
    body=st.one_of(VALUES, st.dictionaries(st.sampled_from(["action", "note", "ids"]), VALUES)),
)
def test_generated_paths_and_decisions(client, site, moderator, segment, body):
    from urllib.parse import quote

    path = quote(segment, safe="")
    read = client.get(f"/v1/comments/{path}", headers=bearer(moderator))
    assert read.status_code in {200, 404}, segment
    listing = client.get(f"/v1/threads/{path}/comments", headers=bearer(site))
    assert listing.status_code in {200, 404}, segment
    headers = {**bearer(moderator), "Content-Type": "application/json"}
    for route in (f"/v1/comments/{path}/decision", "/v1/moderation/decisions"):
        decided = client.post(route, data=json.dumps(body), headers=headers)
        assert decided.status_code in {200, 400, 404, 409, 422}, (route, body)


FORM_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=120)


@FUZZ
@given(
    form=st.dictionaries(
        st.sampled_from(["decide", "action", "ids", "note", "tab", "sort", "cursor", "limit"]),
        st.one_of(FORM_TEXT, st.lists(FORM_TEXT, max_size=3)),
    ),
    wants_json=st.booleans(),
)
def test_generated_page_forms(page_client, form, wants_json):
    headers = {"Origin": "http://localhost"}
    if wants_json:
        headers["Accept"] = "application/json"
    data = {**form, "csrf": page_csrf(page_client)}
    response = page_client.post("/moderate/decide", data=data, headers=headers)
    assert response.status_code in {200, 303, 422}, form
