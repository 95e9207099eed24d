"""A partner's first steps with a client generated from the OpenAPI document (by
openapi-python-client, see run.py): log in, list cases page by page, read one, and get a typed
problem back for a bad request. Run by run.py with the generated package `lumit_client` on
PYTHONPATH and LUMIT_BASE / LUMIT_ADMIN_PASSWORD set.
"""
import os
import sys

from lumit_client import AuthenticatedClient, Client
from lumit_client.api.auth import login
from lumit_client.api.cases import create_case, get_case, list_cases
from lumit_client.api.municipalities import list_municipalities
from lumit_client.api.people import create_person
from lumit_client.models import (
    CasePage,
    LoginRequest,
    NewCase,
    NewPerson,
    PageMunicipality,
    Problem,
    TokenPair,
)

base = os.environ["LUMIT_BASE"]
anonymous = Client(base_url=base, raise_on_unexpected_status=True)
tokens = login.sync(client=anonymous,
                    body=LoginRequest(username="admin", password=os.environ["LUMIT_ADMIN_PASSWORD"]))
assert isinstance(tokens, TokenPair), tokens
client = AuthenticatedClient(base_url=base, token=tokens.access_token,
                             raise_on_unexpected_status=True)

munis = list_municipalities.sync(client=client, limit=200)
assert isinstance(munis, PageMunicipality) and munis.items, munis
lucca = next(m for m in munis.items if m.name == "Lucca")

person = create_person.sync(client=client, body=NewPerson(
    first_name="Amina", last_name="Generated", municipality_id=lucca.id))
assert not isinstance(person, Problem), person
made = []
for n in range(3):
    case = create_case.sync(client=client, body=NewCase(
        person_id=person.id, municipality_id=lucca.id, category_id="residence_permit",
        summary=f"Generated client, case {n}"))
    assert not isinstance(case, Problem), case
    made.append(case.id)

# Every case, two at a time, following next_cursor.
seen, cursor = [], None
while True:
    page = list_cases.sync(client=client, limit=2, **({"cursor": cursor} if cursor else {}))
    assert isinstance(page, CasePage), page
    seen += [c.id for c in page.items]
    cursor = page.next_cursor if isinstance(page.next_cursor, str) else None
    if not cursor:
        break
assert set(made) <= set(seen), (made, seen)
one = get_case.sync(client=client, id=made[0])
assert one.id == made[0], one

# A client mistake comes back as the document's Problem, with the stable code.
bad = list_cases.sync_detailed(client=AuthenticatedClient(base_url=base, token=tokens.access_token),
                               limit=500)
assert bad.status_code == 400, bad.status_code
assert isinstance(bad.parsed, Problem) and bad.parsed.code, bad.parsed
print(f"generated client: logged in, listed {len(seen)} cases in pages of 2, read one; "
      f"limit=500 gave {bad.status_code} {bad.parsed.code}")
sys.exit(0)
