"""One-line isolation checks for pages and API endpoints.

    def test_account_detail_is_isolated(isolation, world_a):
        isolation.assert_hidden(f"/api/v1/t/{world_a.slug}/accounts/{world_a.account_x.pk}/",
                                account_bound=True)

``assert_hidden`` checks that every member of the *other* tenant (all roles) gets 404, and, when
``account_bound``, that the customer participant of the *other account* of the same tenant gets
404 too, while the owner side (an internal member, and the customer of the account) does not.
``assert_list_excludes`` checks that a list endpoint returns no foreign ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from core.models import Membership

#: The owner side may be redirected onwards (e.g. into the admin). A POST-only action answers a GET
#: with 405, which the API gives only *after* membership was proved (outsiders still get 404).
OK = (200, 302, 405)


@dataclass
class Isolation:
    world_a: Any
    world_b: Any
    client_for: Callable[[Membership], Any]
    api_for: Callable[[Membership], Any]

    def _get(self, membership: Membership, path: str) -> Any:
        client = self.api_for(membership) if path.startswith("/api/") else self.client_for(membership)
        return client.get(path)

    def outsiders(self) -> list[Membership]:
        b = self.world_b
        return [*b.members.values(), b.customer_x, b.customer_y]

    def assert_hidden(self, path: str, *, account_bound: bool = False, visible_to: Membership | None = None) -> None:
        """404 for every member of tenant B; with ``account_bound``, 404 for A's customer of account Y."""
        owner = visible_to or self.world_a.rep
        status = self._get(owner, path).status_code
        assert status in OK, f"{path}: the owner side ({owner.role}) should see it, got {status}"
        for outsider in self.outsiders():
            status = self._get(outsider, path).status_code
            assert status == 404, f"{path}: {outsider.role} of another tenant got {status}, expected 404"
        if account_bound:
            status = self._get(self.world_a.customer_y, path).status_code
            assert status == 404, f"{path}: customer of another account got {status}, expected 404"
            status = self._get(self.world_a.customer_x, path).status_code
            assert status in OK, f"{path}: customer of the account should see it, got {status}"

    def assert_list_excludes(
        self, path: str, foreign_ids: Iterable[Any], *, as_member: Membership | None = None
    ) -> None:
        member = as_member or self.world_a.rep
        response = self._get(member, path)
        assert response.status_code == 200, response.content
        body = response.json()
        rows = body["results"] if isinstance(body, dict) and "results" in body else body
        seen = {str(row["id"]) for row in rows}
        leaked = seen & {str(i) for i in foreign_ids}
        assert not leaked, f"{path} leaked foreign rows: {leaked}"
